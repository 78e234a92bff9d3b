"""File › Export with several coders (issue 14, items 6 and 7): whose codes to export; one coder sees no choice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from annotator.core.project import Project
from annotator.core.team.adjudication import take_agreed
from annotator.ui.interchange.export_dialog import ExportDialog
from tests.support import span_of

TEXT = "Walmart left AWS on Monday. 월마트는 아마존을 떠났다."


@pytest.fixture
def team_path(tmp_path: Path) -> Path:
    path = tmp_path / "team.annotator"
    with Project(path) as p:
        doc = p.documents.add(title="기사", text=TEXT)
        org = p.codebook.by_name("Organization")
        for coder, words in (("Kim", ["Walmart", "AWS"]), ("이지은", ["Walmart", "월마트", "아마존"])):
            p.annotations.annotator = coder
            for word in words:
                p.annotations.add(doc, org, *span_of(TEXT, word))
        take_agreed(p, doc)  # Walmart, which both marked, goes into gold
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def export_through_the_menu(window, qtbot, monkeypatch, out: Path, choose) -> None:
    """File › Export…: choose(dialog) sets it up, then Choose file… writes to out."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(out), ""))

    def drive(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ExportDialog):
            if tries:
                QTimer.singleShot(20, lambda: drive(tries - 1))
            return
        try:
            choose(dialog)
            dialog.accept()
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, drive)
    window.export()


def test_one_coder_s_codes_pass_through_to_the_file(open_window, team_path, qtbot, monkeypatch, tmp_path):
    window = open_window(team_path)
    out = tmp_path / "kim.csv"
    previews = []

    def choose(dialog: ExportDialog) -> None:
        assert dialog.whose.isVisible()
        assert [dialog.whose.itemText(i) for i in range(dialog.whose.count())] == [
            "All coders (a coder column tells them apart)", "Kim", "이지은", "Gold (the adjudicated codes)"]
        dialog.choose_coder("Kim")
        previews.append(dialog.preview.toPlainText())

    export_through_the_menu(window, qtbot, monkeypatch, out, choose)
    written = rows(out)
    assert sorted(r["text"] for r in written) == ["AWS", "Walmart"]  # Kim's two, nobody else's
    assert "coder" not in written[0]  # one coder's view, laid out as a one-coder project's
    assert "AWS" in previews[0] and "월마트" not in previews[0]  # the preview shows what the file holds


def test_gold_and_all_coders(open_window, team_path, qtbot, monkeypatch, tmp_path):
    window = open_window(team_path)
    gold, everyone = tmp_path / "gold.csv", tmp_path / "all.csv"
    export_through_the_menu(window, qtbot, monkeypatch, gold, lambda d: d.choose_coder(gold=True))
    assert [r["text"] for r in rows(gold)] == ["Walmart"]
    export_through_the_menu(window, qtbot, monkeypatch, everyone, lambda d: None)  # the default: every coder
    assert sorted((r["coder"], r["text"]) for r in rows(everyone)) == [
        ("Kim", "AWS"), ("Kim", "Walmart"), ("gold", "Walmart"), ("이지은", "Walmart"), ("이지은", "아마존"),
        ("이지은", "월마트")]


def test_a_codebook_export_offers_no_coder(open_window, team_path, qtbot):
    window = open_window(team_path)
    dialog = ExportDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.choose_coder("Kim")
    dialog.choose("qdc")
    assert not dialog.whose.isEnabled() and dialog.coder is None


def test_one_coder_sees_no_coder_choice(open_window, tmp_path, qtbot):
    path = tmp_path / "alone.annotator"
    with Project(path) as p:
        doc = p.documents.add(title="기사", text=TEXT)
        p.annotations.annotator = "Kim"
        p.annotations.add(doc, p.codebook.by_name("Organization"), *span_of(TEXT, "AWS"))
    window = open_window(path)
    dialog = ExportDialog(window.project, window)
    qtbot.addWidget(dialog)
    assert dialog.whose is None and dialog.findChild(object, "exportCoders") is None
    assert (dialog.coder, dialog.gold) == (None, False)
