"""The Coders control (issue 14, items 1 and 7): who is coding, blind coding by default in a team,
one other coder's codes to look at, every coder's told apart, and the gold layer written as gold;
a project of one coder looks as it always did."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from annotator.core.project import Project
from annotator.ui import tool_openers
from annotator.ui.common import settings

from .driver import Driver

TITLE = "What If Walmart"


def _coded_by(path, coder: str, phrase: str, label: str, occurrence: int = 1, *, stance: str | None = None) -> tuple:
    """Tag a phrase of the Walmart article as `coder`, as their own session would have; (start, end)."""
    with Project(path) as project:
        doc = next(d.id for d in project.documents.summaries() if d.title.startswith(TITLE))
        text = project.documents.text(doc)
        start = -1
        for _ in range(occurrence):
            start = text.index(phrase, start + 1)
        project.coders.current_name = coder
        project.annotations.add(doc, project.codebook.by_name(label), start, start + len(phrase))
        if stance is not None:
            project.annotations.add(doc, project.codebook.by_name("Against"), None, None, target=stance)
        return start, start + len(phrase)


def _as(name: str) -> None:
    settings.settings().setValue("preferences/annotator", name)


def test_a_team_project_shows_only_my_codes_by_default_and_says_who_is_coding(open_window, seeded_path):
    lee = _coded_by(seeded_path, "lee", "Amazon", "Organization", stance="Amazon")
    kim = _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    _as("kim")
    ui = Driver(open_window(seeded_path))
    ui.open(TITLE)

    assert ui.coder_caption() == "Coder: kim · showing my codes only"
    assert ui.labels_at(kim[0]) == ["Organization"]
    assert ui.labels_at(lee[0]) == []  # lee's highlight is not in sight while kim codes
    assert ui.annotation_rows() == ["Organization: Walmart"]
    assert ui.document_codes() == []  # nor lee's whole-document stance


def test_one_other_coder_is_shown_read_only_and_tagging_waits_for_my_codes(open_window, seeded_path):
    lee = _coded_by(seeded_path, "lee", "Amazon", "Organization")
    kim = _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)
    assert "lee's codes (read-only)" in ui.coder_choices()

    ui.choose_coders("lee's codes")

    assert ui.coder_caption() == "Coder: kim · showing lee's codes (read-only)"
    assert ui.labels_at(lee[0]) == ["Organization"] and ui.labels_at(kim[0]) == []
    assert ui.annotation_rows() == ["Organization: Amazon"]
    window.annotation_panel.view.setCurrentIndex(window.annotation_panel.model.index(0))
    assert not window.annotation_panel.details.isEnabled()
    assert "lee's (read-only)" in window.annotation_panel.details.title()
    ui.select_phrase("reports")
    ui.press(Qt.Key_P)
    assert "Showing lee's codes" in ui.status()
    assert window.project.annotations.count() == 2  # nothing was added to lee's codes


def test_all_coders_shows_both_told_apart_by_their_underline(open_window, seeded_path):
    lee = _coded_by(seeded_path, "lee", "Amazon", "Organization")
    kim = _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    both = _coded_by(seeded_path, "lee", "emerging row", "Event")
    _coded_by(seeded_path, "kim", "emerging row", "Event")
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)

    ui.choose_coders("All coders")

    assert ui.coder_caption() == "Coder: kim · showing all coders"
    assert ui.labels_at(lee[0]) == ["Organization"] and ui.labels_at(kim[0]) == ["Organization"]
    assert {ui.underline_at(lee[0]), ui.underline_at(kim[0])} == {QTextCharFormat.SingleUnderline,
                                                                   QTextCharFormat.DashUnderline}
    assert ui.underline_at(both[0]) == QTextCharFormat.WaveUnderline  # both coders tagged these words
    assert sorted(ui.annotation_rows()) == ["Event: emerging row  · kim", "Event: emerging row  · lee",
                                            "Organization: Amazon  · lee", "Organization: Walmart  · kim"]
    assert "lee: solid" in window.coders_control.button.toolTip()

    ui.choose_coders("My codes only")
    assert ui.underline_at(kim[0]) == QTextCharFormat.NoUnderline  # one coder's codes: no coder marks


def test_the_tags_column_counts_only_the_codes_shown(open_window, seeded_path):
    # Blind coding: the document list must not tell kim how much lee tagged.
    _coded_by(seeded_path, "lee", "Amazon", "Organization", stance="Amazon")
    _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    with Project(seeded_path) as project:
        doc = next(d.id for d in project.documents.summaries() if d.title.startswith(TITLE))
        total = len(project.annotations.spans_for_document(doc)) + len(project.annotations.document_level(doc))
    _as("kim")
    ui = Driver(open_window(seeded_path))
    ui.open(TITLE)

    assert ui.document_row(doc)[1] == 1  # kim's one tag
    ui.choose_coders("lee's codes")
    assert ui.document_row(doc)[1] == 2  # lee's tag and stance
    ui.choose_coders("All coders")
    assert ui.document_row(doc)[1] == total == 3


def test_the_gold_view_writes_edits_as_gold(open_window, seeded_path, qtbot):
    _coded_by(seeded_path, "lee", "Amazon", "Organization")
    _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)

    ui.choose_coders("Adjudicated")
    assert ui.coder_caption() == "Coder: gold (kim) · showing the adjudicated (gold) codes"
    assert ui.annotation_rows() == []
    ui.select_phrase("Webservice")
    ui.press(Qt.Key_P)

    project = window.project
    tagged = [a for a in project.annotations.iter_all() if a.text == "Webservice"]
    assert [project.coders.get(a.coder_id).is_gold for a in tagged] == [True]
    # The first gold code adds the gold layer: the view shows it once that edit has been followed.
    qtbot.waitUntil(lambda: ui.annotation_rows() == ["Person: Webservice"])
    assert ui.labels_at(tagged[0].start) == ["Person"]
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: ui.annotation_rows() == [])
    assert project.coders.writing_gold  # still the gold view: the next edit is gold again


def test_the_annotation_table_lists_only_the_codes_shown(open_window, seeded_path, qtbot):
    _coded_by(seeded_path, "lee", "Amazon", "Organization")
    _coded_by(seeded_path, "kim", "Walmart", "Organization", 2)
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)
    tool_openers.open_annotation_table(window)
    table = window.tool_window("annotation_table")
    texts = lambda: [table.model.index(r, table.model.TEXT).data() for r in range(table.model.rowCount())]  # noqa: E731
    assert texts() == ["Walmart"]
    ui.choose_coders("All coders")
    assert sorted(texts()) == ["Amazon", "Walmart"]


def test_a_project_of_one_coder_shows_no_coders_control_and_no_names(open_window, seeded_path):
    one = _coded_by(seeded_path, "kim", "Amazon", "Organization", stance="Amazon")
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)

    assert ui.coder_choices() is None  # no View › Coders
    assert ui.coder_caption() == "Coder: kim"  # who is coding is information, shown as always
    assert window.coders_control.button.menu() is None
    assert ui.annotation_rows() == ["Organization: Amazon"]  # no coder named on rows
    assert ui.document_codes() == ["Against toward Amazon"]
    assert ui.document_row(window.current_doc_id)[1] == 2  # the Tags column counts as always
    assert ui.underline_at(one[0]) == QTextCharFormat.NoUnderline
    assert "kim" not in window.reader._tooltip(window.reader.annotations_at(one[0]))
    assert ui.side_tab_titles() == ["Annotations", "Document", "Search"]  # no codesheet without variables


def test_a_project_of_one_coder_shows_a_former_name_s_codes_as_before(open_window, seeded_path):
    # Migrated projects sign old annotations with whatever name was set then: with one coder, all show.
    old = _coded_by(seeded_path, "login-name", "Amazon", "Organization")
    _as("kim")
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(TITLE)

    assert ui.labels_at(old[0]) == ["Organization"]
    window.annotation_panel.view.setCurrentIndex(window.annotation_panel.model.index(0))
    assert window.annotation_panel.details.isEnabled()  # and it can be edited as before
