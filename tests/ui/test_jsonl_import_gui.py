"""File › Import documents takes a JSON Lines export of Annotator's back as its coders' codes (issue 14, item 4)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotator.core.interchange.formats import export
from annotator.core.project import Project
from tests.core.test_export_coders import two  # noqa: F401  (the two-coder project fixture)


def test_a_coded_jsonl_dropped_into_the_window_brings_each_coders_codes(open_window, two, tmp_path, qtbot):
    out = tmp_path / "two.jsonl"
    export(two, "jsonl", out)
    fresh = tmp_path / "fresh.annotator"
    Project(fresh).close()
    window = open_window(fresh)
    window.import_files(paths=[out])
    qtbot.waitUntil(lambda: window.project.documents.count() == 3, timeout=10_000)
    report = window.findChild(QMessageBox, "jsonlImportReport")
    qtbot.waitUntil(lambda: report is not None or window.findChild(QMessageBox, "jsonlImportReport"))
    report = window.findChild(QMessageBox, "jsonlImportReport")
    assert "3 new documents" in report.text() and "6 annotations" in report.text()
    assert "kim" in report.informativeText() and "lee" in report.informativeText()
    coders = {name for (name,) in window.project.store.conn.execute(
        "SELECT c.name FROM annotations a JOIN coders c ON c.id = a.coder_id")}
    assert coders == {"kim", "lee"}


def test_a_broken_coded_jsonl_is_refused_whole_with_its_line(open_window, tmp_path, qtbot, monkeypatch):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Walmart sues.", "spans": [{"start": 0, "end": 7, "label": "Organization"}]}\n'
                   '{"text": "Broken", "spans": "not a list"}\n', encoding="utf-8")
    path = tmp_path / "p.annotator"
    Project(path).close()
    window = open_window(path)
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.interchange.jsonl_import.QMessageBox.warning",
                        lambda *args: warnings.append(args[2]))
    window.import_files(paths=[bad])
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "line 2" in warnings[0] and "nothing was imported" in warnings[0]
    assert window.project.documents.count() == 0
