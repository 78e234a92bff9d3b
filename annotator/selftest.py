"""`annotator --selftest`: proves an installed copy works end to end, without a display.

An installer can succeed and still leave an app that cannot find its seeds, its
codebook or a Qt plugin. This runs the path an analyst takes on first launch --
seeds in, a span of each layer tagged (one through the reader with a key), CSV out
and read back, a chart with Korean text drawn as SVG, PNG and PDF -- in a throwaway
folder, so it never touches the analyst's own data.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

from annotator.core.corpus.importing import import_seeds
from annotator.core.interchange.tables import export_annotations
from annotator.core.project import Project

EXPECTED_DOCUMENTS = 5
# The stance target the chart check draws: Hangul, as many analysts' targets are.
KOREAN_TARGET = "자체 시험"
# A hung modal dialog offscreen would wait forever; a self-test must always answer.
WATCHDOG_SECONDS = 120


class SelftestFailed(Exception):
    """One check failed; its message is the reason printed after FAILED."""


def run_selftest() -> int:
    """Run every check; print one result line and return the exit code (0 ok, 1 failed)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    watchdog = threading.Timer(WATCHDOG_SECONDS, _give_up)
    watchdog.daemon = True
    watchdog.start()
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="annotator-selftest-") as folder:
            documents, annotations = _check_everything(Path(folder))
    except Exception as exc:  # any failure, however odd, must become the one FAILED line
        print(f"annotator selftest: FAILED: {_describe(exc)}", flush=True)
        return 1
    finally:
        watchdog.cancel()
    elapsed = round((time.perf_counter() - started) * 1000)
    print(f"annotator selftest: ok ({documents} documents, {annotations} annotations, {elapsed} ms)", flush=True)
    return 0


def _check_everything(folder: Path) -> tuple[int, int]:
    # The window writes settings and logs under ANNOTATOR_HOME; keep them in the throwaway folder.
    previous_home = os.environ.get("ANNOTATOR_HOME")
    os.environ["ANNOTATOR_HOME"] = str(folder / "home")
    try:
        path = folder / "selftest.annotator"
        doc_id = _tag_each_layer_in_core(path)
        _tag_through_the_reader(path, doc_id)
        _check_shared_project_driver()
        _check_compiled_modules()
        _check_web_page()
        counts = _check_csv_export(path, folder / "annotations.csv")
        _check_charts(path, folder)
        return counts
    finally:
        if previous_home is None:
            os.environ.pop("ANNOTATOR_HOME", None)
        else:
            os.environ["ANNOTATOR_HOME"] = previous_home


def _words(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in re.finditer(r"\w{3,}", text)]


def _tag_each_layer_in_core(path: Path) -> int:
    with Project(path) as project:
        report = import_seeds(project)
        if len(report.imported) != EXPECTED_DOCUMENTS:
            reasons = "; ".join(f"{o.path}: {o.status} {o.reason}" for o in report.outcomes if o.status != "imported")
            why = f" ({reasons})" if reasons else "; are the seeds missing from this installation?"
            raise SelftestFailed(f"imported {len(report.imported)} of {EXPECTED_DOCUMENTS} seed articles{why}")
        doc_id = report.imported[0].document_id
        words = _words(project.documents.text(doc_id))
        if len(words) < 8:
            raise SelftestFailed("the first seed article has too few words to tag")
        book = project.codebook
        for layer in ("entity", "claim", "stance"):
            if not [label for label in book.in_layer(layer) if not label.is_group]:
                raise SelftestFailed(f"the default codebook has no {layer} label")
        entity = next(label for label in book.in_layer("entity") if not label.is_group)
        claim = next(label for label in book.in_layer("claim") if not label.is_group)
        stance = next(label for label in book.in_layer("stance") if not label.is_group)
        project.annotations.add(doc_id, entity, *words[0])
        project.annotations.add(doc_id, claim, words[1][0], words[3][1])
        project.annotations.add(doc_id, stance, *words[4], target=KOREAN_TARGET)
        return doc_id


def _tag_through_the_reader(path: Path, doc_id: int) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from annotator.ui.app import create_app
    from annotator.ui.main_window import MainWindow

    app = create_app()
    window = MainWindow(Project(path))
    try:
        window.show()
        app.processEvents()
        rows = [row for row in range(window.doc_model.rowCount()) if window.doc_model.document_id(row) == doc_id]
        if not rows:
            raise SelftestFailed("the window's document list does not show the imported article")
        window.doc_view.selectRow(rows[0])
        app.processEvents()
        if window.current_doc_id != doc_id:
            raise SelftestFailed("selecting the article in the list did not open it in the reader")
        label = next((la for la in window.project.codebook.in_layer("entity") if la.key and not la.is_group), None)
        if label is None:
            raise SelftestFailed("no entity label has a key to tag with")
        start, end = _words(window.project.documents.text(doc_id))[6]
        window.reader.select_span(start, end)
        window.reader.setFocus()
        key = getattr(Qt.Key, f"Key_{label.key}")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(window.reader, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, label.key.lower()))
        app.processEvents()
        tagged = [a for a in window.project.annotations.for_document(doc_id)
                  if a.label_id == label.id and (a.start, a.end) == (start, end)]
        if not tagged:
            raise SelftestFailed(f"pressing {label.key} on a selection in the reader tagged nothing")
    finally:
        window.close()
        if window.project is not None:
            window.project.close()
        window.deleteLater()
        app.processEvents()


def _check_shared_project_driver() -> None:
    """Shared projects need psycopg with the libpq it ships: an installer that left it out fails here."""
    try:
        import psycopg

        from annotator.core.store.pg.dialect import translate
    except ImportError as exc:
        raise SelftestFailed(f"the PostgreSQL driver for shared projects is missing ({exc})") from exc
    if psycopg.pq.version() < 100000:
        raise SelftestFailed(f"the PostgreSQL client library is too old ({psycopg.pq.version()})")
    if translate("SELECT id FROM labels WHERE name = ?") != "SELECT id FROM labels WHERE name = %s":
        raise SelftestFailed("shared projects' SQL translation gives the wrong statement")


# A saved news page from a site with a short name: the article extractor then reads the public-suffix
# table (tld's data) to tell the site's domain, and without it found no article at all.
_PARAGRAPHS = "".join(
    f"<p>{i}. 항만 노동자들은 항만공사가 임금을 올리고 크레인 기사를 더 뽑기로 합의한 뒤 파업을 끝내기로 했다.</p>"
    for i in range(1, 7))
WEB_PAGE = f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>항만 파업 끝나 | 연합뉴스</title>
<meta property="og:url" content="https://www.yna.co.kr/view/AKR20170804000100001"></head>
<body><nav><a href="/">홈</a></nav><article><h1>항만 노동자들 파업 끝내</h1>{_PARAGRAPHS}</article>
<footer>Copyright 연합뉴스</footer></body></html>"""


def _check_web_page() -> None:
    """Saved web pages import: the extractor's settings, word lists and URL tables are in this installation."""
    from annotator.core.common.errors import ImportRefused
    from annotator.core.corpus.extract.html import read_html

    try:
        text = read_html(WEB_PAGE.encode("utf-8")).text
    except ImportRefused as exc:
        raise SelftestFailed(f"a saved web page did not import: {exc}") from exc
    if "6. 항만 노동자들은" not in text:
        raise SelftestFailed("a saved web page imported without its article text")


def _check_compiled_modules() -> None:
    """In an installer's bundle, every compiled module it carries loads. The build strips them and
    leaves out libraries nothing seems to need (packaging/annotator.spec): one broken by that fails
    here, not the day an analyst first reaches the feature behind it."""
    import importlib
    import importlib.machinery

    if not getattr(sys, "frozen", False):
        return
    root = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    suffixes = [s for s in importlib.machinery.EXTENSION_SUFFIXES if s not in (".so", ".pyd")]
    failed = []
    for path in sorted(root.rglob("*")):
        suffix = next((s for s in suffixes if path.name.endswith(s)), None)
        if suffix is None or path.name.startswith("readline."):  # readline may write to the terminal
            continue
        parts = path.relative_to(root).parts
        folder = [] if "lib-dynload" in parts else list(parts[:-1])  # the standard library's are top-level
        name = ".".join([*folder, path.name[:-len(suffix)]])
        try:
            importlib.import_module(name)
        except Exception as exc:  # ImportError, or an OSError from a library's loader
            failed.append(f"{name} ({_describe(exc)})")
    if failed:
        raise SelftestFailed(f"{len(failed)} compiled modules do not load: {'; '.join(failed[:3])}")


def _check_csv_export(path: Path, out: Path) -> tuple[int, int]:
    with Project(path) as project:
        written = export_annotations(project, out)
        texts = {doc_id: project.documents.text(doc_id) for doc_id in project.documents.ids()}
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != written or len(rows) != 4:
        raise SelftestFailed(f"the CSV export has {len(rows)} rows; expected 4")
    layers = {row["layer"] for row in rows}
    if layers != {"entity", "claim", "stance"}:
        raise SelftestFailed(f"the CSV export has layers {sorted(layers)}; expected entity, claim and stance")
    for row in rows:
        text = texts[int(row["document_id"])]
        if row["text"] != text[int(row["start"]):int(row["end"])]:
            raise SelftestFailed(f"CSV row {row['annotation_id']}: its text is not the document's text at "
                                 f"{row['start']}-{row['end']}")
    return len(texts), len(rows)


def _check_charts(path: Path, folder: Path) -> None:
    """Charts (issue 16) need matplotlib, numpy, Pillow (PNG) and fontTools (PDF fonts), and a font with
    Hangul: an installer that left one out, or a system without such a font, fails here."""
    import warnings
    import xml.etree.ElementTree as ET

    from annotator.core.charts import draw
    from annotator.core.charts.data import chart_data

    with Project(path) as project:
        data = chart_data(project, "stance-targets")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg, png, pdf = (draw.save(data, folder / f"chart.{kind}") for kind in ("svg", "png", "pdf"))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise SelftestFailed(f"charts cannot show Korean text ({missing[0]}); install a font with Hangul, "
                             "such as Noto Sans CJK (fonts-noto-cjk)")
    if KOREAN_TARGET not in "".join(ET.parse(svg).getroot().itertext()):
        raise SelftestFailed(f"the SVG chart does not show the stance target {KOREAN_TARGET}")
    head = png.read_bytes()[:24]
    size = (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))
    if head[:8] != b"\x89PNG\r\n\x1a\n" or size != (draw.WIDTH, draw.HEIGHT):
        raise SelftestFailed(f"the PNG chart is not a {draw.WIDTH}x{draw.HEIGHT} PNG")
    document = pdf.read_bytes()
    if not document.startswith(b"%PDF") or b"/FontFile" not in document:
        raise SelftestFailed("the PDF chart has no embedded font")


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _give_up() -> None:
    print(f"annotator selftest: FAILED: no answer within {WATCHDOG_SECONDS} s (a dialog or the event loop hung)",
          flush=True)
    os._exit(1)
