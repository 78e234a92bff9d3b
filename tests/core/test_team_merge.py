"""Hand out and take back (issue 14, item 3): coders code in their own files, the lead merges them back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.team.coder_files import MergeConflict
from annotator.core.team.handout import handout, sample_ids
from annotator.core.team.merge import merge
from tests.support import codes_dump, dump, span_of

TEXTS = [
    ("Finance", "The Ministry of Finance said growth will reach 3 percent. Critics disagree strongly."),
    ("Election", "Voters in Busan backed the mayor. The opposition called the result a disgrace."),
    ("월마트", "월마트가 가격을 내렸다. 노조는 이를 환영했다."),
    ("Trade", "Exports fell for a third month, the trade office said on Monday."),
    ("Weather", "Heavy rain is expected in the south. Officials urged caution."),
    ("Sport", "The home team won 2-1 after a late goal. Fans celebrated."),
]


def build_lead(path: Path) -> None:
    with Project(path) as p:
        fill_lead(p)


def fill_lead(p: Project) -> None:
    """The lead's corpus, variables and registry, into an open project (a file or a shared one)."""
    for title, text in TEXTS:
        doc = p.documents.add(title=title, text=text)
        p.metadata.set(doc, "outlet", f"Daily {title}")
    p.variables.add("topic", "single_choice", question="Main topic?", required=True,
                    choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
    p.variables.add("tone", "single_choice", level="ordinal", choices=["negative", "neutral", "positive"])
    p.variables.add("sources", "number")
    p.entities.create("Ministry of Finance", p.codebook.by_name("Organization"), aliases=["MOF"])


def code_as(p: Project, coder: str, docs: list[int], *, variant: int) -> None:
    """What one coder does in a document set: spans, a stance with a target, an entity link, values, answers, a mark."""
    p.coders.current_name = coder
    org, claim, against = (p.codebook.by_name(n) for n in ("Organization", "Claim", "Against"))
    mof = p.entities.match("MOF", label=org)
    for n, doc in enumerate(docs):
        text = p.documents.text(doc)
        first_word = text.split()[0]
        start, end = span_of(text, first_word)
        span = p.annotations.add(doc, org, start, end + variant)  # coders differ in boundaries
        if n == 0:
            p.annotations.link_entity(span.id, mof.id)
        said = p.annotations.add(doc, claim, 0, len(text) // 2, note=f"{coder} saw this")
        p.values.set(said.id, p.codebook.attributes(claim.id)[0].id, ["factual", "predictive"][variant])
        if variant:  # a stance toward a registry entity, or toward a target typed in
            p.annotations.add(doc, against, None, None, target_entity_id=mof.id)
        else:
            p.annotations.add(doc, against, None, None, target="the mayor")
        p.codesheet.set_many(doc, {"topic": 1 + variant, "tone": "negative", "sources": n + variant})
        if n == len(docs) - 1:
            p.codesheet.mark_coded(doc)


@pytest.fixture
def team(tmp_path):
    lead, reference = tmp_path / "lead.annotator", tmp_path / "one-file.annotator"
    build_lead(lead)
    shutil.copyfile(lead, reference)  # the same project, where all three code in one file
    return tmp_path, lead, reference


def test_a_handed_out_sample_coded_by_two_and_merged_equals_coding_in_one_file(team):
    folder, lead, reference = team
    with Project(lead, create=False) as p:
        p.coders.current_name = "Lead"
        ann = handout(p, "Ann", folder / "ann.annotator", sample=3, seed=14)
        bo = handout(p, "Bo", folder / "bo.annotator", sample=3, seed=14)
    sample = list(ann.document_ids)
    assert sample == list(bo.document_ids) and len(sample) == 3  # both code the reliability sample
    for path, coder, variant in ((ann.path, "Ann", 0), (bo.path, "Bo", 1)):
        with Project(path, create=False) as mine:
            assert mine.coders.current_name == coder  # the file codes as its coder, whoever opens it
            assert mine.annotations.count() == 0 and mine.documents.ids() == sample
            code_as(mine, mine.coders.current_name, sample, variant=variant)
            if coder == "Bo":  # a coder may grow the registry while coding
                person = mine.codebook.by_name("Person")
                mine.entities.create("Kim Ji-ho", person)
    with Project(lead, create=False) as p:
        code_as(p, "Lead", [1, 2], variant=0)
        report = merge(p, [ann.path, bo.path])
        merged = codes_dump(p)
        assert [line.split(":")[0] for line in report.lines()[:2]] == ["Ann", "Bo"]
        ann_report = report.coders["Ann"]
        assert (ann_report.annotations, ann_report.attribute_values, ann_report.answers, ann_report.marks,
                len(ann_report.documents)) == (9, 3, 9, 1, 3)
        assert report.entities_added == 1
    with Project(reference, create=False) as r:
        code_as(r, "Lead", [1, 2], variant=0)
        code_as(r, "Ann", sample, variant=0)
        code_as(r, "Bo", sample, variant=1)
        r.entities.create("Kim Ji-ho", r.codebook.by_name("Person"))
        assert codes_dump(r) == merged
    with Project(lead, create=False) as p:
        before = dump(p)
        again = merge(p, [ann.path, bo.path])
        assert dump(p) == before  # merging again changes nothing
        assert not again.changed
        assert again.coders["Ann"].annotations_present == 9 and again.coders["Bo"].answers_present == 9
        assert again.lines()[-1] == "Nothing new: everything in these files was merged before."


def test_a_handed_out_file_holds_the_corpus_and_codebook_and_nobody_s_codes(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        p.coders.current_name = "Lead"
        code_as(p, "Lead", [1, 2], variant=0)
        p.documents.set_memo(1, "the lead thinks this one is biased")
        out = handout(p, "Ann", folder / "ann.annotator").path
        lead_dump = codes_dump(p)
    with Project(out, create=False) as mine:
        got = codes_dump(mine)
        assert got["coders"] == [("Ann",)]
        assert got["annotations"] == got["answers"] == got["coded"] == []
        for table in ("labels", "attributes", "variables", "choices", "entities", "aliases", "metadata"):
            assert got[table] == lead_dump[table], table
        assert [row[:4] for row in got["documents"]] == [row[:4] for row in lead_dump["documents"]]
        assert all(row[5] == "" for row in got["documents"])  # nobody's memos either
        assert mine.store.conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'Busan'"
                                       ).fetchone()[0] == 1  # the coder can search their corpus


def test_a_sample_is_the_same_for_the_same_seed_whatever_the_ids(tmp_path):
    first, second = tmp_path / "a.annotator", tmp_path / "b.annotator"
    build_lead(first)
    with Project(second) as p:  # the same corpus imported in another order: other ids
        for title, text in reversed(TEXTS):
            p.documents.add(title=title, text=text)
    with Project(first, create=False) as a, Project(second, create=False) as b:
        def texts(p, ids):
            return sorted(p.documents.text(i) for i in ids)

        drawn = sample_ids(a, 3, "42")
        assert drawn == sample_ids(a, 3, "42") and len(drawn) == 3
        assert texts(a, drawn) == texts(b, sample_ids(b, 3, "42"))
        assert {tuple(sample_ids(a, 3, seed)) for seed in range(20)} != {tuple(drawn)}  # the seed matters
        with pytest.raises(ProjectError, match="has 6 documents, fewer than the sample of 7"):
            sample_ids(a, 7, "1")


def test_a_conflicting_codebook_is_refused_by_name_and_the_project_stays_byte_identical(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        coder_file = handout(p, "Ann", folder / "ann.annotator").path
    with Project(coder_file, create=False) as mine:
        code_as(mine, "Ann", [1], variant=0)
        mine.codebook.add_label("Irony", "claim", key="I", color="#123456")
        topic = mine.variables.named("topic")
        mine.variables.update(topic.id, choices=[(1, "Economy"), (2, "Sport"), (9, "Other")])
    with Project(lead, create=False) as p:
        p.codebook.add_label("Irony", "stance", key="Y", color="#654321")
    before = lead.read_bytes()
    with Project(lead, create=False) as p:
        with pytest.raises(MergeConflict) as refused:
            merge(p, [coder_file])
    message = str(refused.value)
    assert "the label 'Irony' is in the Claim layer in ann.annotator but in the Stance layer in the project" in message
    assert "choice 2 of 'topic' means 'Sport' in ann.annotator but 'Politics' in the project" in message
    assert "nothing was merged" in message
    assert lead.read_bytes() == before


def test_what_the_project_lacks_comes_in_labels_variables_choices_and_coded_documents(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        coder_file = handout(p, "Ann", folder / "ann.annotator", documents=[1]).path
    with Project(coder_file, create=False) as mine:
        irony = mine.codebook.add_label("Irony", "stance", key="I", color="#123456")
        mine.variables.add("frame", "text")
        tone = mine.variables.named("tone")
        mine.variables.update(tone.id, choices=[*tone.choices, (4, "mixed")])
        new_doc = mine.documents.add(title="Found", text="A new article the coder found and coded.")
        mine.documents.add(title="Ignored", text="Imported but never coded.")
        mine.annotations.add(new_doc, irony, None, None, target="the reader")
        mine.codesheet.set_many(1, {"frame": "conflict", "tone": 4})
    with Project(lead, create=False) as p:
        report = merge(p, [coder_file])
        assert report.codebook_added == ["label Irony (Stance)", "1 choice of tone", "variable frame"]
        assert report.documents_added == ["Found"] and report.documents_left_out == 1
        found = p.store.conn.execute("SELECT id FROM documents WHERE title = 'Found'").fetchone()[0]
        assert [a.target for a in p.annotations.for_document(found)] == ["the reader"]
        assert p.codesheet.answers(1, "Ann")[p.variables.named("tone").id] == "4"


@pytest.mark.parametrize("name", ["Robert'); DROP TABLE coders;--", "../../etc/passwd", "Ann\u202eevil", "  김  지호 "])
def test_a_hostile_coder_name_is_just_a_name(team, name):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        made = handout(p, name, folder / "c.annotator", documents=[2])
    assert made.path == folder / "c.annotator" and sorted(folder.iterdir())[0].name == "c.annotator"
    with Project(made.path, create=False) as mine:
        assert mine.coders.current_name == " ".join(name.split())
        code_as(mine, mine.coders.current_name, [2], variant=0)
    with Project(lead, create=False) as p:
        report = merge(p, [made.path])
        assert [c.name for c in p.coders.list()] == [" ".join(name.split())]
        assert report.coders[" ".join(name.split())].annotations == 3


@pytest.mark.parametrize("name, message", [("   ", "A coder needs a name"), ("x" * 101, "under 100 characters")])
def test_a_bad_coder_name_writes_no_file(team, name, message):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        with pytest.raises(ProjectError, match=message):
            handout(p, name, folder / "c.annotator")
    assert not (folder / "c.annotator").exists()


def test_handout_never_overwrites_and_refuses_unknown_documents(team):
    folder, lead, _ = team
    taken = folder / "ann.annotator"
    taken.write_text("Ann's work")
    with Project(lead, create=False) as p:
        with pytest.raises(ProjectError, match="is already a file"):
            handout(p, "Ann", taken)
        with pytest.raises(ProjectError, match="There is no document 99 in the project"):
            handout(p, "Ann", folder / "new.annotator", documents=[1, 99])
    assert taken.read_text() == "Ann's work" and not (folder / "new.annotator").exists()
    assert [f.name for f in folder.iterdir() if "partial" in f.name] == []


def test_merging_a_file_that_is_not_a_project_changes_nothing(team):
    folder, lead, _ = team
    junk = folder / "notes.annotator"
    junk.write_bytes(b"not a database at all" * 100)
    before = lead.read_bytes()
    with Project(lead, create=False) as p:
        with pytest.raises(ProjectError, match="is not an Annotator project"):
            merge(p, [junk])
        with pytest.raises(ProjectError, match="There is no file"):
            merge(p, [folder / "missing.annotator"])
        with pytest.raises(ProjectError, match="is the project itself"):
            merge(p, [lead])
    assert lead.read_bytes() == before


def test_a_later_copy_of_the_file_brings_only_what_is_new(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        coder_file = handout(p, "Ann", folder / "ann.annotator", documents=[1, 2]).path
    with Project(coder_file, create=False) as mine:
        code_as(mine, "Ann", [1], variant=0)
    with Project(lead, create=False) as p:
        assert merge(p, [coder_file]).coders["Ann"].annotations == 3
    with Project(coder_file, create=False) as mine:  # Ann goes on coding and changes her mind on a topic
        mine.annotations.add(2, mine.codebook.by_name("Quote"), 0, 6)
        mine.codesheet.set_many(1, {"topic": 9})
    with Project(lead, create=False) as p:
        again = merge(p, [coder_file]).coders["Ann"]
        assert (again.annotations, again.annotations_present, again.answers_updated, again.answers_present) == (1, 3, 1, 2)
        assert p.codesheet.answers(1, "Ann")[p.variables.named("topic").id] == "9"


def test_a_handout_that_fails_part_way_leaves_no_file(team, monkeypatch):
    from annotator.core.team import handout as handout_module

    folder, lead, _ = team
    real = handout_module._copy

    def failing(conn, table, *args):
        if table == "documents":
            raise OSError(28, "No space left on device")
        return real(conn, table, *args)

    monkeypatch.setattr(handout_module, "_copy", failing)
    with Project(lead, create=False) as p:
        with pytest.raises(ProjectError, match="Could not write .*ann.annotator .*No space left on device.*nothing was written"):
            handout(p, "Ann", folder / "ann.annotator")
    assert sorted(f.name for f in folder.iterdir()) == ["lead.annotator", "one-file.annotator"]


def test_a_file_s_gold_codes_come_in_as_the_project_s_gold_layer(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        coder_file = handout(p, "Ann", folder / "ann.annotator", documents=[1]).path
    with Project(coder_file, create=False) as mine:
        code_as(mine, "Ann", [1], variant=0)
        mine.coders.writing_gold = True  # Ann settles a code herself, as the adjudicator would
        mine.annotations.add(1, mine.codebook.by_name("Quote"), 0, 3)
    with Project(lead, create=False) as p:
        report = merge(p, [coder_file])
        gold = p.coders.gold()
        assert gold is not None and [c.name for c in p.coders.list()] == ["Ann"]
        assert [a.label_id for a in p.annotations.for_document(1) if a.coder_id == gold.id] == [
            p.codebook.by_name("Quote").id]
        assert report.coders[gold.name].annotations == 1 and report.coders["Ann"].annotations == 3


def test_a_coder_named_like_the_project_s_gold_layer_is_refused(team):
    folder, lead, _ = team
    with Project(lead, create=False) as p:
        coder_file = handout(p, "Gold", folder / "gold.annotator", documents=[1]).path
        p.coders.writing_gold = True
        p.annotations.add(2, p.codebook.by_name("Quote"), 0, 3)
        with pytest.raises(ProjectError, match="'GOLD' is the name of the project's gold layer"):
            handout(p, "GOLD", folder / "other.annotator")
    with Project(coder_file, create=False) as mine:
        code_as(mine, "Gold", [1], variant=0)
    before = lead.read_bytes()
    with Project(lead, create=False) as p:
        with pytest.raises(MergeConflict, match="gold.annotator has a coder named 'Gold', the name of the project's "
                                                "gold layer"):
            merge(p, [coder_file])
    assert lead.read_bytes() == before


def test_a_merge_made_on_a_worker_connection_undoes_and_redoes_on_the_window_s(team):
    """The GUI merges on a worker thread; the window's connection adopts the edit so one undo takes it back."""
    from annotator.core.store import history

    folder, lead, _ = team
    with Project(lead, create=False) as p:
        ann = handout(p, "Ann", folder / "ann.annotator").path
    with Project(ann, create=False) as mine:
        code_as(mine, "Ann", mine.documents.ids()[:2], variant=0)
    with Project(lead, create=False) as p:
        before = dump(p)
        worker = p.for_worker()
        try:
            report, changeset = worker.store.edit(merge, worker, [ann])
            statements = history.entries(worker.store.conn, changeset)
        finally:
            worker.close()
        assert report.coders["Ann"].annotations == 6 and statements
        adopted = p.store.adopt(statements, changeset.changes)
        merged = dump(p)
        assert merged != before
        redo = p.store.undo(adopted)
        assert dump(p) == before  # every code the merge brought is gone, nothing else changed
        p.store.undo(redo)
        assert dump(p) == merged
