"""Codebook files carry the codesheet's document variables (format 3), and still read formats 1 and 2."""

from __future__ import annotations

import json

import pytest

from annotator.core.coding.codebook_files import codebook_data, export_codebook, import_codebook
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Choice
from annotator.core.project import Project
from tests.support import dump

pytestmark = pytest.mark.both_engines


@pytest.fixture
def lead(project: Project):
    p = project
    p.variables.add("topic", "single_choice", question="Main topic?", required=True,
                    choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
    p.variables.add("tone", "single_choice", level="ordinal", choices=["negative", "neutral", "positive"])
    p.variables.add("actors", "multiple_choice", choices=[(10, "Government"), (20, "Business")])
    p.variables.add("published", "date")
    p.variables.add("paywall", "yes_no")
    return p


def test_a_codebook_with_variables_is_written_as_format_3_and_read_back_whole(lead, tmp_path):
    out = export_codebook(lead, tmp_path / "book.codebook.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 3
    assert data["variables"][0] == {"name": "topic", "question": "Main topic?", "type": "single_choice",
                                    "level": "nominal", "required": True,
                                    "choices": [{"code": 1, "label": "Economy"}, {"code": 2, "label": "Politics"},
                                                {"code": 9, "label": "Other"}]}
    assert "choices" not in data["variables"][3]  # a date has none
    with Project(tmp_path / "coder.annotator") as coder:
        import_codebook(coder, out)
        assert [(v.name, v.kind, v.level, v.required, v.choices) for v in coder.variables.list()] == [
            (v.name, v.kind, v.level, v.required, v.choices) for v in lead.variables.list()]


def test_a_codebook_without_variables_stays_format_2_for_older_annotators(project):
    data = codebook_data(project)
    assert data["version"] == 2 and "variables" not in data


def test_a_format_2_file_with_a_variables_key_brings_no_variables(project, tmp_path):
    data = {**codebook_data(project), "variables": [{"name": "topic", "type": "text"}]}
    path = tmp_path / "old.codebook.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_codebook(project, path)
    assert project.variables.list() == []


def test_merging_keeps_the_projects_own_choices_and_adds_new_variables(lead, tmp_path):
    path = tmp_path / "book.json"
    data = codebook_data(lead)
    data["variables"] = [{"name": "Topic", "type": "single_choice", "question": "What is it about?",
                          "choices": [{"code": 1, "label": "Economy"}, {"code": 3, "label": "Sports"}]},
                         {"name": "words", "type": "number"}]
    path.write_text(json.dumps(data), encoding="utf-8")
    import_codebook(lead, path)
    topic = lead.variables.by_name("topic")
    assert topic.question == "What is it about?"
    assert topic.choices == (Choice(1, "Economy"), Choice(3, "Sports"), Choice(2, "Politics"), Choice(9, "Other"))
    assert [v.name for v in lead.variables.list()][-1] == "words"


@pytest.mark.parametrize("variable, message", [
    ({"name": "topic", "type": "single_choice", "choices": [{"code": 2, "label": "Sports"}]},
     "in variable 'topic', code 2 means 'Politics' here but 'Sports' in the file"),
    ({"name": "topic", "type": "single_choice", "choices": [{"code": 2, "label": "A"}, {"code": 2, "label": "B"}]},
     "code 2 would mean both 'A' and 'B'"),
    ({"name": "topic", "type": "rating"}, "has type 'rating'"),
])
def test_a_conflicting_or_bad_variable_is_refused_and_nothing_changes(lead, tmp_path, variable, message):
    data = codebook_data(lead)
    data["variables"] = [variable]
    data["layers"][0]["labels"].append({"name": "Outlet", "key": "U", "color": "#112233"})  # would be added
    path = tmp_path / "book.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = dump(lead)
    with pytest.raises(ProjectError, match=message):
        import_codebook(lead, path)
    assert dump(lead) == before


def test_a_type_change_is_refused_once_the_variable_has_answers(lead, tmp_path):
    doc = lead.documents.add(title="t", text="Some text.")
    lead.codesheet.set(doc, "published", "2025-05-03")
    data = codebook_data(lead)
    data["variables"] = [{"name": "published", "type": "text"}]
    path = tmp_path / "book.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProjectError, match="'published' is a date with answers here but a short text in the file"):
        import_codebook(lead, path)


def test_replacing_removes_unanswered_variables_the_file_lacks_and_one_ctrl_z_undoes_it(lead, tmp_path):
    data = codebook_data(lead)
    data["variables"] = data["variables"][:1]
    path = tmp_path / "book.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = dump(lead)
    _, changeset = lead.store.edit(import_codebook, lead, path, mode="replace")
    assert [v.name for v in lead.variables.list()] == ["topic"]
    lead.store.undo(changeset)
    assert dump(lead) == before
