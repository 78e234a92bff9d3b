"""File › Export: each format's exact columns and first rows, the Excel switch, and writing the file."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.core.interchange.formats import export, preview
from annotator.core.project import Project
from annotator.ui.interchange.export_dialog import (
    CHOICES,
    CUT_NOTE,
    ELISION,
    ExportDialog,
    export_to,
)
from tests.support import span_of
from tests.ui.driver import Driver
from tests.ui.test_worker import hold_export, press_cancel, when_visible

# The Web Annotation file's creation time, which differs between two renderings a second apart.
_GENERATED = re.compile(r'"generated": "[^"]*"')

MY_FORMATS = [key for key, (name, *_rest) in CHOICES.items() if name not in ("qdpx", "qdc")]


@pytest.fixture
def coded_path(seeded_path: Path) -> Path:
    """The seeds with a formula-like title, metadata and tags of every layer."""
    with Project(seeded_path) as p:
        first, second = p.documents.ids()[:2]
        p.documents.set_title(first, "=Walmart vs Amazon")
        p.metadata.set_many(first, {"outlet": "한겨레", "url": "https://news.example/1"})
        text = p.documents.text(first)
        p.annotations.add(first, p.codebook.by_name("Organization"), *span_of(text, "Walmart"))
        p.annotations.add(first, p.codebook.by_name("Claim"), *span_of(text, "Amazon"), note="+check")
        p.annotations.add(first, p.codebook.by_name("Favor"), target="Amazon")
        p.annotations.add(second, p.codebook.by_name("Against"), target="Walmart")
    return seeded_path


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


def click_format(dialog: ExportDialog, qtbot, key: str) -> None:
    item = dialog.choices[key]
    rect = dialog.formats.visualItemRect(item)
    qtbot.mouseClick(dialog.formats.viewport(), Qt.LeftButton, pos=rect.center())
    assert dialog.what == key


def displayed(dialog: ExportDialog) -> str:
    # The raw text keeps no-break spaces, which toPlainText turns into plain ones.
    return dialog.preview.document().toRawText().replace("\u2029", "\n").rstrip()


def assert_shows_the_start_of(shown: str, text: str) -> None:
    """Line for line the file's text, but for long lines shown by their start and end, and the cut."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    shown_lines = shown.split("\n")
    if shown_lines[-1] == CUT_NOTE:
        shown_lines.pop()
    else:
        assert len(shown_lines) == len(lines)
    assert 0 < len(shown_lines) <= len(lines)
    for line, original in zip(shown_lines, lines):
        if line != original.rstrip():
            head, elision, tail = line.partition(ELISION)
            assert elision and original.startswith(head) and original.endswith(tail) and len(head) > 100, line


def shown_columns(dialog: ExportDialog) -> list[str]:
    return [dialog.columns.item(i).text() for i in range(dialog.columns.count())]


def test_every_format_shows_its_exact_columns_and_first_rows(open_window, coded_path, qtbot, tmp_path):
    window = open_window(coded_path)
    dialog = ExportDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    for key in MY_FORMATS:
        click_format(dialog, qtbot, key)
        name, what, title, _caption = CHOICES[key]
        columns, text = preview(window.project, name, what, 5)
        assert shown_columns(dialog) == columns, key
        assert title in dialog.caption.text()
        if name != "jsonl":
            # A Web Annotation file says when it was made, to the second; the dialog's preview and
            # this one may fall on either side of a second boundary.
            shown, expected = (_GENERATED.sub('"generated": "…"', t) for t in (displayed(dialog), text))
            assert_shows_the_start_of(shown, expected)
        assert "color:#" in dialog.preview.toHtml()  # highlighted, not plain text
        if name in ("csv", "matrix", "matrix-binary", "coding"):
            full = tmp_path / f"{key}.csv"
            export(window.project, name, full, what=what)
            with open(full, encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f))
            assert shown_columns(dialog) == rows[0]  # the real file's header, column for column
            assert list(csv.reader(text.splitlines(keepends=True))) == rows[:6]  # header + first 5 rows
    click_format(dialog, qtbot, "jsonl")
    # One valid record per line; only each article's text is shortened, so the spans stay in view.
    shown = [json.loads(line) for line in displayed(dialog).split("\n")]
    real = [json.loads(line) for line in preview(window.project, "jsonl", rows=5)[1].splitlines()]
    assert [r["id"] for r in shown] == [r["id"] for r in real] == window.project.documents.ids()[:5]
    for record, original in zip(shown, real):
        assert record["text"] == original["text"] or (
            ELISION in record["text"] and original["text"].startswith(record["text"].split(ELISION)[0]))
        assert {k: v for k, v in record.items() if k != "text"} == {k: v for k, v in original.items() if k != "text"}
    assert [s["text"] for s in shown[0]["spans"]] == ["Walmart", "Amazon"]
    assert "spans[].start" in shown_columns(dialog) and dialog.columns_title.text().startswith("Fields")


def test_the_excel_switch_shows_its_effect_and_only_where_it_applies(open_window, coded_path, qtbot):
    window = open_window(coded_path)
    dialog = ExportDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    click_format(dialog, qtbot, "matrix")
    assert "\n1,=Walmart vs Amazon," in dialog.preview.toPlainText()
    qtbot.mouseClick(dialog.excel, Qt.LeftButton)
    assert dialog.for_excel and "\n1,'=Walmart vs Amazon," in dialog.preview.toPlainText()
    click_format(dialog, qtbot, "webanno")
    assert not dialog.excel.isEnabled() and not dialog.for_excel
    qtbot.keyClick(dialog.formats, Qt.Key_Up)  # the keyboard walks the list too
    assert dialog.what == "jsonl" and not dialog.excel.isEnabled()


def test_file_export_writes_the_chosen_format(open_window, coded_path, qtbot, tmp_path, monkeypatch):
    window = open_window(coded_path)
    ui = Driver(window)
    chosen = tmp_path / "corpus"  # no suffix typed: the format's is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(chosen), ""))

    def drive(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ExportDialog):
            if tries:
                QTimer.singleShot(20, lambda: drive(tries - 1))
            return
        try:
            click_format(dialog, qtbot, "jsonl")
            qtbot.keyClick(dialog.formats, Qt.Key_Return)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier)
    written = tmp_path / "corpus.jsonl"
    records = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    project = window.project
    assert [r["id"] for r in records] == project.documents.ids()
    first = records[0]
    assert first["title"] == "=Walmart vs Amazon" and first["meta"] == {"outlet": "한겨레", "url": "https://news.example/1"}
    assert [(s["label"], first["text"][s["start"]:s["end"]]) for s in first["spans"]] == [
        ("Organization", "Walmart"), ("Claim", "Amazon")]
    count = len(records)
    assert ui.status() == f"Exported {count} documents to {written}"


def test_cancelling_a_long_export_keeps_the_earlier_file(open_window, coded_path, qtbot, tmp_path, monkeypatch):
    window = open_window(coded_path)
    ui = Driver(window)
    project = window.project
    doc = project.documents.ids()[0]
    person = project.codebook.by_name("Person")
    for i in range(120):
        project.annotations.add(doc, person, i, i + 1)
    out = tmp_path / "annotations.csv"
    out.write_text("yesterday's export", encoding="utf-8")
    released = hold_export(monkeypatch)  # the export works on a worker thread: hold it while Cancel is pressed

    def cancel(dialog) -> bool:
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(window, qtbot, "exportProgress", cancel)
    assert export_to(window, project, "annotations", out, excel=False) is None
    assert out.read_text(encoding="utf-8") == "yesterday's export"
    assert ui.status() == "Export cancelled; no file was written."
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_a_place_that_cannot_be_written_is_explained(open_window, coded_path, tmp_path, warnings):
    window = open_window(coded_path)
    out = tmp_path / "no such folder" / "matrix.csv"
    assert export_to(window, window.project, "matrix", out, excel=True) is None
    assert len(warnings) == 1 and str(out) in warnings[0] and "Choose another place" in warnings[0]
    assert not out.parent.exists()
