"""Project statistics: counts by layer, label and status, and their text table."""

from __future__ import annotations

import pytest

from annotator.core.coding.codebook import Codebook
from annotator.core.coding.stats import LabelCount, format_stats, project_stats
from annotator.core.common.model import LAYERS, STATUSES
from annotator.core.project import Project
from annotator.core.store.database import Store

pytestmark = pytest.mark.both_engines

TEXT = "Launch 🚀 day: 월마트 👩‍👩‍👧 and AWS"


def _tag(p: Project, doc_id: int, label: str, piece: str, **kw) -> None:
    start = TEXT.index(piece)
    p.annotations.add(doc_id, p.codebook.by_name(label), start, start + len(piece), **kw)


def test_empty_project_counts_zero_everywhere(project):
    stats = project_stats(project)
    assert stats.documents == 0 and stats.annotations == 0
    assert stats.by_layer == {layer: 0 for layer in LAYERS}
    assert stats.by_status == {status: 0 for status in STATUSES}
    assert [row.name for row in stats.by_label] == [label.name for label in project.codebook.labels()]
    assert all(row.count == 0 for row in stats.by_label)


def test_counts_by_layer_label_and_status(project):
    d1 = project.documents.add(title="월마트 article", text=TEXT)
    d2 = project.documents.add(title="Second", text=TEXT + " again")
    project.documents.add(title="Third", text="Nothing tagged here.")
    _tag(project, d1, "Organization", "월마트")
    _tag(project, d1, "Product or service", "AWS")
    _tag(project, d1, "Event", "Launch 🚀 day")
    _tag(project, d2, "Organization", "AWS")
    _tag(project, d2, "Claim", "Launch 🚀 day: 월마트 👩‍👩‍👧")
    project.annotations.add(d1, project.codebook.by_name("Favor"), target="AWS")
    project.annotations.add(d2, project.codebook.by_name("Against"), target="월마트")
    project.documents.set_status(d1, "done")
    project.documents.set_status(d2, "in_progress")

    stats = project_stats(project)
    assert stats.documents == 3
    assert stats.annotations == 7
    assert list(stats.by_layer.items()) == [("entity", 4), ("claim", 1), ("stance", 2)]
    assert list(stats.by_status.items()) == [("todo", 1), ("in_progress", 1), ("done", 1)]
    by_name = {row.name: row for row in stats.by_label}
    assert by_name["Organization"] == LabelCount("Organization", "entity", 2)
    assert by_name["Against"] == LabelCount("Against", "stance", 1)
    assert by_name["Quote"].count == 0
    assert sum(row.count for row in stats.by_label) == stats.annotations
    assert [row.name for row in stats.by_label] == [label.name for label in project.codebook.labels()]


def test_format_stats_is_a_readable_table(project):
    doc = project.documents.add(title="t", text=TEXT)
    _tag(project, doc, "Organization", "월마트")
    project.documents.set_status(doc, "in_progress")
    text = format_stats(project_stats(project))
    lines = text.splitlines()
    assert lines[0].split() == ["Documents", "1"]
    assert "In progress" in text and "To do" in text and "Done" in text
    assert any(line.split() == ["Annotations", "1"] for line in lines)
    assert any(line.split() == ["Entity", "1"] for line in lines)
    assert any(line.split() == ["Entity", "Organization", "1"] for line in lines)
    assert any(line.split() == ["Stance", "Mixed", "0"] for line in lines)
    # Count columns line up: every label row ends at the same column.
    label_rows = lines[lines.index("By label") + 1:]
    assert len({len(row) for row in label_rows}) == 1


def test_wide_label_names_keep_the_table_aligned(tmp_path):
    codebook = {
        "format": "annotator-codebook",
        "layers": [
            {"id": "entity", "labels": [
                {"name": "인물", "key": "P", "color": "#4E79A7"},
                {"name": "Organization", "key": "O", "color": "#F28E2B"},
            ]},
            {"id": "stance", "labels": [{"name": "지지", "key": "F", "color": "#2CA02C"}]},
        ],
    }
    # Install the codebook before Project opens the file, so it never gets the default one.
    store = Store(tmp_path / "ko.annotator")
    Codebook(store).install(codebook)
    store.close()
    with Project(tmp_path / "ko.annotator", create=False) as p:
        stats = project_stats(p)
        assert [r.name for r in stats.by_label] == ["인물", "Organization", "지지"]
        assert stats.by_layer == {"entity": 0, "claim": 0, "stance": 0}
        lines = format_stats(stats).splitlines()
    rows = lines[lines.index("By label") + 2:]
    # Hangul takes two terminal columns, so "인물" pads like a four-letter word.
    ends = {sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in row) for row in rows}
    assert len(ends) == 1
