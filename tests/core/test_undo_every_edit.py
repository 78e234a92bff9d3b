"""The acceptance rule for undo, in one place: for every kind of edit an analyst can make,
undo gives back exactly the database before it, and redo exactly the database after it.
Each case builds a small coded project, then makes one edit through the core."""

from __future__ import annotations

import pytest

from annotator.core.project import Project
from tests.support import dump

TEXT = ("Walmart told suppliers to leave AWS, a spokesperson said. 월마트는 아마존웹서비스 이용을 "
        "중단할 것을 요청했다 😀. Amazon responded curtly; Walmart and Amazon keep fighting.")


def at(phrase: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


@pytest.fixture
def coded(project: Project):
    p = project
    doc = p.documents.add(title="Walmart and AWS", text=TEXT)
    org, claim_label, against = (p.codebook.by_name(n) for n in ("Organization", "Claim", "Against"))
    walmart = p.entities.create("Walmart", org, aliases=("월마트",))
    amazon = p.entities.create("Amazon", org)
    mention = p.annotations.add(doc, org, *at("Walmart"))
    p.entities.link_new_annotation(mention)
    claim = p.annotations.add(doc, claim_label, *at("Walmart told suppliers to leave AWS"), source="a spokesperson")
    stance = p.annotations.add(doc, against, *at("Amazon responded curtly"), target_entity_id=amazon.id)
    verdict = next(a for a in p.codebook.attributes(claim_label.id) if a.name == "verdict")
    p.values.set(claim.id, verdict.id, "accurate")
    topic = p.variables.add("topic", "single_choice", required=True, choices=[(1, "Economy"), (2, "Politics")])
    p.codesheet.set(doc, "topic", 1)
    return dict(topic=topic, p=p, doc=doc, org=org, claim=claim, stance=stance, mention=mention, walmart=walmart,
                amazon=amazon, verdict=verdict, against=against)


def _edits():
    return {
        "tag": lambda c: c["p"].annotations.add(c["doc"], c["org"], *at("Amazon", 2)),
        "tag whole document": lambda c: c["p"].annotations.add(c["doc"], c["against"], target="the boycott"),
        "delete": lambda c: c["p"].annotations.delete(c["claim"].id),
        "relabel": lambda c: c["p"].annotations.relabel(c["claim"].id, c["p"].codebook.by_name("Quote")),
        "boundary change": lambda c: c["p"].annotations.set_span(c["claim"].id, *at("Walmart told suppliers")),
        "attribute change": lambda c: c["p"].values.set(c["claim"].id, c["verdict"].id, "misleading"),
        "note": lambda c: c["p"].annotations.update(c["claim"].id, note="check the WSJ report"),
        "link change": lambda c: c["p"].annotations.set_role(c["claim"].id, "source", entity_id=c["walmart"].id),
        "cue": lambda c: c["p"].annotations.set_cue(c["claim"].id, *at("said")),
        "entity link": lambda c: c["p"].annotations.link_entity(c["mention"].id, c["amazon"].id),
        "entity merge": lambda c: c["p"].entities.merge(c["walmart"].id, c["amazon"].id),
        "entity split": lambda c: c["p"].entities.split_mention(c["mention"].id, "Walmart Stores"),
        "entity alias": lambda c: c["p"].entities.add_alias(c["amazon"].id, "아마존"),
        "entity delete with reassignment": lambda c: c["p"].entities.delete(c["amazon"].id,
                                                                          reassign_to=c["walmart"].id),
        "tag a selection, linked": lambda c: c["p"].entities.tag_and_link(c["doc"], c["org"], *at("almart", 2)),
        "tag a selection, entity created": lambda c: c["p"].entities.tag_and_link(
            c["doc"], c["org"], *at("AWS"), create_entity=True),
        "bulk tagging": lambda c: c["p"].entities.tag_mentions(
            c["walmart"].id, c["p"].entities.find_mentions(c["walmart"].id, c["doc"])),
        "codebook rename": lambda c: c["p"].codebook.rename(c["org"].id, "Company"),
        "codebook key": lambda c: c["p"].codebook.set_key(c["org"].id, "G"),
        "codebook new label": lambda c: c["p"].codebook.add_label("Outlet", "entity", key="U"),
        "codebook delete, moving annotations": lambda c: c["p"].codebook.delete(
            c["claim"].label_id, move_to=c["p"].codebook.by_name("Quote").id),
        "codebook attribute": lambda c: c["p"].codebook.add_attribute(
            c["org"].id, "sector", "choice", choices=("retail", "cloud")),
        "document title": lambda c: c["p"].documents.set_title(c["doc"], "Walmart v. AWS"),
        "document status": lambda c: c["p"].documents.set_status(c["doc"], "done"),
        "document memo": lambda c: c["p"].documents.set_memo(c["doc"], "syndicated copy?"),
        "first annotation by a new coder": lambda c: _as_coder(c["p"], "이지은").annotations.add(
            c["doc"], c["org"], *at("Amazon", 2)),
        "coder added": lambda c: c["p"].coders.add("Lee"),
        "coder rename": lambda c: c["p"].coders.rename(c["claim"].coder_id, "Jiwoo Kim"),
        "codesheet variable added": lambda c: c["p"].variables.add("tone", "single_choice", level="ordinal",
                                                                   choices=["negative", "neutral", "positive"]),
        "codesheet variable changed": lambda c: c["p"].variables.update(
            c["topic"].id, question="Main topic?", choices=[(1, "Economy"), (2, "Politics"), (3, "Tech")]),
        "codesheet choices swapped": lambda c: c["p"].variables.update(
            c["topic"].id, choices=[(1, "Politics"), (2, "Economy")]),
        "codesheet variable moved": lambda c: (c["p"].variables.add("tone", "text"),
                                               c["p"].variables.move(c["topic"].id, 1)),
        "codesheet variable removed with answers": lambda c: c["p"].variables.remove(c["topic"].id,
                                                                                     with_answers=True),
        "codesheet answer": lambda c: c["p"].codesheet.set(c["doc"], "topic", "Politics"),
        "codesheet answer cleared": lambda c: c["p"].codesheet.clear(c["doc"], "topic"),
        "codesheet answer by another coder": lambda c: c["p"].codesheet.set(c["doc"], "topic", 2, coder="Lee"),
        "document marked coded": lambda c: c["p"].codesheet.mark_coded(c["doc"]),
    }


def _as_coder(project, name: str):
    project.annotations.annotator = name
    return project


EDITS = _edits()



@pytest.mark.parametrize("kind", list(EDITS))
def test_undo_then_redo_restore_the_exact_database(coded, kind):
    p = coded["p"]
    before = dump(p)
    _, changeset = p.store.edit(EDITS[kind], coded)
    assert changeset is not None, f"{kind}: nothing was recorded to undo"
    after = dump(p)
    assert after != before, f"{kind}: the edit changed nothing"
    redo = p.store.undo(changeset)
    assert dump(p) == before
    p.store.undo(redo)
    assert dump(p) == after
    assert p.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
