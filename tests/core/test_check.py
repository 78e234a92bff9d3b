"""check_project: a clean project passes; each kind of damage is named in one line; the file is never touched."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.safety.check import SHOWN_PER_KIND, check_project
from annotator.core.store import schema
from tests.core.engines import ENGINES, location

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = ("월마트가 아마존의 클라우드를 버렸다 🚀. \"We are done,\" said Kim Ji-ho. "
        "Cafe\u0301 owners 👩‍👩‍👧 cheered.")


def _span(piece: str) -> tuple[int, int]:
    start = TEXT.index(piece)
    return start, start + len(piece)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A closed project with every kind of row check_project reads."""
    return _build_study(tmp_path / "study.annotator")


@pytest.fixture(params=ENGINES)
def any_study(request, tmp_path: Path) -> Path | str:
    """The same project as a file and as a shared project (its URL): Annotator's rules hold on both engines."""
    return _build_study(location(request, tmp_path, "study.annotator", request.param))


def _build_study(path: Path | str) -> Path | str:
    with Project(path) as project:
        book = project.codebook
        doc = project.documents.add(title="월마트 🚀", text=TEXT)
        project.documents.add(title="Second", text="Samsung sold 5% more phones.")
        walmart = project.annotations.add(doc, book.by_name("Organization"), *_span("월마트"))
        entity = project.entities.create("Walmart", book.by_name("Organization"), aliases=["월마트"])
        project.annotations.link_entity(walmart.id, entity.id)
        claim = project.annotations.add(doc, book.by_name("Claim"), *_span("\"We are done,\""), source="Kim Ji-ho")
        project.annotations.set_cue(claim.id, *_span("said"))
        verdict = next(a for a in book.attributes(book.by_name("Claim").id) if a.kind == "choice")
        project.values.set(claim.id, verdict.id, verdict.choices[0])
        project.annotations.add(doc, book.by_name("Against"), target="Amazon")
        project.annotations.add(doc, book.by_name("Person"), *_span("Kim Ji-ho"))
        group = book.add_group("Actors", "entity")
        book.move(book.by_name("Person").id, group.id, 0)
        project.documents.set_memo(doc, "Check the date.")
    return path


def damage(path: Path | str, *statements: str) -> None:
    """Change the project behind Annotator's back, foreign keys off, as a careless script would."""
    if isinstance(path, str):  # a shared project: a raw session with the server's triggers and keys off
        from annotator.core.store.pg.connection import PgConnection

        conn = PgConnection(path)
        conn.execute_native("SET session_replication_role = replica")
        for statement in statements:
            conn.execute(statement)
        conn.close()
        return
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_clean_project_passes_with_its_counts(any_study):
    report = check_project(any_study)
    assert report.ok and report.exit_code == 0
    assert report.problems == []
    assert report.schema_version == schema.SCHEMA_VERSION
    assert report.counts["documents"] == 2
    assert report.counts["annotations"] == 4
    assert report.counts["whole-document annotations"] == 1
    assert report.counts["groups"] == 1 and report.counts["entities"] == 1 and report.counts["aliases"] == 1
    lines = report.lines()
    storage = "SQLite integrity check: ok" if isinstance(any_study, Path) else (
        "Storage: kept by the PostgreSQL server (SQLite's file integrity check does not apply to a shared project)")
    assert storage in lines and "Foreign keys: ok" in lines
    assert "Annotator's rules (spans, labels, roles, values): ok" in lines
    assert lines[-1] == "No problems found."
    assert "2 documents; 4 annotations (1 on whole documents)" in "\n".join(lines)


def test_checking_changes_nothing_beside_a_closed_project(study):
    before = snapshot(study.parent)
    check_project(study)
    assert snapshot(study.parent) == before  # no -wal or -shm left behind either


def test_a_project_open_in_annotator_is_checked_with_its_latest_edits(study):
    with Project(study) as project:
        doc = project.documents.ids()[0]
        project.annotations.add(doc, project.codebook.by_name("Location"), 0, 3)
        report = check_project(study)  # the edit is still only in the -wal file
        assert report.ok, report.lines()
        assert report.counts["annotations"] == 5
        project.annotations.add(doc, project.codebook.by_name("Location"), 4, 6)  # the file is still writable


def test_a_span_whose_text_no_longer_matches_the_document_is_named(any_study):
    damage(any_study, "UPDATE annotations SET text = 'Amazon' WHERE text = '월마트'")
    report = check_project(any_study)
    assert report.exit_code == 1 and report.problem_count == 1
    [line] = report.problems
    assert "Annotation 1 (Organization) in document 1" in line
    assert "“Amazon” no longer equals the document's text at 0-3, “월마트”" in line


def test_a_span_outside_its_document_and_half_a_cue_are_named(any_study):
    damage(any_study, "UPDATE annotations SET span_end = 5000 WHERE id = 1",
           "UPDATE annotations SET cue_end = NULL WHERE cue_start IS NOT NULL")
    problems = check_project(any_study).problems
    assert any("Annotation 1 (Organization)" in p and "0-5000 lies outside the document" in p for p in problems)
    assert any("Annotation 2 (Claim)" in p and "half an attribution cue" in p for p in problems)


def test_a_row_pointing_at_a_deleted_label_fails_the_foreign_key_check(any_study):
    damage(any_study, "DELETE FROM label_attributes WHERE label_id = (SELECT id FROM labels WHERE name = 'Location')",
           "UPDATE annotations SET label_id = (SELECT id FROM labels WHERE name = 'Location') WHERE id = 4",
           "DELETE FROM labels WHERE name = 'Location'")
    report = check_project(any_study)
    assert report.exit_code == 1
    assert "Foreign keys: ok" not in report.lines()
    assert any(p.startswith("annotations row 4: label_id = ") and p.endswith("points to no row in labels.")
               for p in report.problems), report.problems


def test_codebook_rules_the_core_keeps_are_checked(any_study):
    damage(any_study,
           "UPDATE annotations SET label_id = (SELECT id FROM labels WHERE name = 'Actors') WHERE id = 4",
           "UPDATE annotations SET target = NULL WHERE span_start IS NULL",
           "UPDATE annotations SET source = 'the mayor' WHERE id = 1",
           "UPDATE entities SET label_id = (SELECT id FROM labels WHERE name = 'Claim')",
           "UPDATE labels SET parent_id = (SELECT id FROM labels WHERE name = 'Date') WHERE name = 'Event'")
    problems = "\n".join(check_project(any_study).problems)
    assert "Annotation 4 (Actors) in document 1 “월마트 🚀” is coded with the group “Actors”" in problems
    assert "Annotation 3 (Against) in document 1 “월마트 🚀” is a stance without a target." in problems
    assert "Annotation 1 (Organization) in document 1 “월마트 🚀” has a source (only claim annotations have one)." in problems
    assert "Entity 1 “Walmart” has the type “Claim”, which is not an entity label." in problems
    assert "“Event” sits under “Date”, which is a label, not a group." in problems


def test_attribute_values_that_do_not_fit_are_named(any_study):
    damage(any_study, "UPDATE annotation_values SET value = 'maybe'")
    [line] = check_project(any_study).problems
    assert line == "Annotation 2 (Claim): the value “maybe” does not fit the choice attribute “type”."
    quote = "(SELECT id FROM labels WHERE name = 'Quote')"
    damage(any_study, f"UPDATE annotations SET label_id = {quote} WHERE id = 2")
    [line] = check_project(any_study).problems
    assert "Annotation 2 (Quote) has a value for “type”," in line and "an attribute of “Claim”, but is labelled “Quote”" in line


def test_annotations_a_script_wrote_without_a_coder_are_named(any_study):
    damage(any_study, "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                  "created_at, updated_at) SELECT document_id, label_id, span_start, span_end, text, '', 'script', "
                  "created_at, updated_at FROM annotations WHERE text = '월마트'")
    report = check_project(any_study)
    assert report.exit_code == 1
    assert "1 annotation belongs to no coder" in " ".join(report.problems)


def test_a_document_text_changed_outside_annotator_is_named(any_study):
    damage(any_study, "UPDATE documents SET text = 'Samsung sold 6% more phones.' WHERE title = 'Second'")
    line, *more = check_project(any_study).problems
    assert line.startswith("The text of document 2 “Second” no longer matches the fingerprint")
    # A file's search index is checked by SQLite (its triggers ran); a server's words were not updated either.
    assert [m[:45] for m in more] == ([] if isinstance(any_study, Path) else
                                      ["The search index does not match the documents"])


def test_many_problems_of_one_kind_are_shown_up_to_a_limit_and_counted(tmp_path):
    path = tmp_path / "many.annotator"
    with Project(path) as project:
        doc = project.documents.add(title="Long", text="word " * 100)
        for i in range(30):
            project.annotations.add(doc, project.codebook.by_name("Person"), i * 5, i * 5 + 4)
    damage(path, "UPDATE annotations SET text = 'x'")
    report = check_project(path)
    assert report.problem_count == 30
    assert len(report.problems) == SHOWN_PER_KIND + 1
    assert report.problems[-1] == f"... and {30 - SHOWN_PER_KIND} more: spans."
    assert "30 problems found:" in report.lines()


def test_a_truncated_file_cannot_be_read(study):
    data = study.read_bytes()
    study.write_bytes(data[: len(data) // 2])
    report = check_project(study)
    assert report.exit_code == 2 and not report.readable
    assert report.error == (f"{study} is truncated: it holds {len(data) // 2:,} bytes, but its header says "
                            f"{len(data):,}. It cannot be opened or checked; restore a backup or ask for the "
                            "last copy you exported.")


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty (0 bytes), not an Annotator project."),
    (b"%PDF-1.7\n" + b"x" * 500, "is not an Annotator project: it is not an SQLite database."),
    (b"SQLite format 3\x00\x10\x00", "is truncated: only 18 bytes are left of it."),
])
def test_files_that_are_no_database_cannot_be_read(tmp_path, content, expected):
    path = tmp_path / "odd.annotator"
    path.write_bytes(content)
    report = check_project(path)
    assert report.exit_code == 2
    assert expected in report.error
    assert path.read_bytes() == content


def test_another_applications_database_is_refused_untouched(tmp_path):
    path = tmp_path / "browser-history.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE visits(url TEXT)")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    report = check_project(path)
    assert report.exit_code == 2
    assert report.error == f"{path} belongs to another application, not Annotator; choose an Annotator project."
    assert snapshot(tmp_path) == before


def test_a_missing_file_is_reported_and_not_created(tmp_path):
    report = check_project(tmp_path / "typo.annotator")
    assert report.error == f"No project file at {tmp_path / 'typo.annotator'}."
    assert list(tmp_path.iterdir()) == []


def test_a_project_from_a_newer_annotator_gets_only_sqlites_checks(study):
    damage(study, f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    report = check_project(study)
    assert report.exit_code == 1
    assert report.problems == [f"The project was made by a newer Annotator (schema {schema.SCHEMA_VERSION + 1}); "
                               "only SQLite's own checks ran. Update Annotator to check the rest."]
    assert "SQLite integrity check: ok" in report.lines()


@pytest.mark.parametrize("version", [1, 2])
def test_older_schema_fixtures_are_checked_without_migrating(tmp_path, version):
    path = tmp_path / f"schema_v{version}.annotator"
    shutil.copy(FIXTURES / path.name, path)
    before = snapshot(tmp_path)
    report = check_project(path)
    assert report.ok, report.lines()
    assert report.schema_version == version
    assert f"Schema: {version} (older: Annotator brings it to schema {schema.SCHEMA_VERSION} when it opens it)" \
        in report.lines()
    assert snapshot(tmp_path) == before


def test_a_checkpoint_cut_short_by_a_crash_is_not_taken_for_a_truncated_file(study, tmp_path):
    # A checkpoint copies pages from the -wal into the file in page order, so a crash during
    # one can leave a new first page, which counts pages not yet written, while the -wal
    # still holds every page. Rebuild that state from a copy taken while edits sit in the -wal.
    with Project(study) as project:
        project.store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        project.documents.add(title="Long", text="A long article. " * 20_000)
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal"):
            shutil.copy(f"{study}{suffix}", crashed / f"study.annotator{suffix}")
    copy = crashed / "study.annotator"
    wal = (crashed / "study.annotator-wal").read_bytes()
    page_size = int.from_bytes(wal[8:12], "big")
    frames = [wal[at:at + 24 + page_size] for at in range(32, len(wal), 24 + page_size)]
    first_page = [frame[24:] for frame in frames if int.from_bytes(frame[:4], "big") == 1][-1]
    data = copy.read_bytes()
    copy.write_bytes(first_page + data[page_size:])
    assert int.from_bytes(first_page[28:32], "big") * page_size > copy.stat().st_size

    report = check_project(copy)
    assert report.ok, report.lines()
    assert report.counts["documents"] == 3


# -- a shared project (issue 15, item 3): the server's keys, and what of a file's checks does not apply -----


def test_a_shared_project_is_checked_in_place_and_named_without_its_password(shared_url):
    from annotator.core.store.pg.locations import describe

    _build_study(shared_url)
    report = check_project(shared_url)
    assert report.ok and report.lines()[0] == f"Project: {describe(shared_url)}"
    assert "Search index: ok" in report.lines()  # the server's words, compared with the documents
    assert not any(line.startswith("SQLite integrity check") for line in report.lines())


def test_repair_of_a_shared_project_folds_its_search_words_again(shared_url):
    from annotator.core.safety.check import repair

    with Project(shared_url) as shared:
        shared.documents.add(title="One", text="Walmart opened a store.")
        shared.store.conn.execute_native("UPDATE search_words SET body = ' '")
    assert not check_project(shared_url).ok
    assert repair(shared_url) == 1
    assert "Search index: ok" in check_project(shared_url).lines()


def test_an_unreachable_server_is_reported_not_raised():
    report = check_project("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert report.exit_code == 2
    assert report.error.startswith("nobody@127.0.0.1:1/none cannot be checked:") and "server is running" in report.error


def test_a_shared_projects_search_words_out_of_step_with_its_documents_are_named(shared_url):
    _build_study(shared_url)
    damage(shared_url, "UPDATE search_words SET body = 'stale' WHERE document_id = 2")
    report = check_project(shared_url)
    assert report.exit_code == 1
    assert [p for p in report.problems if p.startswith("The search index does not match the documents (0 missing, "
                                                       "1 out of date)")]
