"""Editing the codebook: labels, groups, keys, colours, attributes; deletion that never orphans; JSON files."""

from __future__ import annotations

import json

import pytest

from annotator.core.coding.codebook_files import codebook_data, export_codebook, import_codebook
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.database import Change
from tests.support import dump

pytestmark = pytest.mark.both_engines


def set_value(project, annotation_id: int, attribute_id: int, value: str) -> None:
    """Code an attribute value the way the annotation panel stores it (its API is another task's)."""
    with project.store.write() as db:
        db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)",
                   (annotation_id, attribute_id, value))


def add_entity(project, name: str, label_id: int) -> int:
    with project.store.write() as db:
        return db.execute("INSERT INTO entities(name, folded, label_id, created_at) VALUES (?, ?, ?, 'now')",
                          (name, name.casefold(), label_id)).lastrowid


def values_of(project, annotation_id: int) -> list[tuple]:
    return project.store.query("SELECT attribute_id, value FROM annotation_values WHERE annotation_id = ?",
                               (annotation_id,))


def names(labels) -> list[str]:
    return [label.name for label in labels]


@pytest.fixture
def events(project):
    seen: list[Change] = []
    project.subscribe(seen.append)
    return seen


def refused_unchanged(project, action, match: str) -> str:
    """The action is refused with a message matching `match`, and the file is exactly as before."""
    before = dump(project)
    with pytest.raises(ProjectError, match=match) as info:
        project.store.edit(action)
    assert dump(project) == before
    return str(info.value)


# -- defaults ---------------------------------------------------------------------------------


def test_new_projects_get_the_default_attributes(project, label):
    claim = {a.name: a for a in project.codebook.attributes(label("Claim").id)}
    assert (claim["type"].kind, claim["type"].choices) == ("choice", ("factual", "statistical", "predictive", "evaluative"))
    assert claim["checkworthy"].kind == "bool" and claim["checkworthy"].choices == ()
    assert claim["verdict"].choices == ("unverified", "accurate", "misleading", "false")
    for name in ("Favor", "Against", "Neutral", "Mixed"):
        [intensity] = project.codebook.attributes(label(name).id)
        assert (intensity.name, intensity.kind, intensity.choices) == ("intensity", "choice", ("weak", "strong"))
    assert project.codebook.attributes(label("Person").id) == []


# -- adding, renaming, keys, colours ----------------------------------------------------------


def test_added_label_lands_at_the_end_of_its_layer_with_an_unused_colour(project, events):
    book = project.codebook
    rumour = book.add_label("  Rumour ", "claim", key="u", description="Unsourced claim.")
    assert (rumour.name, rumour.key, rumour.description) == ("Rumour", "U", "Unsourced claim.")
    assert names(book.in_layer("claim")) == ["Claim", "Quote", "Rumour"]
    assert rumour.color not in {lab.color for lab in book.labels() if lab.id != rumour.id}
    assert book.by_key("u") == rumour
    assert Change("codebook_changed") in events


def test_rename_keeps_every_annotation_linked(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Claim"), 0, 22)
    project.codebook.rename(label("Claim").id, "Assertion")
    annotation = project.annotations.get(a.id)
    assert annotation == a
    assert project.codebook.label(annotation.label_id).name == "Assertion"
    assert project.codebook.by_name("claim") is None


def test_names_are_unique_ignoring_case_and_the_other_label_is_named(project, label):
    message = refused_unchanged(project, lambda: project.codebook.rename(label("Quote").id, "CLAIM"), "already")
    assert "'Claim'" in message
    refused_unchanged(project, lambda: project.codebook.add_group("person", "entity"), "Person")
    refused_unchanged(project, lambda: project.codebook.rename(label("Quote").id, "   "), "no name")
    assert project.codebook.rename(label("Quote").id, "quote").name == "quote"  # its own name, new case


def test_duplicate_key_is_refused_naming_the_label_that_has_it(project, label):
    message = refused_unchanged(project, lambda: project.codebook.set_key(label("Quote").id, "p"), "Key P")
    assert "'Person'" in message
    message = refused_unchanged(project, lambda: project.codebook.add_label("Politician", "entity", key="P"), "Person")
    assert project.codebook.by_name("Politician") is None


@pytest.mark.parametrize("key", ["QQ", "!", "é", " "])
def test_keys_are_one_ascii_letter_or_digit(project, label, key):
    refused_unchanged(project, lambda: project.codebook.set_key(label("Quote").id, key), "one-character key")


def test_key_can_move_to_another_label_once_freed(project, label):
    book = project.codebook
    book.set_key(label("Quote").id, None)
    assert book.set_key(label("Claim").id, "q").key == "Q"
    assert book.by_key("C") is None and label("Quote").key is None


def test_groups_take_no_key(project):
    group = project.codebook.add_group("Actors", "entity")
    assert group.key is None and group.is_group
    refused_unchanged(project, lambda: project.codebook.set_key(group.id, "Z"), "group")


def test_colour_must_be_hex_and_is_stored_upper_case(project, label):
    assert project.codebook.set_color(label("Quote").id, "#a1b2c3").color == "#A1B2C3"
    refused_unchanged(project, lambda: project.codebook.set_color(label("Quote").id, "red"), "#RRGGBB")


def test_description_and_memo(project, label):
    book = project.codebook
    assert book.set_description(label("Quote").id, " Reported speech. ").description == "Reported speech."
    assert book.set_memo(label("Quote").id, "Decided 3 May: indirect speech counts.").memo.startswith("Decided")


def test_unknown_layer_is_refused(project):
    refused_unchanged(project, lambda: project.codebook.add_label("Topic", "topic"), "Unknown layer")


# -- groups and order -------------------------------------------------------------------------


def test_groups_nest_labels_and_toolbars_see_only_labels(project, label):
    book = project.codebook
    actors = book.add_group("Actors", "entity", index=0)
    book.move(label("Person").id, actors.id, 0)
    book.move(label("Organization").id, actors.id, 5)  # past the end: the end
    assert names(book.children(actors.id)) == ["Person", "Organization"]
    assert names(book.in_layer("entity"))[:3] == ["Person", "Organization", "Location"]
    assert names(book.labels())[:4] == ["Actors", "Person", "Organization", "Location"]
    assert "Actors" not in names(book.codable_labels())
    assert names(book.ancestors(label("Person").id)) == ["Actors"]


def test_reorder_within_a_layer_numbers_siblings_in_order(project, label):
    book = project.codebook
    book.move(label("Mixed").id, None, 0)
    stances = book.children(None, "stance")
    assert names(stances) == ["Mixed", "Favor", "Against", "Neutral"]
    assert [lab.sort_order for lab in stances] == [0, 1, 2, 3]


def test_moves_that_break_the_tree_are_refused(project, label):
    book = project.codebook
    outer = book.add_group("Outer", "entity")
    inner = book.add_group("Inner", "entity", parent_id=outer.id)
    refused_unchanged(project, lambda: book.move(outer.id, inner.id, 0), "inside it")
    refused_unchanged(project, lambda: book.move(outer.id, outer.id, 0), "inside it")
    refused_unchanged(project, lambda: book.move(label("Claim").id, outer.id, 0), "Entity group")
    refused_unchanged(project, lambda: book.move(label("Quote").id, label("Claim").id, 0), "not a group")


# -- deleting ---------------------------------------------------------------------------------


def test_unused_label_is_deleted_with_its_attributes(project, label):
    book = project.codebook
    assert book.delete(label("Favor").id) == 0
    assert book.by_name("Favor") is None
    assert project.store.query("SELECT count(*) FROM label_attributes WHERE name = 'intensity'")[0][0] == 3


def test_label_in_use_is_refused_naming_the_count(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose. Microsoft said nothing.")
    for start, end in ((0, 22), (24, 47)):
        project.annotations.add(doc, label("Claim"), start, end)
    assert project.codebook.usage_count(label("Claim").id) == 2
    message = refused_unchanged(project, lambda: project.codebook.delete(label("Claim").id), "2 annotations use 'Claim'")
    assert "Move them" in message


def test_delete_moving_annotations_relabels_and_drops_what_no_longer_fits(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    claim = project.annotations.add(doc, label("Claim"), 12, 22)
    project.annotations.set_role(claim.id, "source", text="Amazon")
    project.annotations.set_cue(claim.id, 7, 11)
    verdict = next(a for a in project.codebook.attributes(label("Claim").id) if a.name == "verdict")
    set_value(project, claim.id, verdict.id, "accurate")
    quote = label("Quote")
    assert project.codebook.delete(label("Claim").id, move_to=quote.id) == 1
    moved = project.annotations.get(claim.id)
    assert moved.label_id == quote.id and moved.text == "sales rose"
    assert (moved.source, moved.cue_start) == ("Amazon", 7)  # a quote is a claim-layer label: roles fit
    assert values_of(project, claim.id) == []
    assert project.store.query("SELECT count(*) FROM label_attributes WHERE name = 'verdict'")[0][0] == 0


def test_moving_to_another_layer_clears_roles_of_the_old_layer(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    claim = project.annotations.add(doc, label("Claim"), 12, 22)
    project.annotations.set_role(claim.id, "source", text="Amazon")
    project.codebook.delete(label("Claim").id, move_to=label("Figure").id)
    moved = project.annotations.get(claim.id)
    assert (moved.source, moved.cue_start, moved.label_id) == (None, None, label("Figure").id)


def test_delete_annotations_removes_them_and_their_values(project, doc_factory, label, events):
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Favor"), 0, 6, target="Amazon")
    [intensity] = project.codebook.attributes(label("Favor").id)
    set_value(project, a.id, intensity.id, "strong")
    project.codebook.delete(label("Favor").id, delete_annotations=True)
    assert project.annotations.for_document(doc) == []
    assert project.store.query("SELECT count(*) FROM annotation_values")[0][0] == 0
    assert Change("annotation_removed", doc, a.id) in events


def test_whole_document_stances_only_move_to_stance_labels(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    project.annotations.add(doc, label("Favor"), target="Amazon")
    refused_unchanged(project, lambda: project.codebook.delete(label("Favor").id, move_to=label("Claim").id),
                      "whole document")
    project.codebook.delete(label("Favor").id, move_to=label("Against").id)
    assert [a.label_id for a in project.annotations.for_document(doc)] == [label("Against").id]


def test_annotations_cannot_move_to_a_group_or_to_the_label_itself(project, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    project.annotations.add(doc, label("Person"), 0, 6)
    group = project.codebook.add_group("Actors", "entity")
    refused_unchanged(project, lambda: project.codebook.delete(label("Person").id, move_to=group.id), "a group")
    refused_unchanged(project, lambda: project.codebook.delete(label("Person").id, move_to=label("Person").id), "itself")


def test_entity_types_move_with_their_label_and_never_dangle(project, label):
    person = label("Person")
    entity = add_entity(project, "Andy Jassy", person.id)
    refused_unchanged(project, lambda: project.codebook.delete(person.id), "1 entity")
    refused_unchanged(project, lambda: project.codebook.delete(person.id, delete_annotations=True), "type of 1 entity")
    refused_unchanged(project, lambda: project.codebook.delete(person.id, move_to=label("Claim").id), "entity label")
    project.codebook.delete(person.id, move_to=label("Organization").id)
    assert project.store.query("SELECT label_id FROM entities WHERE id = ?", (entity,))[0][0] == label("Organization").id


def test_deleting_a_group_moves_its_contents_up_in_its_place(project, label):
    book = project.codebook
    outer = book.add_group("Outer", "entity", index=1)
    inner = book.add_group("Inner", "entity", parent_id=outer.id)
    book.move(label("Date").id, outer.id, 0)
    book.move(label("Event").id, inner.id, 0)
    book.delete(outer.id)
    assert names(book.children(None, "entity")) == [
        "Person", "Date", "Inner", "Organization", "Location", "Product or service", "Figure"]
    assert names(book.children(book.by_name("Inner").id)) == ["Event"]


# -- attributes -------------------------------------------------------------------------------


def test_attributes_are_typed_and_checked(project, label):
    book = project.codebook
    quote = label("Quote").id
    direct = book.add_attribute(quote, "direct", "bool", required=True, description="Quotation marks?")
    words = book.add_attribute(quote, "speaker role", "text")
    count = book.add_attribute(quote, "times repeated", "number")
    mode = book.add_attribute(quote, "mode", "choice", [" spoken ", "written"])
    assert [(a.name, a.kind, a.required) for a in book.attributes(quote)] == [
        ("direct", "bool", True), ("speaker role", "text", False), ("times repeated", "number", False),
        ("mode", "choice", False)]
    assert mode.choices == ("spoken", "written") and words.choices == count.choices == direct.choices == ()
    refused_unchanged(project, lambda: book.add_attribute(quote, "Direct", "text"), "already has an attribute")
    refused_unchanged(project, lambda: book.add_attribute(quote, "tone", "choice", []), "at least one choice")
    refused_unchanged(project, lambda: book.add_attribute(quote, "tone", "text", ["a"]), "Only choice attributes")
    refused_unchanged(project, lambda: book.add_attribute(quote, "tone", "colour"), "use one of choice")
    refused_unchanged(project, lambda: book.add_attribute(quote, "tone", "choice", ["a", "A"]), "twice")
    group = book.add_group("Actors", "entity")
    refused_unchanged(project, lambda: book.add_attribute(group.id, "tone", "text"), "group")


def test_update_attribute_keeps_coded_values_valid(project, doc_factory, label):
    book = project.codebook
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Claim"), 12, 22)
    verdict = next(x for x in book.attributes(label("Claim").id) if x.name == "verdict")
    set_value(project, a.id, verdict.id, "misleading")
    message = refused_unchanged(project, lambda: book.update_attribute(verdict.id, kind="text"), "kind cannot")
    assert message.startswith("1 annotation has a value for 'verdict'")
    refused_unchanged(project, lambda: book.update_attribute(verdict.id, choices=["accurate", "false"]), "'misleading'")
    renamed = book.update_attribute(verdict.id, name="rating", choices=["unverified", "accurate", "misleading", "false",
                                                                        "satire"], required=True)
    assert (renamed.name, renamed.required, renamed.choices[-1]) == ("rating", True, "satire")
    assert values_of(project, a.id) == [(verdict.id, "misleading")]


def test_delete_attribute_deletes_its_values_first(project, doc_factory, label):
    book = project.codebook
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Claim"), 12, 22)
    kinds = {x.name: x for x in book.attributes(label("Claim").id)}
    set_value(project, a.id, kinds["type"].id, "statistical")
    book.delete_attribute(kinds["type"].id)
    assert [x.name for x in book.attributes(label("Claim").id)] == ["checkworthy", "verdict"]
    assert [x.sort_order for x in book.attributes(label("Claim").id)] == [0, 1]
    assert values_of(project, a.id) == []


# -- undo is exact ----------------------------------------------------------------------------


def _edits(project):
    book = project.codebook

    def get(name):
        return book.by_name(name).id

    def claim_attr(name):
        return next(a.id for a in book.attributes(get("Claim")) if a.name == name)

    return {
        "add label": lambda: book.add_label("Rumour", "claim", key="U"),
        "add group": lambda: book.add_group("Actors", "entity", index=0),
        "rename": lambda: book.rename(get("Claim"), "Assertion"),
        "recolour": lambda: book.set_color(get("Claim"), "#123456"),
        "set key": lambda: book.set_key(get("Claim"), "K"),
        "clear key": lambda: book.set_key(get("Claim"), None),
        "describe": lambda: book.set_description(get("Claim"), "Anything checkable."),
        "memo": lambda: book.set_memo(get("Claim"), "Open question: opinions?"),
        "reorder": lambda: book.move(get("Mixed"), None, 0),
        "nest": lambda: book.move(get("Date"), book.add_group("Time", "entity").id, 0),
        "delete unused": lambda: book.delete(get("Quote")),
        "delete moving": lambda: book.delete(get("Claim"), move_to=get("Quote")),
        "delete annotations": lambda: book.delete(get("Claim"), delete_annotations=True),
        "delete group": lambda: book.delete(book.add_group("G", "stance", parent_id=None).id),
        "add attribute": lambda: book.add_attribute(get("Quote"), "direct", "bool"),
        "update attribute": lambda: book.update_attribute(claim_attr("verdict"), choices=["true", "false"]),
        "delete attribute": lambda: book.delete_attribute(claim_attr("verdict")),
    }


EDIT_KINDS = ["add label", "add group", "rename", "recolour", "set key", "clear key", "describe", "memo",
              "reorder", "nest", "delete unused", "delete moving", "delete annotations", "delete group",
              "add attribute", "update attribute", "delete attribute"]


@pytest.mark.parametrize("kind", EDIT_KINDS)
def test_every_codebook_edit_undoes_exactly(project, doc_factory, label, kind):
    doc = doc_factory("Amazon said sales rose. Microsoft disagreed.")
    a = project.annotations.add(doc, label("Claim"), 12, 22)
    project.annotations.set_role(a.id, "source", text="Amazon")
    checkworthy = next(x for x in project.codebook.attributes(label("Claim").id) if x.name == "checkworthy")
    set_value(project, a.id, checkworthy.id, "yes")
    before = dump(project)
    labels_before = project.codebook.labels()
    _, changeset = project.store.edit(_edits(project)[kind])
    assert changeset is not None and dump(project) != before
    project.store.undo(changeset)
    assert dump(project) == before
    assert project.codebook.labels() == labels_before  # nothing stale in the cache either


def test_every_edit_kind_is_covered(project):
    assert sorted(_edits(project)) == sorted(EDIT_KINDS)


# -- JSON files -------------------------------------------------------------------------------


def _edited(project) -> None:
    book = project.codebook
    actors = book.add_group("Actors", "entity", index=0, description="Who acts.", memo="From the pilot.")
    book.move(book.by_name("Person").id, actors.id, 0)
    book.move(book.by_name("Organization").id, actors.id, 1)
    rumour = book.add_label("Rumour", "claim", key="U", color="#112233", description="Unsourced.", memo="Ask Kim.")
    book.add_attribute(rumour.id, "spread", "number", required=True, description="Shares seen.")
    book.add_attribute(book.by_name("Quote").id, "direct", "bool")
    book.move(book.by_name("Mixed").id, None, 0)


def test_export_then_import_into_a_fresh_project_gives_the_same_codebook(project, tmp_path):
    _edited(project)
    path = export_codebook(project, tmp_path / "team.codebook.json")
    with Project(tmp_path / "fresh.annotator") as fresh:
        result = import_codebook(fresh, path)
        assert (result.added, result.removed) == (2, 0) and result.updated > 0
        assert codebook_data(fresh, "x") == codebook_data(project, "x")
        assert [(lab.name, lab.key, lab.is_group) for lab in fresh.codebook.labels()] == [
            (lab.name, lab.key, lab.is_group) for lab in project.codebook.labels()]


def test_the_exported_file_is_documented_json(project, tmp_path):
    _edited(project)
    data = json.loads(export_codebook(project, tmp_path / "book.json").read_text("utf-8"))
    assert (data["format"], data["version"]) == ("annotator-codebook", 2)
    entity = data["layers"][0]
    assert entity["id"] == "entity" and entity["labels"][0]["group"] is True
    assert [item["name"] for item in entity["labels"][0]["labels"]] == ["Person", "Organization"]
    claim = next(item for item in data["layers"][1]["labels"] if item["name"] == "Claim")
    assert [a["name"] for a in claim["attributes"]] == ["type", "checkworthy", "verdict"]


def test_import_with_replace_drops_unused_labels_and_keeps_used_ones_refused(project, tmp_path, doc_factory, label):
    with Project(tmp_path / "other.annotator") as other:
        other.codebook.delete(other.codebook.by_name("Quote").id)
        path = export_codebook(other, tmp_path / "no-quote.json")
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Quote"), 0, 6)
    refused_unchanged(project, lambda: import_codebook(project, path, mode="replace"), "'Quote' is in use")
    project.annotations.delete(a.id)
    assert import_codebook(project, path, mode="replace").removed == 1
    assert project.codebook.by_name("Quote") is None


def test_version_1_files_still_import(project, tmp_path):
    v1 = {"format": "annotator-codebook", "version": 1, "layers": [
        {"id": "claim", "labels": [{"name": "Rumour", "key": "U", "color": "#112233", "description": "Unsourced."},
                                   {"name": "Claim", "key": "C", "color": "#000000", "description": "New words."}]}]}
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(v1), encoding="utf-8")
    result = import_codebook(project, path)
    assert (result.added, result.updated, result.removed) == (1, 1, 0)
    claim = project.codebook.by_name("Claim")
    assert (claim.color, claim.description) == ("#000000", "New words.")
    assert len(project.codebook.attributes(claim.id)) == 3  # merge deletes no attribute
    assert names(project.codebook.in_layer("claim")) == ["Rumour", "Claim", "Quote"]


def test_import_with_a_conflicting_key_changes_nothing_and_names_both(project, tmp_path):
    data = {"format": "annotator-codebook", "version": 2, "layers": [
        {"id": "claim", "labels": [{"name": "Rumour", "key": "U", "color": "#112233"},
                                   {"name": "Prediction", "key": "p", "color": "#445566"}]}]}
    path = tmp_path / "conflict.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = refused_unchanged(project, lambda: import_codebook(project, path), "conflict.json")
    assert "'Person'" in message and "'Prediction'" in message and "key P" in message


def test_import_may_swap_keys_between_labels(project, tmp_path):
    data = {"format": "annotator-codebook", "version": 2, "layers": [
        {"id": "claim", "labels": [{"name": "Claim", "key": "Q", "color": "#E15759"},
                                   {"name": "Quote", "key": "C", "color": "#FF9DA7"}]}]}
    path = tmp_path / "swap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_codebook(project, path)
    assert (project.codebook.by_key("Q").name, project.codebook.by_key("C").name) == ("Claim", "Quote")


@pytest.mark.parametrize("content, match", [
    ("{not json", "not valid JSON \\(line 1"),
    (json.dumps({"format": "something-else"}), "Not an Annotator codebook"),
    (json.dumps({"format": "annotator-codebook", "version": 9, "layers": []}), "version 9"),
    (json.dumps({"format": "annotator-codebook", "version": 2, "layers": [{"id": "claim", "labels": [
        {"name": "Claim", "group": True, "color": "#000000"}]}]}), "group in the file"),
    (json.dumps({"format": "annotator-codebook", "version": 2, "layers": [{"id": "stance", "labels": [
        {"name": "Claim", "key": "C", "color": "#000000"}]}]}), "Claim label in this project but a Stance"),
    (json.dumps({"format": "annotator-codebook", "version": 2, "layers": [{"id": "claim", "labels": [
        {"name": "G", "group": True, "key": "G", "color": "#000000"}]}]}), "only labels have keys"),
    (json.dumps({"format": "annotator-codebook", "version": 2, "layers": [{"id": "claim", "labels": [
        {"name": "Rumour", "color": "#000000", "attributes": [{"name": "x", "kind": "choice"}]}]}]}),
     "at least one choice"),
])
def test_bad_files_are_refused_naming_the_file_and_change_nothing(project, tmp_path, content, match):
    path = tmp_path / "bad.codebook.json"
    path.write_text(content, encoding="utf-8")
    message = refused_unchanged(project, lambda: import_codebook(project, path), match)
    assert "bad.codebook.json" in message


def test_missing_file_says_so(project, tmp_path):
    refused_unchanged(project, lambda: import_codebook(project, tmp_path / "nowhere.json"), "Cannot read")


def test_a_problem_found_halfway_rolls_the_whole_import_back(project, tmp_path, doc_factory, label):
    doc = doc_factory("Amazon said sales rose.")
    a = project.annotations.add(doc, label("Claim"), 12, 22)
    verdict = next(x for x in project.codebook.attributes(label("Claim").id) if x.name == "verdict")
    set_value(project, a.id, verdict.id, "false")
    data = {"format": "annotator-codebook", "version": 2, "layers": [{"id": "claim", "labels": [
        {"name": "Rumour", "key": "U", "color": "#112233"},
        {"name": "Claim", "key": "C", "color": "#E15759", "attributes": [{"name": "verdict", "kind": "text"}]}]}]}
    path = tmp_path / "halfway.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = refused_unchanged(project, lambda: import_codebook(project, path), "kind cannot change")
    assert "halfway.json" in message and "Nothing was imported" in message
    assert project.codebook.by_name("Rumour") is None


def test_nested_v2_codebook_installs_with_groups_and_attributes(tmp_path):
    from annotator.core.coding.codebook import Codebook
    from annotator.core.store.database import Store

    data = {"format": "annotator-codebook", "version": 2, "layers": [{"id": "entity", "labels": [
        {"name": "Actors", "group": True, "labels": [
            {"name": "Person", "key": "P", "color": "#111111",
             "attributes": [{"name": "role", "kind": "text", "required": True}]}]},
        {"name": "Place", "color": "#222222"}]}]}
    store = Store(tmp_path / "bare.annotator")
    try:
        book = Codebook(store)
        book.install(data)
        assert [(lab.name, lab.is_group, lab.key) for lab in book.labels()] == [
            ("Actors", True, None), ("Person", False, "P"), ("Place", False, None)]
        person = book.by_name("Person")
        assert person.parent_id == book.by_name("Actors").id
        assert [(a.name, a.required) for a in book.attributes(person.id)] == [("role", True)]
    finally:
        store.close()


def test_an_import_tells_views_once_that_the_codebook_changed(project, tmp_path, events):
    data = {"format": "annotator-codebook", "version": 2, "layers": [{"id": "claim", "labels": [
        {"name": "Topics", "group": True, "labels": [
            {"name": f"Topic {i}", "key": str(i), "color": "#123456", "attributes": [{"name": "note", "kind": "text"}]}
            for i in range(5)]}]}]}
    path = tmp_path / "topics.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, changeset = project.store.edit(import_codebook, project, path)
    assert events.count(Change("codebook_changed")) == 1
    assert [lab.name for lab in project.codebook.children(project.codebook.by_name("Topics").id)] == [
        f"Topic {i}" for i in range(5)]
    events.clear()
    project.store.undo(changeset)
    assert events == [Change("codebook_changed")] and project.codebook.by_name("Topics") is None
