"""Tagging a selection as the analyst means it, in the core: snapped to whole words, linked to its entity, one undo step.

Entities.tag_and_link is what the reader's tag keys run (through ui/operations.py), and what
the CLI or an importer can run to get the same span and link from the same selection.
"""

from __future__ import annotations

import pytest

from annotator.core.common.errors import AnnotationError
from tests.support import dump

pytestmark = pytest.mark.both_engines

TEXT = ("Walmart told suppliers to leave AWS, a spokesperson said. 월마트는 쿠팡이 아마존웹서비스 이용을 "
        "중단할 것을 요청했다 😀. Amazon responded curtly.")


def at(piece: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(piece, start + 1)
    return start, start + len(piece)


@pytest.fixture
def study(project):
    doc = project.documents.add(title="Walmart and AWS", text=TEXT)
    org = project.codebook.by_name("Organization")
    walmart = project.entities.create("Walmart", org, aliases=("월마트",))
    return project, doc, org, walmart


def test_a_selection_inside_a_word_is_tagged_as_the_whole_word_and_linked_to_its_entity(study):
    p, doc, org, walmart = study
    tagged = p.entities.tag_and_link(doc, org, *at("almar"))
    assert (tagged.text, tagged.entity_id) == ("Walmart", walmart.id)
    assert p.annotations.get(tagged.id) == tagged


def test_a_korean_word_is_tagged_without_its_particle_and_linked_through_the_alias(study):
    p, doc, org, walmart = study
    for selection in (at("월마트는"), at("월마")):  # the whole word, and a selection cut short
        tagged = p.entities.tag_and_link(doc, org, *selection)
        assert (TEXT[tagged.start:tagged.end], tagged.text, tagged.entity_id) == ("월마트", "월마트", walmart.id)
        p.annotations.delete(tagged.id)


def test_exact_keeps_the_selection_as_it_is_and_still_links_the_name_in_it(study):
    p, doc, org, walmart = study
    tagged = p.entities.tag_and_link(doc, org, *at("월마트는"), exact=True)
    assert (tagged.text, tagged.entity_id) == ("월마트는", walmart.id)
    assert p.entities.tag_and_link(doc, org, *at("Amaz"), exact=True).text == "Amaz"


def test_one_undo_takes_back_the_tag_and_its_link(study):
    p, doc, org, walmart = study
    before = dump(p)
    tagged, changeset = p.store.edit(p.entities.tag_and_link, doc, org, *at("월마트는"))
    assert tagged.entity_id == walmart.id
    after = dump(p)
    redo = p.store.undo(changeset)
    assert dump(p) == before
    p.store.undo(redo)
    assert dump(p) == after
    assert p.annotations.get(tagged.id).entity_id == walmart.id


def test_create_entity_creates_the_named_entity_without_the_particle_and_one_undo_removes_both(study):
    p, doc, org, _walmart = study
    before = dump(p)
    tagged, changeset = p.store.edit(p.entities.tag_and_link, doc, org, *at("쿠팡이"), create_entity=True)
    entity = p.entities.get(tagged.entity_id)
    assert (tagged.text, entity.name, entity.label_id) == ("쿠팡", "쿠팡", org.id)
    p.store.undo(changeset)
    assert dump(p) == before
    assert [e.name for e in p.entities.all()] == ["Walmart"]


def test_without_create_entity_a_name_the_registry_lacks_stays_unlinked(study):
    p, doc, org, _walmart = study
    tagged = p.entities.tag_and_link(doc, org, *at("쿠팡이"))
    assert (tagged.text, tagged.entity_id) == ("쿠팡", None)
    assert p.entities.offer_for(tagged) == "쿠팡"  # the status bar's offer, still to be taken


def test_other_layers_are_snapped_and_tagged_but_link_nothing(study):
    p, doc, _org, _walmart = study
    claim = p.entities.tag_and_link(doc, p.codebook.by_name("Claim"), *at("almart told supp"),
                                    source="a spokesperson")
    assert (claim.text, claim.source, claim.entity_id) == ("Walmart told suppliers", "a spokesperson", None)
    stance = p.entities.tag_and_link(doc, p.codebook.by_name("Against"), None, None, target="the boycott")
    assert (stance.is_document_level, stance.target) == (True, "the boycott")


def test_a_refused_tag_leaves_the_project_as_it_was(study):
    p, doc, _org, _walmart = study
    before = dump(p)
    with pytest.raises(AnnotationError):
        p.entities.tag_and_link(doc, p.codebook.by_name("Against"), *at("Amazon responded"))  # no target
    with pytest.raises(AnnotationError):
        p.entities.tag_and_link(doc + 1, p.codebook.by_name("Organization"), 0, 3)  # no such document
    assert dump(p) == before


def test_a_cue_set_from_a_selection_snaps_the_same_way(study):
    p, doc, _org, _walmart = study
    claim = p.annotations.add(doc, p.codebook.by_name("Claim"), *at("Walmart told suppliers"))
    cued = p.annotations.set_cue(claim.id, *at("ai"), exact=False)  # inside "said"
    assert TEXT[cued.cue_start:cued.cue_end] == "said"
    exact = p.annotations.set_cue(claim.id, *at("ai"))  # a cue set by offsets stays exactly where it is put
    assert TEXT[exact.cue_start:exact.cue_end] == "ai"
