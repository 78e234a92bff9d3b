"""Shared projects from the command line (issue 15, items 1 and 2): every command takes --project URL,
and `annotator push` / `pull` move a whole project between a file and a PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from annotator.cli import main
from annotator.core.project import Project
from annotator.core.store.pg.locations import describe

KOREAN = "월마트가 새 매장을 열었다. Walmart opened a store in Seoul; Amazon did not."


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user, host = parts.netloc.split("@", 1)
    return urlunsplit((parts.scheme, f"{user}:{password}@{host}", parts.path, parts.query, parts.fragment))


def build_project(path: Path) -> Path:
    """A small project with something in every table a coder's work touches, Korean and emoji included."""
    with Project(path) as p:
        p.coders.current_name = "민지"
        doc = p.documents.add(title="월마트 😀", text=KOREAN)
        other = p.documents.add(title="Second", text="Amazon opened nothing. The market fell 3%.")
        p.metadata.set_many(doc, {"outlet": "연합뉴스", "date": "2024-03-05"})
        walmart = p.entities.create("Walmart", p.codebook.by_name("Organization"), aliases=["월마트"])
        mention = p.annotations.add(doc, p.codebook.by_name("Organization"), 0, 3, note="first 😀")
        p.annotations.link_entity(mention.id, walmart.id)
        claim = p.annotations.add(other, p.codebook.by_name("Claim"), 0, 22)
        kind = next(a for a in p.codebook.attributes(p.codebook.by_name("Claim").id) if a.name == "type")
        p.values.set(claim.id, kind.id, "statistical")
        p.annotations.add(doc, p.codebook.by_name("Favor"), target="Walmart", coder="Ann")
        p.variables.add("topic", "single_choice", choices=["Economy", "Politics"], required=True)
        p.codesheet.set(doc, "topic", "1")
        p.codesheet.mark_coded(other)
    return path


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a project file, ordered, except the search index's own pages."""
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'documents_fts%' ORDER BY name")]
        return {table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}
    finally:
        conn.close()


def search_hits(path: Path, word: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (word,))]
    finally:
        conn.close()


def test_push_then_pull_gives_the_same_project_row_by_row(shared_url, tmp_path, capsys):
    original = build_project(tmp_path / "original.annotator")
    code, out, err = _run(capsys, "push", "--project", original, "--url", shared_url)
    assert (code, err) == (0, "")
    assert out == f"Pushed {original} to {describe(shared_url)}: 2 documents, 3 annotations, 13 labels, 2 coders.\n"
    copy = tmp_path / "copy.annotator"
    code, out, err = _run(capsys, "pull", "--url", shared_url, "--out", copy)
    assert (code, err) == (0, "")
    assert out.startswith(f"Pulled {describe(shared_url)} into {copy}: 2 documents")
    before, after = table_rows(original), table_rows(copy)
    assert list(after) == list(before)
    for table in before:
        assert after[table] == before[table], table
    # The copy is a whole project file: its search index was built, and exports read as the original's.
    assert search_hits(copy, "amazon") == search_hits(original, "amazon") == [1, 2]
    for name in ("original", "copy"):
        assert _run(capsys, "export", "--project", tmp_path / f"{name}.annotator", "--out",
                    tmp_path / f"{name}.jsonl", "--format", "jsonl")[0] == 0
    assert (tmp_path / "copy.jsonl").read_bytes() == (tmp_path / "original.jsonl").read_bytes()
    assert _run(capsys, "check", "--project", copy)[0] == 0


def test_a_pushed_project_takes_new_rows_without_colliding_with_the_copied_ids(shared_url, tmp_path, capsys):
    original = build_project(tmp_path / "original.annotator")
    assert _run(capsys, "push", "--project", original, "--url", shared_url)[0] == 0
    with Project(shared_url) as shared:
        doc = shared.documents.add(title="Third", text="Walmart again.")
        made = shared.annotations.add(doc, shared.codebook.by_name("Organization"), 0, 7)
        assert (doc, made.id) == (3, 4)
        assert [label.name for label in shared.codebook.labels()][:2] == ["Person", "Organization"]
        assert len(shared.codebook.labels()) == 13  # the pushed codebook, not a second default one


def test_every_command_takes_the_same_shared_project_url_and_never_prints_its_password(shared_url, tmp_path,
                                                                                          capsys):
    url = with_password(shared_url, "s3cret-pw")  # the test server trusts the socket, so any password logs in
    article = tmp_path / "walmart.txt"
    article.write_text(KOREAN, encoding="utf-8")
    said = []

    def run(*argv) -> str:
        code, out, err = _run(capsys, *argv)
        said.append(out + err)
        assert code == 0, err
        return out

    assert run("import", "--project", url, article) == "Imported 1 document.\n"
    assert run("stats", "--project", url).startswith(f"Project: {describe(shared_url)}\nDocuments      1\n")
    assert run("coders", "--project", url, "--add", "Ann") == "Added coder Ann.\n"
    run("variables", "add", "topic", "--project", url, "--type", "single_choice", "--choice", "1=Economy")
    assert "topic (single choice, nominal): 0 answers" in run("variables", "list", "--project", url)
    run("code", "--project", url, "--document", "1", "--set", "topic=1", "--coder", "Ann")
    run("code", "--project", url, "--document", "1", "--set", "topic=Economy", "--coder", "Bo")
    table = run("agreement", "--project", url)
    assert "topic" in table
    assert "Added Bo" not in run("coders", "--project", url)
    report = run("check", "--project", url)
    assert report.splitlines()[0] == f"Project: {describe(shared_url)}"
    assert "No problems found." in report
    with Project(shared_url) as shared:
        assert [d.title for d in shared.documents.summaries()] == [KOREAN]  # a title taken from the first line
        assert [c.name for c in shared.coders.list()] == ["Ann", "Bo"]
        assert shared.codesheet.answers(1, "Bo") == shared.codesheet.answers(1, "Ann") != {}
    assert not [text for text in said if "s3cret" in text]


def test_backup_and_restore_say_what_to_do_for_a_shared_project(shared_url, capsys):
    for argv in (("backup", "--project", shared_url), ("restore", "--project", shared_url, "--list")):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (2, "")
        assert "pg_dump" in err and "annotator pull --url URL --out FILE.annotator" in err


def test_check_repair_folds_a_shared_projects_search_words_again(shared_url, capsys):
    with Project(shared_url) as shared:
        shared.documents.add(title="월마트", text=KOREAN)
        shared.store.conn.execute_native("DELETE FROM search_words")
    code, out, _ = _run(capsys, "check", "--project", shared_url)
    assert code == 1 and "The search index does not match the documents (1 missing" in out
    code, out, err = _run(capsys, "check", "--project", shared_url, "--repair")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Rebuilt the search index of 1 documents."
    assert "Search index: ok" in out.splitlines()


def test_push_into_a_shared_project_holding_work_is_refused_and_changes_nothing(shared_url, tmp_path, capsys):
    original = build_project(tmp_path / "original.annotator")
    assert _run(capsys, "push", "--project", original, "--url", shared_url)[0] == 0
    with Project(shared_url) as shared:
        shared.documents.add(title="Later", text="Added on the server.")
    before = _pulled_rows(shared_url, tmp_path / "before.annotator", capsys)
    code, out, err = _run(capsys, "push", "--project", original, "--url", shared_url)
    assert (code, out) == (2, "")
    assert "already holds a project" in err and "Traceback" not in err
    assert _pulled_rows(shared_url, tmp_path / "after.annotator", capsys) == before


def _pulled_rows(url: str, out: Path, capsys) -> dict[str, list[tuple]]:
    assert _run(capsys, "pull", "--url", url, "--out", out)[0] == 0
    return table_rows(out)


def test_push_into_a_database_that_does_not_exist_yet_sets_it_up(pg_server, tmp_path, capsys):
    fresh = pg_server.new_database()
    pg_server.drop(fresh)
    url = fresh.replace("annotator_test_", "annotator_pushed_")
    try:
        original = build_project(tmp_path / "original.annotator")
        assert _run(capsys, "push", "--project", original, "--url", url)[0] == 0
        assert _pulled_rows(url, tmp_path / "copy.annotator", capsys) == table_rows(original)
    finally:
        pg_server.drop(url)


def test_pull_over_an_existing_file_is_refused_unless_forced(shared_url, tmp_path, capsys):
    build_project(tmp_path / "original.annotator")
    assert _run(capsys, "push", "--project", tmp_path / "original.annotator", "--url", shared_url)[0] == 0
    mine = build_project(tmp_path / "mine.annotator")
    with Project(mine) as p:
        p.documents.add(title="Only here", text="Not on the server.")
    kept = mine.read_bytes()
    code, out, err = _run(capsys, "pull", "--url", shared_url, "--out", mine)
    assert (code, out) == (2, "")
    assert "already exists" in err and "--force" in err
    assert mine.read_bytes() == kept
    assert _run(capsys, "pull", "--url", shared_url, "--out", mine, "--force")[0] == 0
    assert table_rows(mine) == table_rows(tmp_path / "original.annotator")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_an_unreachable_server_is_said_plainly_and_nothing_is_written(tmp_path, capsys):
    url = f"postgresql://nobody@/annotator?host={tmp_path / 'no-server-here'}"
    original = build_project(tmp_path / "original.annotator")
    for argv in (("push", "--project", original, "--url", url), ("pull", "--url", url, "--out", tmp_path / "c"),
                 ("stats", "--project", url)):
        code, out, err = _run(capsys, *argv)
        assert (code, out) == (2, "")
        assert err.startswith("annotator: error: Could not connect to nobody@") and "Traceback" not in err
    assert not (tmp_path / "c").exists()


def test_push_and_pull_refuse_a_url_that_is_not_one(tmp_path, capsys):
    code, _out, err = _run(capsys, "pull", "--url", tmp_path / "x.annotator", "--out", tmp_path / "y.annotator")
    assert code == 2 and "is not one" in err


@pytest.mark.parametrize("argv", [("search", "walmart"), ("export", "--out", "out.csv")])
def test_a_url_reaches_the_command_whole(argv, tmp_path, capsys, monkeypatch):
    """A URL is never folded into a path (Path('postgresql://x') is 'postgresql:/x')."""
    opened = []

    def fake_project(location, **_kwargs):
        opened.append(location)
        raise SystemExit(0)

    monkeypatch.setattr("annotator.core.project.Project", fake_project)
    monkeypatch.chdir(tmp_path)
    url = "postgresql://ann@db.example.org:5432/desk?sslmode=require"
    with pytest.raises(SystemExit):
        main([argv[0], "--project", url, *argv[1:]])
    assert opened == [url]


def test_codes_made_in_a_pulled_copy_come_back_by_merge_and_coding_goes_on(shared_url, tmp_path, capsys):
    """Offline work: pull a copy, code in it, merge it back; the server's ids go on without a collision."""
    with Project(shared_url) as shared:
        doc = shared.documents.add(title="월마트", text=KOREAN)
        shared.annotations.add(doc, shared.codebook.by_name("Organization"), 0, 3, coder="Bo")
    copy = tmp_path / "offline.annotator"
    assert _run(capsys, "pull", "--url", shared_url, "--out", copy)[0] == 0
    with Project(copy) as offline:
        offline.coders.current_name = "Ann"
        offline.annotations.add(doc, offline.codebook.by_name("Organization"), 15, 22)
    code, out, _err = _run(capsys, "merge", "--project", shared_url, copy)
    assert code == 0 and "Ann: 1 annotation," in out
    with Project(shared_url) as shared:
        later = shared.annotations.add(doc, shared.codebook.by_name("Location"), 40, 45, coder="Bo")
        codes = [(a.id, a.start, a.end, a.annotator) for a in shared.annotations.for_document(doc)]
    assert codes == [(1, 0, 3, "Bo"), (2, 15, 22, "Ann"), (later.id, 40, 45, "Bo")]
    assert later.id == 3


def test_a_push_that_fails_half_way_leaves_the_shared_project_empty(shared_url, tmp_path, capsys):
    original = build_project(tmp_path / "original.annotator")
    conn = sqlite3.connect(original)
    with conn:  # a tool that bypassed Annotator left an annotation pointing at no label
        conn.execute("UPDATE annotations SET label_id = 999 WHERE id = (SELECT max(id) FROM annotations)")
    conn.close()
    code, out, err = _run(capsys, "push", "--project", original, "--url", shared_url)
    assert (code, out) == (2, "")
    assert "was refused" in err and "nothing was pushed" in err and "Traceback" not in err
    with Project(shared_url) as shared:
        assert shared.documents.count() == 0 and shared.annotations.count() == 0
    with Project(original, create=False) as p:
        p.store.conn.execute("UPDATE annotations SET label_id = ? WHERE label_id = 999",
                             (p.codebook.by_name("Favor").id,))
        p.store.conn.commit()
    assert _run(capsys, "push", "--project", original, "--url", shared_url)[0] == 0


def test_pull_never_replaces_a_project_open_in_another_annotator(shared_url, tmp_path, capsys):
    import subprocess
    import sys

    original = build_project(tmp_path / "original.annotator")
    assert _run(capsys, "push", "--project", original, "--url", shared_url)[0] == 0
    mine = build_project(tmp_path / "mine.annotator")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from annotator.core.project import Project; p = Project(sys.argv[1]); "
         "print('open', flush=True); sys.stdin.readline()", str(mine)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        kept = mine.read_bytes()
        code, out, err = _run(capsys, "pull", "--url", shared_url, "--out", mine, "--force")
        assert (code, out) == (2, "")
        assert "is open in Annotator" in err and "Nothing was pulled." in err
        assert mine.read_bytes() == kept
    finally:
        holder.communicate("\n", timeout=30)
    assert _run(capsys, "pull", "--url", shared_url, "--out", mine, "--force")[0] == 0


def test_a_client_open_on_the_empty_project_learns_of_the_push_once_per_kind(shared_url, tmp_path, capsys):
    from annotator.core.store.database import Change, ChangeKind

    with Project(shared_url) as watching:
        watching.store.others_changes()
        assert _run(capsys, "push", "--project", build_project(tmp_path / "o.annotator"), "--url", shared_url)[0] == 0
        assert watching.store.others_changes() == [Change(kind) for kind in (
            ChangeKind.CODEBOOK_CHANGED, ChangeKind.CODERS_CHANGED, ChangeKind.ENTITIES_CHANGED,
            ChangeKind.DOCUMENTS_ADDED)]
        assert watching.documents.count() == 2


def test_push_reports_each_table_as_it_is_copied(shared_url, tmp_path):
    from annotator.core.store.pg.transfer import push

    original = build_project(tmp_path / "original.annotator")
    reported = []
    conn = sqlite3.connect(original)
    try:
        counts = push(conn, shared_url, on_progress=lambda table, rows: reported.append((table, rows)))
    finally:
        conn.close()
    assert dict(reported) == counts
    assert counts["documents"] == 2 and counts["annotations"] == 3


def test_push_and_pull_keep_the_order_metadata_fields_were_added_in(shared_url, tmp_path, capsys):
    # Exports list a document's fields in the order they were added (the file's row order).
    original = tmp_path / "original.annotator"
    with Project(original) as p:
        doc = p.documents.add(title="One", text="Walmart opened a store.")
        for key in ("zeta", "outlet", "alpha", "날짜"):
            p.metadata.set_many(doc, {key: f"value of {key}"})
    assert _run(capsys, "push", "--project", original, "--url", shared_url)[0] == 0
    with Project(shared_url) as shared:  # an edited row moves to the end of the server's table
        shared.metadata.set_many(1, {"zeta": "edited on the server"})
    copy = tmp_path / "copy.annotator"
    assert _run(capsys, "pull", "--url", shared_url, "--out", copy)[0] == 0

    def in_row_order(path):
        conn = sqlite3.connect(path)
        try:
            return [row[0] for row in conn.execute("SELECT key FROM document_metadata ORDER BY rowid")]
        finally:
            conn.close()

    assert in_row_order(copy) == in_row_order(original) == ["zeta", "outlet", "alpha", "날짜"]
