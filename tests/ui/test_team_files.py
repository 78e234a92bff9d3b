"""File › Export for a coder… and File › Merge coder's project… (issue 14, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from annotator.core.project import Project
from annotator.core.team.handout import handout, sample_ids
from annotator.ui.team.team_files import HandoutDialog, hand_out, merge_coders
from tests.core.test_team_merge import build_lead
from tests.support import codes_dump, dump, span_of
from tests.ui.driver import Driver


@pytest.fixture
def lead_path(tmp_path: Path) -> Path:
    path = tmp_path / "lead.annotator"
    build_lead(path)
    return path


def file_menu_entry(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def message_box(name: str) -> QMessageBox:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.objectName() == name
                and w.isVisible())


def coded_by(path: Path, coder: str, word_of_doc: dict[int, str]) -> None:
    """The coder tags one word in each given document of their file and answers its topic."""
    with Project(path, create=False) as mine:
        assert mine.coders.current_name == coder
        org = mine.codebook.by_name("Organization")
        for doc, word in word_of_doc.items():
            mine.annotations.add(doc, org, *span_of(mine.documents.text(doc), word))
            mine.codesheet.set(doc, "topic", 1)


def test_the_menu_has_both_entries(open_window, lead_path):
    window = open_window(lead_path)
    assert file_menu_entry(window, "Export for a coder…") and file_menu_entry(window, "Merge coder's project…")


def test_a_coder_s_sample_is_written_with_the_seed_and_nobody_s_codes(open_window, lead_path, tmp_path, qtbot):
    window = open_window(lead_path)
    project = window.project
    project.annotations.add(1, project.codebook.by_name("Organization"), 0, 3)  # the lead's own code stays home
    dialog = HandoutDialog(project, None, window)
    qtbot.addWidget(dialog)
    dialog.coder.setText("이지은")
    dialog.size.setValue(3)  # choosing a size picks the sample
    dialog.seed.setText("14")
    assert dialog.sampled.isChecked() and dialog.options() == {"sample": 3, "seed": "14"}
    dialog.accept()
    out = tmp_path / "jieun.annotator"
    made = hand_out(window, dialog=dialog, out=out)
    assert made is not None and made.path == out
    with Project(out, create=False) as mine:
        assert mine.coders.current_name == "이지은"
        assert [c.name for c in mine.coders.list()] == ["이지은"]
        assert mine.annotations.count() == 0
        assert mine.documents.ids() == sample_ids(project, 3, "14")
    box = message_box("handoutDone")
    assert "seed 14" in box.text() and "3 documents" in box.text()
    box.close()


def test_a_handout_refused_by_the_core_says_why_and_writes_nothing(open_window, lead_path, tmp_path, qtbot,
                                                                   monkeypatch):
    window = open_window(lead_path)
    out = tmp_path / "taken.annotator"
    out.write_text("someone's work")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: warned.append(text))
    dialog = HandoutDialog(window.project, None, window)
    qtbot.addWidget(dialog)
    dialog.coder.setText("Ann")
    dialog.accept()
    assert hand_out(window, dialog=dialog, out=out) is None
    assert warned == [f"{out} is already a file; choose a new file name (a coder's file is never overwritten, "
                      "it may hold their work)."]
    assert out.read_text() == "someone's work"


def test_a_coder_needs_a_name(open_window, lead_path, qtbot):
    window = open_window(lead_path)
    dialog = HandoutDialog(window.project, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._accept()
    assert dialog.result() != QDialog.Accepted and "Give the coder's name" in dialog.problem.text()


def test_the_listed_documents_are_offered_when_the_list_is_filtered(open_window, lead_path, qtbot):
    window = open_window(lead_path)
    window.doc_filter.title.setText("Election")
    window.doc_filter.apply()
    dialog = HandoutDialog(window.project, window.doc_model.query, window)
    qtbot.addWidget(dialog)
    assert dialog.in_list.isEnabled() and dialog.in_list.text() == "The 1 documents the document list shows"
    dialog.in_list.setChecked(True)
    assert dialog.options() == {"documents": [2]}


def test_merging_two_coders_files_shows_their_codes_and_one_undo_takes_them_back(open_window, lead_path, tmp_path):
    with Project(lead_path, create=False) as p:
        ann = handout(p, "Ann", tmp_path / "ann.annotator").path
        bo = handout(p, "Bo", tmp_path / "bo.annotator").path
    coded_by(ann, "Ann", {1: "Ministry", 2: "Busan"})
    coded_by(bo, "Bo", {1: "Finance"})
    window = open_window(lead_path)
    project = window.project
    ui = Driver(window)
    ui.open("Finance")
    before = dump(project)
    assert ui.document_row(1)[1] in (0, "0", "")
    report = merge_coders(window, [ann, bo])
    assert (report.coders["Ann"].annotations, report.coders["Bo"].annotations) == (2, 1)
    codes = codes_dump(project)
    assert sorted(row[0] for row in codes["coders"]) == ["Ann", "Bo"]
    # The window follows: the Coders control now offers every coder's codes, and the open document
    # shows both coders' highlights there; the list counts them.
    ui.choose_coders("All coders")
    text = ui.text()
    assert ui.labels_at(text.index("Ministry")) == ["Organization"]
    assert ui.labels_at(text.index("Finance")) == ["Organization"]
    assert str(ui.document_row(1)[1]) == "2"
    box = message_box("mergeReport")
    assert box.text() == "Merged 2 files; Edit › Undo takes the merge back."
    assert box.informativeText().startswith("Ann: 2 annotations")
    box.close()
    stack = window.ops.undo_stack
    assert stack.undoText() == "Merge 2 coders' files"
    stack.undo()
    assert dump(project) == before
    assert ui.labels_at(text.index("Ministry")) == []
    stack.redo()
    ui.choose_coders("All coders")
    assert ui.labels_at(text.index("Finance")) == ["Organization"]
    assert codes_dump(project) == codes


def test_a_refused_merge_shows_the_whole_message_and_changes_nothing(open_window, lead_path, tmp_path):
    with Project(lead_path, create=False) as p:
        ann = handout(p, "Ann", tmp_path / "ann.annotator").path
    with Project(ann, create=False) as mine:
        mine.codebook.add_label("Irony", "claim", key="I", color="#123456")
    window = open_window(lead_path)
    project = window.project
    project.codebook.add_label("Irony", "stance", key="Y", color="#654321")
    before, steps = dump(project), window.ops.undo_stack.count()
    assert merge_coders(window, [ann]) is None
    box = message_box("mergeRefused")
    assert box.text().startswith("The files conflict with the project, so nothing was merged: the label 'Irony' is "
                                 "in the Claim layer in ann.annotator but in the Stance layer in the project")
    assert box.text().endswith("then merge again.")
    box.close()
    assert dump(project) == before and window.ops.undo_stack.count() == steps
