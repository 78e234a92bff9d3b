"""Attribute values on annotations: checked against the label's typed attributes, stored in one normal form."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import AnnotationError
from annotator.core.store.database import Change
from tests.support import dump

pytestmark = pytest.mark.both_engines

ARTICLE = "Amazon will cut 500 jobs, a spokesperson said. The union opposed the plan."


def _at(piece: str) -> tuple[int, int]:
    start = ARTICLE.index(piece)
    return start, start + len(piece)



@pytest.fixture
def doc(doc_factory) -> int:
    return doc_factory(ARTICLE)


@pytest.fixture
def claim(project, doc, label):
    return project.annotations.add(doc, label("Claim"), *_at("Amazon will cut 500 jobs"))


@pytest.fixture
def attr(project, label):
    """attr("verdict") -> the Claim label's attribute of that name; more are added for number and text."""
    claim_label = label("Claim")
    project.codebook.add_attribute(claim_label.id, "jobs cut", "number")
    project.codebook.add_attribute(claim_label.id, "checked by", "text", required=True)

    def get(name: str):
        return next(a for a in project.codebook.attributes(claim_label.id) if a.name == name)

    return get


def refused(project, *args, match: str) -> None:
    before = dump(project)
    with pytest.raises(AnnotationError, match=match):
        project.values.set(*args)
    assert dump(project) == before


def test_the_default_claim_attributes_are_there(project, label):
    names = {a.name: a.kind for a in project.codebook.attributes(label("Claim").id)}
    assert names == {"type": "choice", "checkworthy": "bool", "verdict": "choice"}


@pytest.mark.parametrize("typed, stored", [("statistical", "statistical"), ("  Statistical ", "statistical")])
def test_a_choice_is_stored_as_the_codebook_spells_it(project, claim, attr, typed, stored):
    project.values.set(claim.id, attr("type").id, typed)
    assert project.values.of(claim.id) == {attr("type").id: stored}


def test_a_choice_outside_the_list_is_refused_with_the_list(project, claim, attr):
    refused(project, claim.id, attr("verdict").id, "wrong", match="choose one of: unverified, accurate, misleading, false")


@pytest.mark.parametrize("typed, stored", [
    ("500", "500"), (" 3.50 ", "3.5"), ("-0.25", "-0.25"), ("1e3", "1000"), (12, "12"), (2.5, "2.5"), ("+7", "7"),
])
def test_a_number_is_stored_without_padding(project, claim, attr, typed, stored):
    project.values.set(claim.id, attr("jobs cut").id, typed)
    assert project.values.of(claim.id)[attr("jobs cut").id] == stored


@pytest.mark.parametrize("typed", ["five hundred", "1,5", "nan", "inf", True, "-"])
def test_what_is_not_a_number_is_refused(project, claim, attr, typed):
    refused(project, claim.id, attr("jobs cut").id, typed, match="is a number")


@pytest.mark.parametrize("typed, stored", [(True, "yes"), (False, "no"), ("Yes", "yes"), ("no", "no"), ("true", "yes")])
def test_yes_no_is_stored_as_yes_or_no(project, claim, attr, typed, stored):
    project.values.set(claim.id, attr("checkworthy").id, typed)
    assert project.values.of(claim.id)[attr("checkworthy").id] == stored


def test_a_yes_no_attribute_refuses_other_words(project, claim, attr):
    refused(project, claim.id, attr("checkworthy").id, "maybe", match="neither yes nor no")


def test_text_is_kept_as_typed_and_empty_clears(project, claim, attr):
    checked_by = attr("checked by").id
    project.values.set(claim.id, checked_by, " Kim  Ji-ho, desk 2 ")
    assert project.values.of(claim.id) == {checked_by: " Kim  Ji-ho, desk 2 "}
    for empty in ("", "   ", None):
        project.values.set(claim.id, checked_by, "someone")
        project.values.set(claim.id, checked_by, empty)
        assert project.values.of(claim.id) == {}


def test_only_attributes_of_the_annotations_label_are_accepted(project, doc, claim, label, attr):
    stance = project.annotations.add(doc, label("Against"), *_at("opposed the plan"), target="the plan")
    refused(project, stance.id, attr("verdict").id, "false", match="'verdict' is an attribute of Claim, not of Against")
    refused(project, claim.id, 9999, "x", match="no attribute 9999")
    refused(project, 9999, attr("verdict").id, "false", match="no annotation 9999")


def test_missing_required_lists_the_empty_required_attributes(project, claim, attr):
    assert [a.name for a in project.values.missing_required(claim.id)] == ["checked by"]
    project.values.set(claim.id, attr("checked by").id, "desk")
    assert project.values.missing_required(claim.id) == []


def test_each_set_is_one_edit_with_one_change_event_and_undoes_exactly(project, doc, claim, attr):
    events = []
    project.subscribe(events.append)
    verdict = attr("verdict").id
    for value in ("false", "misleading", None):  # insert, update, delete a value
        before = dump(project)
        _, changeset = project.store.edit(project.values.set, claim.id, verdict, value)
        assert changeset is not None and dump(project) != before
        assert events[-1] == Change("annotation_changed", doc, claim.id)
        project.store.undo(changeset)
        assert dump(project) == before
        project.values.set(claim.id, verdict, value)
    assert project.annotations.get(claim.id).updated_at >= claim.updated_at


def test_setting_the_same_value_again_is_no_edit(project, claim, attr):
    project.values.set(claim.id, attr("type").id, "statistical")
    _, changeset = project.store.edit(project.values.set, claim.id, attr("type").id, "Statistical")
    assert changeset is None
    _, changeset = project.store.edit(project.values.set, claim.id, attr("verdict").id, None)
    assert changeset is None


def test_deleting_an_annotation_takes_its_values_and_undo_brings_them_back(project, claim, attr):
    project.values.set(claim.id, attr("verdict").id, "false")
    before = dump(project)
    _, changeset = project.store.edit(project.annotations.delete, claim.id)
    assert project.values.of(claim.id) == {}
    project.store.undo(changeset)
    assert dump(project) == before
    assert project.values.of(claim.id) == {attr("verdict").id: "false"}


def test_for_annotations_gives_values_by_name_in_codebook_order(project, doc, claim, label, attr):
    other = project.annotations.add(doc, label("Claim"), *_at("The union opposed the plan"))
    quote = project.annotations.add(doc, label("Quote"), *_at("a spokesperson said"))
    project.values.set(claim.id, attr("verdict").id, "false")
    project.values.set(claim.id, attr("type").id, "statistical")
    project.values.set(claim.id, attr("checkworthy").id, True)
    project.values.set(other.id, attr("jobs cut").id, "500")
    found = project.values.for_annotations([claim.id, other.id, quote.id])
    assert found == {
        claim.id: {"type": "statistical", "checkworthy": "yes", "verdict": "false"},
        other.id: {"jobs cut": "500"},
        quote.id: {},
    }
    assert list(found[claim.id]) == ["type", "checkworthy", "verdict"]
    assert project.values.for_annotations([]) == {}


def test_for_annotations_handles_more_ids_than_sqlite_binds_at_once(project, doc, claim, attr):
    project.values.set(claim.id, attr("verdict").id, "accurate")
    ids = [claim.id, *range(10_000, 11_500)]
    found = project.values.for_annotations(ids)
    assert len(found) == len(ids) and found[claim.id] == {"verdict": "accurate"}
