"""Claims and stances as records: who claims, the cue, stance targets and holders, relabelling, links."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import AnnotationError
from tests.support import dump

pytestmark = pytest.mark.both_engines

ARTICLE = (
    "Amazon will cut 500 jobs, a spokesperson said on Monday. "
    "The union opposed the plan, according to Kim Ji-ho. Walmart stayed silent."
)


def _at(piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = ARTICLE.index(piece, start + 1)
    return start, start + len(piece)



@pytest.fixture
def doc(doc_factory) -> int:
    return doc_factory(ARTICLE)


@pytest.fixture
def amazon(project, label):
    return project.entities.create("Amazon", label("Organization"), aliases=["Amazon.com", "아마존"])


@pytest.fixture
def union(project, label):
    return project.entities.create("Teamsters union", label("Organization"))


@pytest.fixture
def claim(project, doc, label):
    return project.annotations.add(doc, label("Claim"), *_at("Amazon will cut 500 jobs"))


def refused(project, action, *args, match: str, **kwargs) -> None:
    """The action raises a readable error and leaves the project file exactly as it was."""
    before = dump(project)
    events = []
    unsubscribe = project.subscribe(events.append)
    with pytest.raises(AnnotationError, match=match):
        action(*args, **kwargs)
    unsubscribe()
    assert dump(project) == before
    assert events == []


def undoes_exactly(project, action, *args, **kwargs):
    """Run an edit, check it changed the file, undo it and check the file is byte-for-byte as before."""
    before = dump(project)
    result, changeset = project.store.edit(action, *args, **kwargs)
    assert changeset is not None and dump(project) != before
    project.store.undo(changeset)
    assert dump(project) == before
    return result


# -- a claim's source and cue -------------------------------------------------------------------


def test_claim_source_is_an_entity_or_free_text_and_one_replaces_the_other(project, claim, amazon):
    a = project.annotations.set_role(claim.id, "source", entity_id=amazon.id)
    assert (a.source_entity_id, a.source) == (amazon.id, None)
    assert project.annotations.display_role(a, "source") == "Amazon"
    b = project.annotations.set_role(claim.id, "source", text="  a   spokesperson ")
    assert (b.source_entity_id, b.source) == (None, "a spokesperson")
    assert project.annotations.display_role(b, "source") == "a spokesperson"
    c = project.annotations.set_role(claim.id, "source")
    assert (c.source_entity_id, c.source) == (None, None)
    assert project.annotations.display_role(c, "source") is None


def test_setting_a_source_undoes_exactly(project, claim, amazon):
    undoes_exactly(project, project.annotations.set_role, claim.id, "source", entity_id=amazon.id)
    undoes_exactly(project, project.annotations.set_role, claim.id, "source", text="a spokesperson")


def test_roles_only_on_their_layer_and_only_known_entities(project, doc, claim, label, amazon):
    entity = project.annotations.add(doc, label("Organization"), *_at("Walmart"))
    refused(project, project.annotations.set_role, claim.id, "target", text="Amazon", match="only stance")
    refused(project, project.annotations.set_role, entity.id, "source", text="x", match="only claim")
    refused(project, project.annotations.set_role, claim.id, "speaker", text="x", match="Unknown role")
    refused(project, project.annotations.set_role, claim.id, "source", entity_id=amazon.id + 99,
            match="no entity")
    refused(project, project.annotations.add, doc, label("Claim"), *_at("Walmart stayed silent"),
            target="Amazon", match="only stance")
    refused(project, project.annotations.add, doc, label("Against"), *_at("opposed the plan"),
            target="plan", source="the union", match="only claim")


def test_claim_added_with_its_source(project, doc, label, amazon):
    a = project.annotations.add(doc, label("Quote"), *_at("cut 500 jobs"), source_entity_id=amazon.id)
    assert (a.source_entity_id, a.source) == (amazon.id, None)
    b = project.annotations.add(doc, label("Claim"), *_at("opposed the plan"), source="Kim Ji-ho")
    assert (b.source_entity_id, b.source) == (None, "Kim Ji-ho")


def test_cue_marks_the_attribution_words_and_can_be_cleared(project, claim):
    said = _at("said")
    a = project.annotations.set_cue(claim.id, *said)
    assert (a.cue_start, a.cue_end) == said
    assert ARTICLE[a.cue_start:a.cue_end] == "said"
    assert project.annotations.get(claim.id).start == claim.start  # the claim itself does not move
    b = project.annotations.set_cue(claim.id, None, None)
    assert (b.cue_start, b.cue_end) == (None, None)


def test_cue_undoes_exactly_and_bad_cues_are_refused(project, doc, claim, label):
    undoes_exactly(project, project.annotations.set_cue, claim.id, *_at("according to"))
    refused(project, project.annotations.set_cue, claim.id, 5, 2, match="outside")
    refused(project, project.annotations.set_cue, claim.id, 0, len(ARTICLE) + 1, match="outside")
    refused(project, project.annotations.set_cue, claim.id, 3, None, match="both a start and an end")
    stance = project.annotations.add(doc, label("Against"), *_at("opposed"), target="the plan")
    refused(project, project.annotations.set_cue, stance.id, *_at("according to"), match="Only claims")


# -- a stance's target and holder ------------------------------------------------------------------


def test_every_stance_has_a_target_on_a_span_or_the_whole_document(project, doc, label):
    refused(project, project.annotations.add, doc, label("Against"), *_at("opposed the plan"), match="needs a target")
    refused(project, project.annotations.add, doc, label("Against"), *_at("opposed the plan"), target="  ",
            match="needs a target")
    refused(project, project.annotations.add, doc, label("Favor"), match="needs a target")
    span = project.annotations.add(doc, label("Against"), *_at("opposed the plan"), target="the plan")
    refused(project, project.annotations.set_role, span.id, "target", match="needs a target")
    refused(project, project.annotations.set_role, span.id, "target", text=" ", match="needs a target")
    refused(project, project.annotations.update, span.id, target=None, match="needs a target")


def test_stance_with_an_entity_target_and_a_holder(project, doc, label, amazon, union):
    a = undoes_exactly(project, project.annotations.add, doc, label("Against"), *_at("opposed the plan"),
                       target_entity_id=amazon.id, holder_entity_id=union.id)
    a = project.annotations.add(doc, label("Against"), *_at("opposed the plan"),
                                target_entity_id=amazon.id, holder="the union")
    assert (a.target_entity_id, a.target, a.holder_entity_id, a.holder) == (amazon.id, None, None, "the union")
    assert project.annotations.display_role(a, "target") == "Amazon"
    assert project.annotations.display_role(a, "holder") == "the union"
    b = project.annotations.set_role(a.id, "holder", entity_id=union.id)
    assert project.annotations.display_role(b, "holder") == "Teamsters union"
    undoes_exactly(project, project.annotations.set_role, a.id, "target", text="the plan")
    undoes_exactly(project, project.annotations.set_role, a.id, "holder")
    refused(project, project.annotations.add, doc, label("Favor"), target_entity_id=amazon.id + 99,
            match="no entity")


def test_a_free_text_target_replaces_an_entity_target(project, doc, label, amazon):
    a = project.annotations.add(doc, label("Favor"), target_entity_id=amazon.id)
    b = project.annotations.update(a.id, target="Amazon Web Services")
    assert (b.target_entity_id, b.target) == (None, "Amazon Web Services")


# -- relabelling ---------------------------------------------------------------------------------


def test_relabel_within_a_layer_keeps_the_roles(project, claim, amazon):
    project.annotations.set_role(claim.id, "source", entity_id=amazon.id)
    project.annotations.set_cue(claim.id, *_at("said"))
    quote = project.codebook.by_name("Quote")
    a = undoes_exactly(project, project.annotations.relabel, claim.id, quote)
    a = project.annotations.relabel(claim.id, quote)
    assert (a.label_id, a.source_entity_id, a.cue_start) == (quote.id, amazon.id, _at("said")[0])
    assert (a.start, a.end, a.text) == (claim.start, claim.end, claim.text)


def test_relabel_into_a_stance_needs_a_target_and_drops_the_claim_roles(project, claim, label, amazon):
    project.annotations.set_role(claim.id, "source", text="a spokesperson")
    project.annotations.set_cue(claim.id, *_at("said"))
    refused(project, project.annotations.relabel, claim.id, label("Against"), match="needs a target")
    refused(project, project.annotations.relabel, claim.id, label("Quote"), target="Amazon", match="Only stance")
    a = undoes_exactly(project, project.annotations.relabel, claim.id, label("Against"), target_entity_id=amazon.id)
    a = project.annotations.relabel(claim.id, label("Against"), target_entity_id=amazon.id)
    assert (a.label_id, a.target_entity_id) == (label("Against").id, amazon.id)
    assert (a.source, a.source_entity_id, a.cue_start, a.cue_end) == (None, None, None, None)


def test_relabel_drops_the_old_labels_attribute_values_and_entity_link(project, doc, claim, label, amazon):
    verdict = next(x for x in project.codebook.attributes(label("Claim").id) if x.name == "verdict")
    project.values.set(claim.id, verdict.id, "false")
    b = undoes_exactly(project, project.annotations.relabel, claim.id, label("Quote"))
    b = project.annotations.relabel(claim.id, label("Quote"))
    assert project.values.of(b.id) == {}
    span = project.annotations.add(doc, label("Organization"), *_at("Amazon"))
    project.annotations.link_entity(span.id, amazon.id)
    assert project.annotations.relabel(span.id, label("Product or service")).entity_id == amazon.id
    assert project.annotations.relabel(span.id, label("Claim")).entity_id is None


def test_relabel_to_the_same_label_or_a_group_changes_nothing(project, claim, label):
    assert project.annotations.relabel(claim.id, label("Claim")) == claim
    group = project.codebook.add_group("Checkable", "claim")
    refused(project, project.annotations.relabel, claim.id, group, match="group")


def test_whole_document_stance_only_takes_stance_labels(project, doc, label):
    a = project.annotations.add(doc, label("Favor"), target="Amazon")
    refused(project, project.annotations.relabel, a.id, label("Claim"), match="Only stance labels")
    b = undoes_exactly(project, project.annotations.relabel, a.id, label("Mixed"))
    b = project.annotations.relabel(a.id, label("Mixed"))
    assert (b.label_id, b.target) == (label("Mixed").id, "Amazon")


# -- boundaries and entity links ---------------------------------------------------------------------


def test_set_span_moves_the_boundaries_and_the_text_follows(project, claim, doc, label):
    a = undoes_exactly(project, project.annotations.set_span, claim.id, *_at("Amazon will cut 500 jobs, a spokesperson"))
    a = project.annotations.set_span(claim.id, *_at("cut 500 jobs"))
    assert a.text == "cut 500 jobs"
    refused(project, project.annotations.set_span, claim.id, 10, 4, match="outside")
    whole = project.annotations.add(doc, label("Favor"), target="Amazon")
    refused(project, project.annotations.set_span, whole.id, 0, 4, match="no span")


def test_link_entity_and_unlink(project, doc, claim, label, amazon):
    span = project.annotations.add(doc, label("Organization"), *_at("Amazon"))
    a = undoes_exactly(project, project.annotations.link_entity, span.id, amazon.id)
    a = project.annotations.link_entity(span.id, amazon.id)
    assert project.annotations.display_role(a, "entity") == "Amazon"
    undoes_exactly(project, project.annotations.link_entity, span.id, None)
    refused(project, project.annotations.link_entity, claim.id, amazon.id, match="Only entity")
    refused(project, project.annotations.link_entity, span.id, amazon.id + 99, match="no entity")


# -- following the links -----------------------------------------------------------------------------


def test_documents_with_stance_follow_entity_names_aliases_and_free_text(project, doc_factory, label, amazon):
    d1, d2, d3, d4 = (doc_factory(f"{ARTICLE} ({n})") for n in range(4))
    add = project.annotations.add
    add(d1, label("Against"), *_at("opposed the plan"), target_entity_id=amazon.id)  # a span, linked
    add(d2, label("Against"), target="  AMAZON.COM ")  # whole document, free text equal to an alias
    add(d3, label("Favor"), target="Amazon")  # another stance
    add(d4, label("Against"), target="Walmart")  # another target
    against = label("Against").id
    assert project.annotations.documents_with_stance("amazon", against) == [d1, d2]
    assert project.annotations.documents_with_stance("아마존", against) == [d1, d2]
    assert project.annotations.documents_with_stance("Amazon") == [d1, d2, d3]
    assert project.annotations.documents_with_stance("Amazon", label("Favor").id) == [d3]
    assert project.annotations.documents_with_stance("walmart") == [d4]
    assert project.annotations.documents_with_stance("Amazon", label("Neutral").id) == []
    assert project.annotations.documents_with_stance("   ") == []


def test_documents_with_stance_match_free_text_when_no_entity_has_the_name(project, doc_factory, label):
    d1, d2 = doc_factory(ARTICLE), doc_factory(ARTICLE + " (2)")
    project.annotations.add(d1, label("Mixed"), *_at("the plan"), target="The   Plan")
    project.annotations.add(d2, label("Mixed"), *_at("the plan"), target="plan B")
    assert project.annotations.documents_with_stance("the plan") == [d1]


def test_targets_offer_registry_names_and_aliases(project, doc, label, amazon):
    project.annotations.add(doc, label("Person"), *_at("Kim Ji-ho"))
    project.annotations.add(doc, label("Neutral"), target="the plan")
    assert project.annotations.targets() == sorted(
        ["Amazon", "Amazon.com", "아마존", "Kim Ji-ho", "the plan"], key=str.casefold
    )
