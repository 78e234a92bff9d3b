"""Change events name their kind with ChangeKind: every kind the core sends is a member, and the
docstring views read lists exactly the members."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import annotator.core
from annotator.core.store.database import Change, ChangeKind

CORE = Path(annotator.core.__file__).resolve().parent


def test_a_sequence_of_core_edits_sends_only_members_and_every_member_is_sent(project, doc_factory, label):
    events: list[Change] = []
    project.subscribe(events.append)
    doc = doc_factory("Apple sues Samsung over a patent.")
    added = project.annotations.add(doc, label("Organization"), 0, 5)
    project.annotations.update(added.id, note="the plaintiff")
    project.documents.set_status(doc, "done")
    project.codebook.rename(label("Person").id, "People")
    entity = project.entities.create("Apple", label("Organization"))
    project.entities.set_memo(entity.id, "the company, not the fruit")
    project.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    project.codesheet.set(doc, "topic", 1)
    project.annotations.delete(added.id)
    project.store.undo(project.store.last_changeset)  # undoing sends the inverted kind: the annotation is back

    assert events and all(type(event.kind) is ChangeKind for event in events)
    assert {event.kind for event in events} == set(ChangeKind)
    assert events[-1].kind is ChangeKind.ANNOTATION_ADDED


def test_the_docstring_lists_exactly_the_members():
    listed = re.search(r"one of:(.*?)\n\s*\n", Change.__doc__, re.S).group(1)
    assert set(re.findall(r"[a-z]+_[a-z]+", listed)) == {kind.value for kind in ChangeKind}


def test_a_kind_spelled_as_a_string_becomes_its_member_and_a_wrong_one_is_refused():
    assert Change("annotation_added", 1, 2).kind is ChangeKind.ANNOTATION_ADDED
    assert Change("annotation_added", 1, 2) == Change(ChangeKind.ANNOTATION_ADDED, 1, 2)
    try:
        Change("annotations_added")
    except ValueError:
        pass
    else:
        raise AssertionError("a kind no member has was accepted")


def test_only_annotation_kinds_touch_annotations_and_undo_swaps_added_and_removed():
    assert {kind for kind in ChangeKind if kind.touches_annotations} == {
        ChangeKind.ANNOTATION_ADDED, ChangeKind.ANNOTATION_REMOVED, ChangeKind.ANNOTATION_CHANGED}
    assert Change(ChangeKind.ANNOTATION_REMOVED, 1, 2).inverted() == Change(ChangeKind.ANNOTATION_ADDED, 1, 2)
    assert Change(ChangeKind.CODEBOOK_CHANGED).inverted() == Change(ChangeKind.CODEBOOK_CHANGED)


def test_every_change_the_core_builds_names_a_member():
    """No emitter spells a kind as a bare string: each Change(...) in core starts with ChangeKind.X."""
    found, wrong = 0, []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Change" and node.args:
                first = node.args[0]
                found += 1
                is_member = (isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name)
                             and first.value.id == "ChangeKind" and first.attr in ChangeKind.__members__)
                if not is_member and path.name != "database.py":
                    wrong.append(f"{path.relative_to(CORE)}:{node.lineno}")
    assert found > 20 and wrong == []
