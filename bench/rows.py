"""The table of issue 7: every row, its lines, units, targets and references.

A row is one function that fills one RowResult per line (search and the table
have sub-rows). It runs its warm-up and timed rounds, measures its reference in
the same run, checks that the work really happened, and sets `checked`; a failed
check raises CheckFailed and the row is reported as FAILED. Targets are printed
beside the figures and summarised at the end; they never decide pass or fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .common import Context
from .report import RowResult


@dataclass(frozen=True)
class Line:
    label: str
    title: str
    unit: str
    target: float | None
    reference: str
    target_ratio: float | None = None  # "at most N times the reference" (issue 17's start-up target)


@dataclass(frozen=True)
class Row:
    key: str
    run: Callable[[Context, list[RowResult]], None]
    lines: Callable[[Context], list[Line]]


def _startup(ctx: Context) -> list[Line]:
    s = ctx.spec
    return [Line("1", f"startup: process start to main window shown and idle ({s.documents:,} documents, "
                      f"{s.annotations:,} annotations)", "ms", 500,
                 "spawn to idle of `python -m bench.probe_startup --bare`: QMainWindow + QPlainTextEdit",
                 target_ratio=2.5)]


def _open(ctx: Context) -> list[Line]:
    s = ctx.spec
    return [Line("2", f"open: document 1 ({s.big_chars:,} characters, {s.big_annotations:,} annotations), "
                      "first paint", "ms", 100,
                 "QPlainTextEdit.setPlainText + a minimal QSyntaxHighlighter over the same spans sorted by "
                 "start (bisect per block) + repaint")]


def _dense(ctx: Context) -> list[Line]:
    s = ctx.dense_spec
    what = f"document 1 of {s.big_chars:,} characters carrying {s.big_annotations:,} annotations"
    return [Line("2b", f"open dense: {what}, open_document to first paint", "ms", 100,
                 "QPlainTextEdit.setPlainText of the same text + repaint, no highlights"),
            Line("2c", f"open dense: resident memory one second after {what} was painted", "MB", 300,
                 "resident set of the bare QMainWindow + QPlainTextEdit child")]


def _tag(ctx: Context) -> list[Line]:
    return [Line("3", "tag: key press on a selection in document 1 to committed row and repainted highlight",
                 "ms", 5, "one INSERT + COMMIT in a scratch table, sqlite3 WAL, synchronous=NORMAL like the app")]


def _import(ctx: Context) -> list[Line]:
    s = ctx.spec
    raw = "the same files read and inserted with sqlite3 executemany into a plain table (no index), in a child"
    return [Line("4a", f"import: {s.documents:,} plain-text article files into a new project, full-text indexed",
                 "s", 40, raw),
            Line("4b", "import: peak resident memory of the importing process (first/last in the notes)", "MB",
                 None, "peak resident memory of that reference child")]


def _bigfile(ctx: Context) -> list[Line]:
    return [Line("4c", "import: one big plain-text file (48 MiB; 4 MiB with --quick), peak memory growth "
                 "over the file's size", "x", 8, "the same growth for the raw reference: read the file, insert its text into a plain "
                 "table (no index, no checks), over its own start")]


def _search(ctx: Context) -> list[Line]:
    raw = "raw `SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 50`, same query"
    return [Line("5a", "search: common word, first page of 50 documents with hits in context", "ms", 50, raw),
            Line("5b", "search: rare word, first page in context", "ms", 50, raw),
            Line("5c", "search: two-word phrase, first page in context", "ms", 50, raw)]


def _export(ctx: Context) -> list[Line]:
    import shutil

    title = f"export: CSV of all {ctx.spec.annotations:,} annotations (what `annotator export` runs)"
    lines = [Line("6", title, "ms", 3000, "csv.writer alone writing the same rows, pre-fetched into a list, to a file")]
    if shutil.which("sqlite3"):  # without the shell, row 6's notes say the second reference was skipped
        lines.append(Line("6b", "export: the same runs, against the sqlite3 shell", "ms", None,
                          "`sqlite3 -csv project QUERY > file` on the export's own query, then fsync of the "
                          "file; runs interleaved with the export's"))
    return lines


def _export_memory(ctx: Context) -> list[Line]:
    n = f"{ctx.spec.annotations:,}"
    reference = "peak growth of the CSV export of the same archive, in a child of its own"
    return [Line(label, f"export memory: {title} of all {n} annotations, peak growth over the open project",
                 "MB", None, reference)
            for label, title in (("6c", "JSON Lines"), ("6d", "W3C Web Annotation"), ("6e", "REFI-QDA .qdpx"))]


def _memory(ctx: Context) -> list[Line]:
    return [Line("7", "memory: resident set with the archive open in the main window, document 1 painted",
                 "MB", 300, "resident set of the bare QMainWindow + QPlainTextEdit child")]


def _table(ctx: Context) -> list[Line]:
    n = f"{ctx.spec.annotations:,}"
    return [Line("8a", f"table: {n} annotations, jump to the last row (scrollToBottom, visible rows)", "ms", 100,
                 "raw SQLite: the last 200 rows in reading order with their joins"),
            Line("8b", f"table: {n} annotations, filter by label, first page", "ms", 100,
                 "raw SQLite: count of the label's rows + its first 200 in reading order (reading-order "
                 "index, label tested per row)")]


def _agreement(ctx: Context) -> list[Line]:
    from .rows_team import CODERS, SPANS_PER_DOCUMENT, documents_for

    n = documents_for(ctx)
    return [Line("9", f"agreement: every figure of one layer and 3 variables, {n:,} documents x {len(CODERS)} coders "
                      f"x {SPANS_PER_DOCUMENT} spans each", "s", 2,
                 f"the krippendorff package alone: nominal alpha of the {n * SPANS_PER_DOCUMENT:,} spans' labels "
                 "(units x coders matrix built beforehand)")]


def _agreement_project(ctx: Context) -> list[Line]:
    from .rows_team import CODERS, SPANS_PER_DOCUMENT, documents_for

    n = documents_for(ctx)
    return [Line("9b", f"agreement from a project: `annotator agreement`'s every figure, matrix, document table "
                       f"and disagreements, {n:,} documents x {len(CODERS)} coders x {SPANS_PER_DOCUMENT} spans "
                       "each, project open", "s", 2,
                 "row 9's math alone (every label and layer figure and 3 variables) on the same spans and "
                 "answers, already in memory")]


def _merge(ctx: Context) -> list[Line]:
    from .rows_merge import SPANS_PER_DOCUMENT, documents_for

    n = documents_for(ctx)
    return [Line("10", f"merge: a coder's file of {n:,} documents ({n * SPANS_PER_DOCUMENT:,} annotations, "
                       f"{3 * n:,} answers) into the project", "s", 10,
                 "raw SQLite: ATTACH the coder's file and INSERT ... SELECT its rows, ids offset, nothing checked")]


def _shared(ctx: Context) -> list[Line]:
    from .rows_shared import CODERS, seconds_for

    team = f"{CODERS} coders tag one shared project for {seconds_for(ctx):g} s"
    return [Line("11a", f"shared: {team} (local server, socket), tags committed per second", "tags/s", None,
                 "psycopg alone: 20 connections each INSERT + COMMIT one row at a time into a plain table, "
                 "rows per second over 3 s"),
            Line("11b", f"shared: {team}, p50 from commit to another client reading the tag", "ms", None,
                 "psycopg alone: pg_notify on one connection to another LISTENing, p50 of 200 round trips"),
            Line("11c", f"shared: {team}, p99 from commit to another client reading the tag", "ms", 250,
                 "the same round trips, p99")]


def _charts(ctx: Context) -> list[Line]:
    from .rows_charts import CHARTS

    n = f"{ctx.spec.documents:,} documents, {ctx.spec.annotations:,} annotations"
    return [Line(f"12{chr(ord('a') + i)}", f"chart {kind}: its numbers and the drawn figure, {n}", "ms", 1000,
                 f"raw SQLite: {what} (the bare GROUP BY of the same rows, no filter, nothing drawn)")
            for i, (kind, what, _) in enumerate(CHARTS)]


def rows() -> list[Row]:
    # Imported here so `python -m bench --help` stays quick.
    from .rows_data import row_export, row_search
    from .rows_gui import row_dense, row_open, row_table, row_tag
    from .rows_process import row_bigfile, row_export_memory, row_import, row_memory, row_startup
    from .rows_charts import row_charts
    from .rows_merge import row_merge
    from .rows_shared import row_shared
    from .rows_team import row_agreement, row_agreement_project

    return [
        Row("startup", row_startup, _startup),
        Row("open", row_open, _open),
        Row("dense", row_dense, _dense),
        Row("tag", row_tag, _tag),
        Row("import", row_import, _import),
        Row("bigfile", row_bigfile, _bigfile),
        Row("search", row_search, _search),
        Row("export", row_export, _export),
        Row("export-memory", row_export_memory, _export_memory),
        Row("memory", row_memory, _memory),
        Row("table", row_table, _table),
        Row("agreement", row_agreement, _agreement),
        Row("agreement-project", row_agreement_project, _agreement_project),
        Row("merge", row_merge, _merge),
        Row("shared", row_shared, _shared),
        Row("charts", row_charts, _charts),
    ]


ROW_KEYS = ["startup", "open", "dense", "tag", "import", "bigfile", "search", "export", "export-memory", "memory",
            "table", "agreement", "agreement-project", "merge", "shared", "charts"]
