"""File › Export: pick a format, see its exact columns and its first rows, then choose the file."""

from __future__ import annotations

import contextlib
import html
import json
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import RegexLexer
from pygments.lexers import JsonLdLexer, JsonLexer, XmlLexer
from pygments.token import Name, Number, Punctuation, String, Text, Whitespace
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.formats import FORMATS, ExportCancelled, describe_count, export, preview
from annotator.core.project import Project
from annotator.ui.common.plain_text import as_text
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, Report, run_with_progress

PREVIEW_ROWS = 5
PREVIEW_CHARS = 20_000  # a row can hold a whole article; past this the preview says it is cut
PREVIEW_LINE = 1_200  # longer lines show their start and end
PREVIEW_TEXT = 300  # a JSON Lines record's article text, shortened to this in the preview
ELISION = " … "
CUT_NOTE = "… (preview cut here; the file has all of it)"

# key -> (format, CSV kind, what the list shows, what it is for). Keys are what the dialog reports.
CHOICES: dict[str, tuple[str, str, str, str]] = {
    "annotations": ("csv", "annotations", "Annotations (CSV)",
                    "One row per tag, with offsets, text, roles and attributes."),
    "documents": ("csv", "documents", "Documents (CSV)", "One row per article, with its full text and memo."),
    "entities": ("csv", "entities", "Entities (CSV)", "The registry, with aliases and mention counts."),
    "memos": ("csv", "memos", "Memos (CSV)", "Every note on annotations, documents, entities and labels."),
    "matrix": ("matrix", "annotations", "Document × label matrix (counts)",
               "One row per document, one column per label: how many times the document uses it."),
    "matrix-binary": ("matrix-binary", "annotations", "Document × label matrix (0/1)",
                      "One row per document, one column per label: 1 if the document uses it, else 0."),
    "coding": ("coding", "annotations", "Document coding table (SPSS, R, Stata)",
               "One row per document, one variable per column: metadata, label counts, and the targets "
               "of each whole-document stance."),
    "jsonl": ("jsonl", "annotations", "JSON Lines (spaCy, Prodigy)",
              "One document per line: text, metadata and spans with code-point offsets, for NLP training."),
    "webanno": ("webanno", "annotations", "W3C Web Annotation (JSON-LD)",
                "Every annotation with a TextQuoteSelector and a TextPositionSelector, for the open web."),
    "qdpx": ("qdpx", "annotations", "REFI-QDA project (.qdpx)",
             "The whole project for MAXQDA, ATLAS.ti, NVivo or QualCoder."),
    "qdc": ("qdc", "annotations", "REFI-QDA codebook (.qdc)", "The codebook for other QDA programs."),
}
FILE_FILTERS = {".csv": "CSV files (*.csv)", ".jsonl": "JSON Lines (*.jsonl)", ".jsonld": "JSON-LD (*.jsonld)",
                ".qdpx": "REFI-QDA projects (*.qdpx)", ".qdc": "REFI-QDA codebooks (*.qdc)"}


def shortened(text: str, json_lines: bool = False) -> str:
    """The preview as shown: long lines keep their start and end, and the whole stops near PREVIEW_CHARS.

    In JSON Lines an article's text would fill its line; the text is shortened
    instead, so each record stays valid JSON with its spans in view.
    """
    half = PREVIEW_LINE // 2
    lines = text.replace("\r\n", "\n").split("\n")
    if json_lines:
        lines = [_shorten_record(line) for line in lines]
    else:
        lines = [line if len(line) <= PREVIEW_LINE else line[:half] + ELISION + line[-half:] for line in lines]
    text = "\n".join(lines)
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rsplit("\n", 1)[0] + "\n" + CUT_NOTE + "\n"
    return text


def _shorten_record(line: str) -> str:
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if isinstance(record, dict) and isinstance(record.get("text"), str) and len(record["text"]) > PREVIEW_TEXT:
        half = PREVIEW_TEXT // 2
        record["text"] = record["text"][:half] + ELISION + record["text"][-half:]
    return json.dumps(record, ensure_ascii=False)


class CsvLexer(RegexLexer):
    """CSV as the exports write it: the header row stands out, quoted fields read as text values."""

    name = "CSV"
    aliases = ["csv"]
    tokens = {
        "root": [  # the header row; the first line break leads into the rows
            (r'"(?:[^"]|"")*"', Name.Tag),
            (r'[^,"\r\n]+', Name.Tag),
            (r",", Punctuation),
            (r"\r?\n", Whitespace, "rows"),
        ],
        "rows": [
            (r'"(?:[^"]|"")*"', String),
            (r"-?\d+(?:\.\d+)?(?=,|\r?\n|$)", Number),
            (r'[^,"\r\n]+', Text),
            (r",", Punctuation),
            (r"\r?\n", Whitespace),
        ],
    }


def highlighted(text: str, syntax: str) -> str:
    """The preview as HTML with inline colours, which QTextBrowser shows without a style sheet."""
    lexer = {"csv": CsvLexer, "xml": XmlLexer, "jsonld": JsonLdLexer}.get(syntax, JsonLexer)()
    page = highlight(text, lexer, HtmlFormatter(noclasses=True, nobackground=True))
    return page.replace("line-height: 125%;", "")  # Qt spaces every line of a <pre> by it; too airy


class ExportDialog(QDialog):
    """Formats on the left; on the right what the chosen one holds, its columns and its first rows."""

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Export")
        self.resize(980, 600)
        self._previews: dict[tuple[str, bool], tuple[list[str], str]] = {}
        self.formats = QListWidget(self)
        self.formats.setObjectName("exportFormats")
        self.choices: dict[str, QListWidgetItem] = {}
        for key, (name, _what, title, caption) in CHOICES.items():
            if not FORMATS[name].available():
                continue
            item = QListWidgetItem(title, self.formats)
            item.setData(Qt.UserRole, key)
            item.setToolTip(caption)
            self.choices[key] = item
        self.formats.setMaximumWidth(300)

        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.columns_title = QLabel(self)
        self.columns = QListWidget(self)
        self.columns.setObjectName("exportColumns")
        self.columns.setFlow(QListView.LeftToRight)
        self.columns.setWrapping(True)
        self.columns.setMaximumHeight(110)
        self.preview_title = QLabel(self)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("exportPreview")
        self.preview.setLineWrapMode(QTextBrowser.NoWrap)
        self.excel = QCheckBox("For Excel (adds a BOM so Korean shows; makes formulas inert)", self)
        self.excel_hint = QLabel("For pandas, R and SPSS leave this off: values are then exact.", self)
        self.excel_hint.setStyleSheet("color: palette(mid);")

        right = QVBoxLayout()
        for widget in (self.caption, self.columns_title, self.columns, self.preview_title, self.preview,
                       self.excel, self.excel_hint):
            right.addWidget(widget)
        body = QHBoxLayout()
        body.addWidget(self.formats)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Choose file…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

        self.formats.currentItemChanged.connect(lambda *_: self._show())
        self.excel.toggled.connect(lambda *_: self._show())
        self.formats.setCurrentItem(self.choices["annotations"])
        self.formats.setFocus()

    @property
    def what(self) -> str:
        """The chosen export, as a key of CHOICES."""
        item = self.formats.currentItem()
        return item.data(Qt.UserRole) if item is not None else "annotations"

    def choose(self, key: str) -> None:
        self.formats.setCurrentItem(self.choices[key])

    @property
    def for_excel(self) -> bool:
        return self.excel.isEnabled() and self.excel.isChecked()

    def _show(self) -> None:
        name, what, title, caption = CHOICES[self.what]
        fmt = FORMATS[name]
        self.caption.setText(f"<b>{html.escape(title)}</b><br>{html.escape(caption)}")
        self.excel.setEnabled(fmt.excel)
        self.excel_hint.setVisible(fmt.excel)
        try:
            columns, text = self._preview(name, what)
        except (OSError, ProjectError) as exc:
            self.columns.clear()
            self.columns_title.setText("Columns")
            self.preview_title.setText("Preview")
            self.preview.setPlainText(f"No preview: {exc}")
            return
        kind = {"csv": "Columns", "zip": "Files in the archive"}.get(fmt.syntax, "Fields")
        self.columns_title.setText(f"{kind} ({len(columns)}):" if columns else f"{kind}: none")
        self.columns.clear()
        self.columns.addItems(columns)
        rows = {"webanno": "annotations", "qdpx": "", "qdc": ""}.get(name, "rows")
        self.preview_title.setText(f"Preview (the first {PREVIEW_ROWS} {rows}):" if rows else "Preview:")
        text = shortened(text, json_lines=name == "jsonl")
        syntax = "jsonld" if name == "webanno" else ("xml" if fmt.syntax == "zip" else fmt.syntax)
        self.preview.setHtml(highlighted(text, syntax))

    def _preview(self, name: str, what: str) -> tuple[list[str], str]:
        key = (self.what, self.for_excel)
        if key not in self._previews:
            QApplication.setOverrideCursor(Qt.WaitCursor)
            try:
                self._previews[key] = preview(self.project, name, what, PREVIEW_ROWS, excel=self.for_excel)
            finally:
                QApplication.restoreOverrideCursor()
        return self._previews[key]


def export_to(window: Workbench, project: Project, what: str, out: Path, excel: bool) -> int | None:
    """Write the export chosen as `what` (a CHOICES key); the count written, or None if it failed or was cancelled.

    Runs on a worker thread behind a progress dialog that appears when an export
    takes a moment; the window stays live, and Cancel leaves any earlier file at
    `out` untouched and no new one.
    """
    name, kind, title, _caption = CHOICES[what]

    def work(worker: Project, report: Report) -> int | None:
        # One snapshot: the file shows the project as it was when the export began, even if
        # the analyst edits meanwhile. REFI-QDA export writes its id namespace the first time,
        # which a read snapshot could find outdated, so it reads as it always has.
        reading = worker.store.snapshot() if FORMATS[name].syntax not in ("xml", "zip") else contextlib.nullcontext()
        try:
            with reading:
                return export(worker, name, out, what=kind, excel=excel, on_progress=lambda rows: report(rows, 0, ""))
        except ExportCancelled:
            return None

    job = run_with_progress(window, project, work, title="Export", object_name="exportProgress",
                            label=lambda rows, _total, _what: f"Exporting {title}… {rows:,} rows so far")
    if job is None:
        return None
    if job.error is not None:
        if isinstance(job.error, EXPECTED_ERRORS):
            QMessageBox.warning(window, "Export failed",
                                as_text(f"Could not write {out}:\n{job.error}\n\nChoose another place and try again."))
        return None
    if job.result is None:
        _status(window, "Export cancelled; no file was written.")
        return None
    _status(window, f"Exported {describe_count(name, kind, job.result)} to {out}")
    return job.result


def run_export(window: Workbench, project: Project) -> None:
    dialog = ExportDialog(project, window)
    if dialog.exec() != QDialog.Accepted:
        return
    what, excel = dialog.what, dialog.for_excel
    suffix = FORMATS[CHOICES[what][0]].suffix
    suggested = Path.home() / f"{project.name}-{what}{suffix}"
    name, _ = QFileDialog.getSaveFileName(window, "Export", str(suggested),
                                          f"{FILE_FILTERS[suffix]};;All files (*)")
    if name:
        out = Path(name)
        export_to(window, project, what, out if out.suffix else out.with_name(out.name + suffix), excel)


def _status(window: Workbench, message: str) -> None:
    window.show_status(message, 10000)
