"""The codesheet: document variables in the codebook, each coder's answers, and when a document is done."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Choice
from annotator.core.project import Project
from tests.support import dump

pytestmark = pytest.mark.both_engines

TOPICS = [(1, "Economy"), (2, "Politics"), (9, "Other")]


@pytest.fixture
def sheet(project: Project):
    p = project
    p.annotations.annotator = "Kim"
    doc = p.documents.add(title="기사", text="월마트가 가격을 내렸다.")
    topic = p.variables.add("topic", "single_choice", question="What is the article mainly about?",
                            required=True, choices=TOPICS)
    tone = p.variables.add("tone", "single_choice", level="ordinal", choices=["negative", "neutral", "positive"])
    return dict(p=p, doc=doc, topic=topic, tone=tone)


def test_a_variable_keeps_its_question_type_level_and_choices_in_order(sheet):
    p, topic, tone = sheet["p"], sheet["topic"], sheet["tone"]
    assert (topic.name, topic.question, topic.kind, topic.level, topic.required) == (
        "topic", "What is the article mainly about?", "single_choice", "nominal", True)
    assert topic.choices == tuple(Choice(code, label) for code, label in TOPICS)
    assert tone.choices == (Choice(1, "negative"), Choice(2, "neutral"), Choice(3, "positive"))  # numbered 1, 2, 3
    assert tone.level == "ordinal"
    assert p.variables.add("words", "number").level == "ratio"  # each type has its usual level
    assert [v.name for v in p.variables.list()] == ["topic", "tone", "words"]
    assert p.variables.by_name(" TOPIC ") == topic


@pytest.mark.parametrize("kind, kwargs, message", [
    ("single_choice", {"choices": [(1, "Economy"), (1, "Politics")]}, "code 1 would mean both 'Economy' and 'Politics'"),
    ("single_choice", {"choices": [(1, "Economy"), (2, "economy")]}, "lists the choice 'economy' twice"),
    ("single_choice", {"choices": [("one", "Economy")]}, "must be a whole number"),
    ("single_choice", {"choices": []}, "give it at least one choice"),
    ("yes_no", {"choices": ["maybe"]}, "Only choice variables have choices"),
    ("multiple_choice", {"choices": ["a"], "level": "ordinal"}, "measured at the nominal level"),
    ("colour", {}, "has type 'colour'; use one of"),
])
def test_a_bad_definition_is_refused_with_what_to_fix_and_nothing_changes(sheet, kind, kwargs, message):
    p = sheet["p"]
    before = dump(p)
    with pytest.raises(ProjectError, match=message):
        p.variables.add("frame", kind, **kwargs)
    assert dump(p) == before


def test_names_are_unique_case_aside(sheet):
    with pytest.raises(ProjectError, match="already a variable called 'topic'"):
        sheet["p"].variables.add("Topic", "text")
    with pytest.raises(ProjectError, match="already a variable called 'tone'"):
        sheet["p"].variables.update(sheet["topic"].id, name="TONE")


@pytest.mark.parametrize("kind, choices, given, stored", [
    ("single_choice", TOPICS, "2", "2"),
    ("single_choice", TOPICS, "politics", "2"),  # by label, case aside
    ("single_choice", TOPICS, 9, "9"),
    ("multiple_choice", TOPICS, "9;1", "[1, 9]"),  # codes in the choices' order
    ("multiple_choice", TOPICS, "Economy; Other", "[1, 9]"),
    ("multiple_choice", TOPICS, [2, 2], "[2]"),
    ("yes_no", (), "Yes", "1"),
    ("yes_no", (), False, "0"),
    ("number", (), " 3.50 ", "3.5"),
    ("number", (), "1200", "1200"),
    ("number", (), -0.0, "0"),
    ("date", (), "2025-05-03", "2025-05-03"),
    ("text", (), "  Kim   Ji-ho ", "Kim Ji-ho"),
])
def test_each_type_stores_an_answer_in_one_form(sheet, kind, choices, given, stored):
    p, doc = sheet["p"], sheet["doc"]
    variable = p.variables.add("v", kind, choices=choices)
    assert p.codesheet.set(doc, "v", given) == stored
    assert p.codesheet.answers(doc)[variable.id] == stored


@pytest.mark.parametrize("kind, choices, given, message", [
    ("single_choice", TOPICS, "Sports", r"v has no choice 'Sports'; give one of 1 = Economy, 2 = Politics, 9 = Other"),
    ("single_choice", TOPICS, "4", "v has no choice 4"),
    ("yes_no", (), "maybe", "answer yes or no"),
    ("number", (), "3,5", "Write decimals with a point"),
    ("number", (), "many", "takes a number"),
    ("number", (), "nan", "finite"),
    ("date", (), "3 May 2025", "YYYY-MM-DD"),
    ("date", (), "2025-02-30", "YYYY-MM-DD"),
    ("text", (), "x" * 501, "under 500 characters"),
])
def test_a_bad_answer_is_refused_with_what_the_variable_takes(sheet, kind, choices, given, message):
    p, doc = sheet["p"], sheet["doc"]
    p.variables.add("v", kind, choices=choices)
    before = dump(p)
    with pytest.raises(ProjectError, match=message):
        p.codesheet.set(doc, "v", given)
    assert dump(p) == before


def test_answers_belong_to_their_coder(sheet):
    p, doc, topic = sheet["p"], sheet["doc"], sheet["topic"]
    p.codesheet.set(doc, "topic", 1)
    p.codesheet.set(doc, "topic", 2, coder="Lee")
    assert p.codesheet.answers(doc) == {topic.id: "1"}  # Kim, the current coder
    assert p.codesheet.answers(doc, "Lee") == {topic.id: "2"}
    assert [c.name for c in p.coders.list()] == ["Kim", "Lee"]
    p.codesheet.clear(doc, "topic")
    assert p.codesheet.answers(doc) == {} and p.codesheet.answers(doc, "Lee") == {topic.id: "2"}


def test_a_document_is_done_only_when_every_required_variable_is_answered(sheet):
    p, doc, topic = sheet["p"], sheet["doc"], sheet["topic"]
    assert p.codesheet.missing_required(doc) == [topic] and not p.codesheet.is_done(doc)
    p.codesheet.set(doc, "tone", "neutral")
    assert not p.codesheet.is_done(doc)
    p.codesheet.set(doc, "topic", "Economy")
    assert p.codesheet.missing_required(doc) == [] and p.codesheet.is_done(doc)
    assert not p.codesheet.is_done(doc, "Lee")  # done for Kim, not for anyone else
    # Done is worked out, not kept: a new required question makes the document undone again.
    frame = p.variables.add("frame", "yes_no", required=True)
    assert p.codesheet.missing_required(doc) == [frame] and not p.codesheet.is_done(doc)


def test_with_no_required_variables_a_document_is_done_when_answered_or_marked_coded(project: Project):
    doc = project.documents.add(title="t", text="Nothing to code here.")
    project.variables.add("note", "text")
    assert not project.codesheet.is_done(doc)  # nobody has looked at it yet
    project.codesheet.mark_coded(doc)
    assert project.codesheet.is_marked(doc) and project.codesheet.is_done(doc)
    project.codesheet.mark_coded(doc, False)
    assert not project.codesheet.is_done(doc)


def test_a_choice_in_use_cannot_go_and_a_type_in_use_cannot_change(sheet):
    p, doc, topic = sheet["p"], sheet["doc"], sheet["topic"]
    p.codesheet.set(doc, "topic", "Other")
    with pytest.raises(ProjectError, match=r"1 answer to 'topic' uses code 9 \(Other\)"):
        p.variables.update(topic.id, choices=TOPICS[:2])
    with pytest.raises(ProjectError, match="its type cannot change"):
        p.variables.update(topic.id, kind="text", choices=())
    with pytest.raises(ProjectError, match="has 1 answer; delete it with its answers"):
        p.variables.remove(topic.id)
    # Rewording a choice keeps its code and the answers that use it.
    changed = p.variables.update(topic.id, choices=[(1, "Economy"), (2, "Politics"), (9, "Something else")])
    assert changed.label_of(9) == "Something else" and p.codesheet.answers(doc)[topic.id] == "9"
    # Two codes may swap labels in one edit.
    swapped = p.variables.update(topic.id, choices=[(1, "Politics"), (2, "Economy"), (9, "Something else")])
    assert (swapped.label_of(1), swapped.label_of(2)) == ("Politics", "Economy")


def test_removing_a_variable_with_its_answers(sheet):
    p, doc, topic = sheet["p"], sheet["doc"], sheet["tone"]
    p.codesheet.set(doc, "tone", 3)
    p.variables.remove(topic.id, with_answers=True)
    assert [v.name for v in p.variables.list()] == ["topic"]
    assert p.codesheet.answers(doc) == {}


def test_moving_a_variable_reorders_the_codesheet(sheet):
    p = sheet["p"]
    p.variables.add("actor", "text")
    p.variables.move(sheet["tone"].id, 0)
    assert [(v.name, v.sort_order) for v in p.variables.list()] == [("tone", 0), ("topic", 1), ("actor", 2)]


def test_an_answer_for_a_document_or_variable_that_is_not_there_is_refused(sheet):
    p = sheet["p"]
    with pytest.raises(ProjectError, match="There is no document 99"):
        p.codesheet.set(99, "topic", 1)
    with pytest.raises(ProjectError, match="No variable is called 'actor'; the codesheet has: topic, tone"):
        p.codesheet.set(sheet["doc"], "actor", "Kim")


def test_several_answers_are_one_edit_and_a_bad_one_changes_nothing(sheet):
    p, doc = sheet["p"], sheet["doc"]
    before = dump(p)
    with pytest.raises(ProjectError):
        p.codesheet.set_many(doc, {"topic": 1, "tone": "furious"})
    assert dump(p) == before
    _, changeset = p.store.edit(p.codesheet.set_many, doc, {"topic": 1, "tone": "positive"})
    assert len(p.codesheet.answers(doc)) == 2
    p.store.undo(changeset)
    assert dump(p) == before
