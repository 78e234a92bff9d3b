"""Coders: every annotation belongs to the coder whose name was current when it was made."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from tests.support import dump

pytestmark = pytest.mark.both_engines

TEXT = "Walmart left AWS. 월마트는 아마존을 떠났다."


def test_opening_a_project_adds_no_coder_until_someone_codes(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    assert project.coders.list() == [] and project.coders.current is None
    project.annotations.annotator = "Kim"
    tagged = project.annotations.add(doc, project.codebook.by_name("Organization"), 0, 7)
    assert [c.name for c in project.coders.list()] == ["Kim"]
    assert project.coders.get(tagged.coder_id).name == "Kim" == tagged.annotator
    assert project.coders.current.name == "Kim"


def test_each_annotation_is_its_coders_and_a_new_name_is_a_new_coder(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    org, favor = project.codebook.by_name("Organization"), project.codebook.by_name("Favor")
    project.annotations.annotator = "Kim"
    first = project.annotations.add(doc, org, 0, 7)
    project.annotations.annotator = " 이지은 "
    second = project.annotations.add(doc, org, 13, 16)
    whole = project.annotations.add(doc, favor, target="Walmart")  # a whole-document code has a coder too
    assert [c.name for c in project.coders.list()] == ["Kim", "이지은"]
    assert project.annotations.get(first.id).coder_id == project.coders.by_name("Kim").id
    assert second.coder_id == whole.coder_id == project.coders.by_name("이지은").id
    project.annotations.annotator = "kim"  # the same coder, case aside
    assert project.annotations.add(doc, org, 18, 21).coder_id == first.coder_id
    assert len(project.coders.list()) == 2


def test_undoing_a_coders_first_annotation_takes_the_new_coder_away(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    before = dump(project)
    project.annotations.annotator = "Kim"
    _, changeset = project.store.edit(project.annotations.add, doc, project.codebook.by_name("Organization"), 0, 7)
    project.store.undo(changeset)
    assert dump(project) == before and project.coders.list() == []


def test_renaming_a_coder_renames_what_their_annotations_are_signed_with(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    project.annotations.annotator = "jk"
    tagged = project.annotations.add(doc, project.codebook.by_name("Organization"), 0, 7)
    coder = project.coders.rename(tagged.coder_id, "Jiwoo Kim")
    assert coder.name == "Jiwoo Kim" == project.annotations.get(tagged.id).annotator
    assert project.annotations.annotator == "Jiwoo Kim"  # the current coder keeps coding as themself
    assert project.annotations.add(doc, project.codebook.by_name("Organization"), 13, 16).coder_id == coder.id


def test_coder_names_are_refused_when_blank_or_taken(project: Project):
    kim = project.coders.add("Kim")
    project.coders.add("Lee")
    with pytest.raises(ProjectError, match="already a coder called 'Kim'"):
        project.coders.add("  KIM ")
    with pytest.raises(ProjectError, match="already a coder called 'Lee'"):
        project.coders.rename(kim.id, "lee")
    with pytest.raises(ProjectError, match="needs a name"):
        project.coders.add("   ")
    assert [c.name for c in project.coders.list()] == ["Kim", "Lee"]


def test_a_worker_copy_codes_as_the_windows_current_coder(project: Project):
    project.annotations.annotator = "Kim"
    worker = project.for_worker()
    try:
        assert worker.annotations.annotator == "Kim"
    finally:
        worker.close()


# -- the gold layer (issue 14, item 6) -------------------------------------------------------


def test_writing_as_gold_files_edits_under_the_one_gold_layer_which_no_coder_list_counts(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    org = project.codebook.by_name("Organization")
    project.annotations.annotator = "Kim"
    mine = project.annotations.add(doc, org, 0, 7)
    assert project.coders.gold() is None
    project.coders.writing_gold = True
    settled = project.annotations.add(doc, org, 13, 16)
    project.codesheet.mark_coded(doc)
    gold = project.coders.gold()
    assert gold is not None and gold.is_gold and gold.name == "gold"
    assert settled.coder_id == gold.id and settled.annotator == "gold"
    assert project.codesheet.is_marked(doc, "gold") and not project.codesheet.is_marked(doc, "Kim")
    assert project.coders.list() == [project.coders.get(mine.coder_id)] and project.coders.count() == 1
    assert [c.name for c in project.coders.list(include_gold=True)] == ["Kim", "gold"]
    assert project.coders.count(include_gold=True) == 2
    project.coders.writing_gold = False
    assert project.annotations.add(doc, org, 18, 21).coder_id == mine.coder_id  # back to coding as Kim
    assert project.coders.person_name == "Kim"


def test_a_person_called_gold_keeps_the_name_and_the_gold_layer_takes_another(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    org = project.codebook.by_name("Organization")
    project.annotations.annotator = "Gold"
    person = project.annotations.add(doc, org, 0, 7)
    project.coders.writing_gold = True
    settled = project.annotations.add(doc, org, 0, 7)
    assert project.coders.get(person.coder_id) == project.coders.list()[0]
    assert project.coders.gold().name == "gold (adjudicated)" == settled.annotator
    with pytest.raises(ProjectError, match="gold layer keeps its name"):
        project.coders.rename(project.coders.gold().id, "final")


def test_undoing_the_first_gold_edit_takes_the_gold_layer_away(project: Project):
    doc = project.documents.add(title="t", text=TEXT)
    before = dump(project)
    project.coders.writing_gold = True
    _, changeset = project.store.edit(project.annotations.add, doc, project.codebook.by_name("Organization"), 0, 7)
    project.store.undo(changeset)
    assert dump(project) == before and project.coders.gold() is None
