"""Adjudication (issue 14, item 6): two coders' versions side by side, settled into the gold layer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.team.adjudication import (
    AGREE, ALONE, BLANK, DIFFER, GOLD_ONLY, clear_gold, take, take_agreed, versions,
)
from tests.support import dump, span_of

pytestmark = pytest.mark.both_engines

TEXT = "월마트가 아마존을 떠났다. Walmart left AWS for Azure, the company said. 정부는 규제를 발표했다."


@dataclass
class Study:
    project: Project
    doc: int
    kim: int
    lee: int
    ids: dict[str, int]  # what each coder coded, by a short name


def _as(project: Project, name: str) -> None:
    project.annotations.annotator = name


def _attribute(project: Project, label: str, name: str) -> int:
    return next(a.id for a in project.codebook.attributes(project.codebook.by_name(label).id) if a.name == name)


@pytest.fixture
def study(project: Project) -> Study:
    return code_study(project)


def code_study(p: Project) -> Study:
    """Kim and Lee code one document: they agree on some codes and answers and differ on others."""
    doc = p.documents.add(title="기사", text=TEXT)
    org, loc, claim, favor, against = (p.codebook.by_name(n) for n in
                                       ("Organization", "Location", "Claim", "Favor", "Against"))
    amazon = p.entities.create("Amazon", org)
    p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    p.variables.add("tone", "single_choice", level="ordinal", choices=[(1, "negative"), (2, "neutral"), (3, "positive")])
    p.variables.add("actors", "number")
    verdict, checkworthy = _attribute(p, "Claim", "verdict"), _attribute(p, "Claim", "checkworthy")
    ids: dict[str, int] = {}
    for coder in ("Kim", "Lee"):
        _as(p, coder)
        c = coder.lower()
        ids[f"{c}_walmart_ko"] = p.annotations.add(doc, org, *span_of(TEXT, "월마트")).id  # agreed
        amazon_span = p.annotations.add(doc, org, *span_of(TEXT, "아마존"))  # agreed, only Kim links it
        ids[f"{c}_amazon"] = amazon_span.id
        if coder == "Kim":
            p.annotations.link_entity(amazon_span.id, amazon.id)
            ids["kim_walmart"] = p.annotations.add(doc, org, *span_of(TEXT, "Walmart")).id
            ids["kim_azure"] = p.annotations.add(doc, loc, *span_of(TEXT, "Azure")).id  # Kim alone
            ids["kim_government"] = p.annotations.add(doc, against, target="정부").id
        else:
            ids["lee_walmart"] = p.annotations.add(doc, org, *span_of(TEXT, "Walmart left")).id  # other boundaries
            ids["lee_government"] = p.annotations.add(doc, favor, target="정부").id
        said = p.annotations.add(doc, claim, *span_of(TEXT, "Walmart left AWS for Azure"))  # agreed span...
        ids[f"{c}_claim"] = said.id
        p.values.set(said.id, checkworthy, "yes")  # ...agreed checkworthy...
        p.values.set(said.id, verdict, "accurate" if coder == "Kim" else "false")  # ...and verdicts apart
        ids[f"{c}_amazon_favor"] = p.annotations.add(doc, favor, target="Amazon").id  # agreed whole-document code
        p.codesheet.set_many(doc, {"topic": 1, "tone": 1 if coder == "Kim" else 3}, coder=coder)
    p.codesheet.set(doc, "actors", 2, coder="Kim")
    _as(p, "Kim")
    return Study(p, doc, p.coders.named("Kim").id, p.coders.named("Lee").id, ids)


def _unit_of(view, annotation_id):
    return next(u for u in view.units if any(c.annotation.id == annotation_id for c in u.codes()))


def _gold_codes(project: Project, doc: int) -> set[tuple]:
    """The gold layer's codes as comparable tuples: (start, end, label, target, entity link, attributes)."""
    gold = project.coders.gold()
    found = set()
    for a in project.annotations.for_document(doc):
        if a.coder_id == gold.id:
            values = tuple(sorted(project.values.of(a.id).values()))
            found.add((a.start, a.end, project.codebook.label(a.label_id).name, a.target, a.entity_id, values))
    return found


def test_versions_mark_agreed_differing_and_lone_codes(study: Study):
    view = versions(study.project, study.doc)
    ids = study.ids
    assert [c.name for c in view.coders] == ["Kim", "Lee"] and view.gold is None
    walmart_ko = _unit_of(view, ids["kim_walmart_ko"])
    assert walmart_ko.status == AGREE and walmart_ko.differs_in == []
    assert {cid: [c.annotation.id for c in codes] for cid, codes in walmart_ko.versions.items()} == {
        study.kim: [ids["kim_walmart_ko"]], study.lee: [ids["lee_walmart_ko"]]}
    amazon = _unit_of(view, ids["kim_amazon"])
    assert amazon.status == AGREE and amazon.differs_in == ["entity link"]
    claim = _unit_of(view, ids["kim_claim"])
    assert claim.status == AGREE and claim.differs_in == ["verdict"]
    walmart = _unit_of(view, ids["kim_walmart"])  # the same unit, other boundaries
    assert walmart.status == DIFFER and walmart is _unit_of(view, ids["lee_walmart"])
    assert (walmart.start, walmart.end) == span_of(TEXT, "Walmart left")
    assert _unit_of(view, ids["kim_azure"]).status == ALONE
    government = _unit_of(view, ids["kim_government"])  # whole-document codes toward 정부: Against vs Favor
    assert government.status == DIFFER and government.document_level and government is _unit_of(view, ids["lee_government"])
    assert _unit_of(view, ids["kim_amazon_favor"]).status == AGREE
    assert len(view.units) == 7
    answers = {a.variable.name: (a.status, a.values) for a in view.answers}
    assert answers == {"topic": (AGREE, {study.kim: "1", study.lee: "1"}),
                       "tone": (DIFFER, {study.kim: "1", study.lee: "3"}),
                       "actors": (ALONE, {study.kim: "2"})}


def test_take_agreed_copies_exactly_the_agreed_codes_into_gold(study: Study):
    p, doc = study.project, study.doc
    outcome = take_agreed(p, doc)
    assert (outcome.spans, outcome.document_codes, outcome.answers, outcome.removed) == (3, 1, 1, 0)
    checkworthy = "yes"
    assert _gold_codes(p, doc) == {
        (*span_of(TEXT, "월마트"), "Organization", None, None, ()),
        (*span_of(TEXT, "아마존"), "Organization", None, None, ()),  # only Kim linked it: no link in gold
        (*span_of(TEXT, "Walmart left AWS for Azure"), "Claim", None, None, (checkworthy,)),  # verdicts differ
        (None, None, "Favor", "Amazon", None, ()),
    }
    assert p.codesheet.answers(doc, "gold") == {p.variables.named("topic").id: "1"}
    assert p.codesheet.is_marked(doc, "gold")
    view = versions(p, doc)
    assert view.gold.name == "gold" and [c.name for c in view.coders] == ["Kim", "Lee"]
    assert all(len(u.gold) == (u.status == AGREE) for u in view.units)
    before = dump(p)
    assert not take_agreed(p, doc).changed and dump(p) == before  # taking again changes nothing


def test_take_copies_one_coders_version_replacing_golds_conflicting_codes(study: Study):
    p, doc, ids = study.project, study.doc, study.ids
    take_agreed(p, doc)
    outcome = take(p, doc, "Lee")
    lee = {(a.start, a.end, a.label_id, a.target) for a in p.annotations.for_document(doc) if a.coder_id == study.lee}
    gold = p.coders.gold()
    in_gold = {(a.start, a.end, a.label_id, a.target) for a in p.annotations.for_document(doc)
               if a.coder_id == gold.id}
    assert in_gold == lee
    assert p.codesheet.answers(doc, "gold") == p.codesheet.answers(doc, "Lee")
    # Lee's claim (other verdict) replaced the agreed copy; the identical ones were kept as they were.
    assert (outcome.spans, outcome.document_codes, outcome.answers, outcome.removed) == (2, 1, 1, 1)
    # Kim's Walmart then replaces Lee's overlapping "Walmart left", and only that.
    outcome = take(p, doc, "Kim", [ids["kim_walmart"], "actors"])
    assert (outcome.spans, outcome.answers, outcome.removed) == (1, 1, 1)
    spans = {p.annotations.get(i).text for i in _gold_ids(p, doc)}
    assert "Walmart" in spans and "Walmart left" not in spans
    assert p.codesheet.answers(doc, "gold")[p.variables.named("actors").id] == "2"


def _gold_ids(p: Project, doc: int) -> list[int]:
    gold = p.coders.gold()
    return [a.id for a in p.annotations.for_document(doc) if a.coder_id == gold.id]


@pytest.mark.parametrize("step", ["agreed", "take", "take_some", "clear"])
def test_each_step_is_one_edit_whose_undo_restores_gold_exactly(study: Study, step: str):
    p, doc = study.project, study.doc
    if step == "clear":
        take(p, doc, "Kim")
    before = dump(p)
    action = {"agreed": lambda: take_agreed(p, doc), "take": lambda: take(p, doc, "Lee"),
              "take_some": lambda: take(p, doc, "Kim", [study.ids["kim_azure"], "tone"]),
              "clear": lambda: clear_gold(p, doc)}[step]
    _, changeset = p.store.edit(action)
    assert changeset is not None and dump(p) != before
    redo = p.store.undo(changeset)
    assert dump(p) == before
    p.store.undo(redo)
    assert dump(p) != before


def test_clear_gold_leaves_the_coders_codes_as_they_were(study: Study):
    p, doc = study.project, study.doc
    coders_codes = [a for a in p.annotations.for_document(doc)]
    take(p, doc, "Kim")
    outcome = clear_gold(p, doc)
    assert outcome.removed == 7 + 3  # Kim's seven codes and three answers
    assert p.annotations.for_document(doc) == coders_codes
    assert p.codesheet.answers(doc, "gold") == {} and not p.codesheet.is_marked(doc, "gold")


def test_gold_edits_show_up_as_gold_and_gold_only_codes_are_their_own_units(study: Study):
    p, doc = study.project, study.doc
    p.coders.writing_gold = True  # the view is gold: edits are written as gold
    settled = p.annotations.add(doc, p.codebook.by_name("Organization"), *span_of(TEXT, "AWS"))
    p.coders.writing_gold = False
    view = versions(p, doc)
    unit = next(u for u in view.units if u.gold)
    assert unit.status == GOLD_ONLY and unit.gold[0].annotation.id == settled.id and unit.versions == {}
    assert [c.name for c in view.coders] == ["Kim", "Lee"]  # gold is never one of the coders


def test_bad_requests_say_what_to_do_and_change_nothing(study: Study):
    p, doc = study.project, study.doc
    before = dump(p)
    with pytest.raises(ProjectError, match="not one of Lee's codes"):
        take(p, doc, "Lee", [study.ids["kim_azure"]])
    with pytest.raises(ProjectError, match="No coder is called 'Park'"):
        take(p, doc, "Park")
    with pytest.raises(ProjectError, match="There is no document 99"):
        take_agreed(p, 99)
    take(p, doc, "Kim", ["topic"])
    middle = dump(p)
    with pytest.raises(ProjectError, match="gold layer is what is taken into"):
        take(p, doc, "gold")
    assert dump(p) == middle != before


def test_a_document_one_coder_coded_has_nothing_agreed(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    _as(project, "Kim")
    project.annotations.add(doc, project.codebook.by_name("Organization"), *span_of(TEXT, "월마트"))
    before = dump(project)
    view = versions(project, doc)  # looking writes nothing: no gold layer appears
    assert [u.status for u in view.units] == [ALONE]
    assert all(a.status == BLANK for a in view.answers)
    assert dump(project) == before and [c.name for c in project.coders.list()] == ["Kim"]
    with pytest.raises(ProjectError, match="Only Kim coded document"):
        take_agreed(project, doc)
    assert dump(project) == before and project.coders.gold() is None
    assert take(project, doc, "Kim").spans == 1


# -- exports of the gold layer ---------------------------------------------------------------


def test_gold_exports_hold_only_the_adjudicated_codes_and_answers(study: Study, tmp_path):
    import json

    from annotator.core.interchange.formats import export
    from tests.support import read_csv_rows

    p, doc = study.project, study.doc
    take_agreed(p, doc)
    take(p, doc, "Lee", ["tone"])
    gold_rows = export(p, "csv", tmp_path / "gold.csv", gold=True)
    rows = read_csv_rows(tmp_path / "gold.csv")
    assert gold_rows == len(rows) == 4 and {r["annotator"] for r in rows} == {"gold"}
    assert sorted(r["text"] for r in rows) == sorted(["월마트", "아마존", "Walmart left AWS for Azure", ""])
    assert export(p, "csv", tmp_path / "all.csv") == 13 + 4  # everyone's by default, gold named as such
    assert [r["annotator"] for r in read_csv_rows(tmp_path / "all.csv")].count("gold") == 4

    export(p, "coding", tmp_path / "coding.csv", gold=True)
    (coded,) = read_csv_rows(tmp_path / "coding.csv")
    assert (coded["var_topic"], coded["var_tone"], coded["var_actors"]) == ("1", "3", "")
    assert (coded["n_organization"], coded["n_claim"], coded["n_favor"], coded["n_against"]) == ("2", "1", "1", "0")
    assert coded["targets_favor"] == "Amazon"

    export(p, "jsonl", tmp_path / "gold.jsonl", gold=True)
    (record,) = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [s["text"] for s in record["spans"]] == ["월마트", "아마존", "Walmart left AWS for Azure"]
    assert [c["target"] for c in record["document_codes"]] == ["Amazon"]
    assert export(p, "webanno", tmp_path / "gold.jsonld", gold=True) == 4
    export(p, "matrix", tmp_path / "matrix.csv", gold=True)
    assert read_csv_rows(tmp_path / "matrix.csv")[0]["Organization"] == "2"
    export(p, "csv", tmp_path / "memos.csv", what="memos", gold=True)
    assert read_csv_rows(tmp_path / "memos.csv") == []


def test_gold_export_without_a_gold_layer_or_in_refi_says_what_to_do(study: Study, tmp_path):
    from annotator.core.interchange.formats import export

    p = study.project
    with pytest.raises(ProjectError, match="no gold layer to export"):
        export(p, "csv", tmp_path / "gold.csv", gold=True)
    take_agreed(p, study.doc)
    with pytest.raises(ProjectError, match="without --gold"):
        export(p, "qdpx", tmp_path / "gold.qdpx", gold=True)
    with pytest.raises(ProjectError, match="not both"):
        export(p, "csv", tmp_path / "gold.csv", gold=True, coder="Kim")
    assert not (tmp_path / "gold.csv").exists() and not (tmp_path / "gold.qdpx").exists()
