"""Rows that run the core without a window: full-text search (5) and CSV export (6)."""

from __future__ import annotations

import csv
import gc
import io
import os
import random
import sqlite3
import subprocess
import unicodedata

from . import archive
from .common import Context, check, discard
from .report import RowResult

RARE_WORD = "ombudsman"  # not in the seed vocabulary: only the documents planted below carry it
RARE_DOCUMENTS = 3
RARE_PER_DOCUMENT = 2
FTS_PAGE = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 50"


def _fold(text: str) -> str:
    """What the index compares: case and diacritics aside (unicode61 remove_diacritics 2)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _squash(text: str) -> str:
    return " ".join(text.replace("…", " ").split())


# -- 5. full-text search, first page of keyword-in-context results ----------------------------


def _plant_rare_word(project) -> list[int]:
    """RARE_DOCUMENTS new articles that mention RARE_WORD, added through the core like an import."""
    rng = random.Random(5)
    latin, _korean = archive.vocabulary()
    check(RARE_WORD not in {_fold(w) for w in latin}, f"{RARE_WORD!r} is in the seed vocabulary; pick another")
    ids = []
    for n in range(RARE_DOCUMENTS):
        paragraphs = archive.article(rng, latin, 2400).split("\n\n")
        for k in range(RARE_PER_DOCUMENT):
            where = (k + 1) * len(paragraphs) // (RARE_PER_DOCUMENT + 1)
            paragraphs[where] += f" The {RARE_WORD} declined to comment."
        with project.store.write(undoable=False):
            ids.append(project.documents.add(title=f"Rare word report {n + 1}", text="\n\n".join(paragraphs),
                                             source=f"bench/rare-{n + 1}.txt", encoding="utf-8"))
    return ids


def _check_page(project, page, query: str, words: list[str], expected: tuple[int, int]) -> int:
    """The first page lists documents that match, each hit is the document's own text at its offsets.

    `expected`: how many documents the index matches in their text alone, and in title or text.
    """
    documents = page.documents
    in_text, expected_total = expected
    check(min(50, in_text) <= len(documents) <= min(50, expected_total),
          f"{query!r}: the first page lists {len(documents)} documents; the index matches {in_text} by their "
          f"text, {expected_total} by title or text")
    check(len(documents) <= page.total_documents <= expected_total or
          (not getattr(page, "total_is_exact", True) and page.total_documents >= len(documents)),
          f"{query!r}: total_documents {page.total_documents} for {expected_total} matching documents")
    hits = 0
    for doc in documents:
        text = project.documents.text(doc.document_id)
        check(doc.hit_count >= len(doc.hits), f"{query!r}: document {doc.document_id} lists more hits than it counts")
        for hit in doc.hits:
            where = f"{query!r}: hit {hit.start}-{hit.end} in document {doc.document_id}"
            check(text[hit.start:hit.end] == hit.match, f"{where}: {hit.match!r} is not the text at those offsets")
            check(all(any(w.startswith(q) for q in words) for w in _fold(hit.match).split()),
                  f"{where}: {hit.match!r} does not match the query")
            check(_squash(text[max(0, hit.start - 400):hit.start]).endswith(_squash(hit.before)),
                  f"{where}: the context before, {hit.before!r}, is not the text before the hit")
            check(_squash(text[hit.end:hit.end + 400]).startswith(_squash(hit.after)),
                  f"{where}: the context after, {hit.after!r}, is not the text after the hit")
            hits += 1
    check(hits > 0, f"{query!r}: the first page shows no hit in context")
    return hits


def row_search(ctx: Context, results: list[RowResult]) -> None:
    from annotator.core.project import Project
    from annotator.core.search.fulltext import SearchFilter, search  # not written yet: the row fails with the reason

    path = ctx.own_archive("search")  # the row adds the rare word's documents
    try:
        with Project(path) as project:
            planted = _plant_rare_word(project)
            second = project.documents.text(2).split()
            phrase_words = [_fold(w.strip(".?!,")) for w in second[3:5]]
            queries = [("amazon", ["amazon"]), (RARE_WORD, [RARE_WORD]),
                       ('"' + " ".join(phrase_words) + '"', phrase_words)]
            raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                for result, (query, words) in zip(results, queries):
                    expected = tuple(raw.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                                                 (match,)).fetchone()[0] for match in (f"text : {query}", query))
                    for i in ctx.timed_rounds():
                        gc.collect()
                        with ctx.clock(profile=i >= ctx.warmup) as c:
                            page = search(project, query, SearchFilter(), limit=50)
                        hits = _check_page(project, page, query, words, expected)
                        with ctx.clock() as r:
                            rowids = raw.execute(FTS_PAGE, (query,)).fetchall()
                        check(len(rowids) == min(50, expected[1]), f"{query!r}: the reference found {len(rowids)} rows")
                        if i >= ctx.warmup:
                            result.samples.append(c.ms)
                            result.reference.append(r.ms)
                    if query == RARE_WORD:
                        check(sorted(d.document_id for d in page.documents) == planted,
                              f"{query!r} found documents {[d.document_id for d in page.documents]}, not {planted}")
                        check(all(d.hit_count == RARE_PER_DOCUMENT for d in page.documents),
                              f"{query!r}: hit counts {[d.hit_count for d in page.documents]}")
                    result.checked = True
                    result.notes.append(f"query {query} matches {_count(expected[1], 'document')} (title or "
                                        f"text); {len(page.documents)} on the first page with "
                                        f"{_count(hits, 'hit')} in context")
            finally:
                raw.close()
    finally:
        discard(path)
    results[1].notes.append(f"{RARE_DOCUMENTS} articles carrying it were added to this row's working copy "
                            "through the core first (the synthetic archive has no rare words)")


# -- 6. CSV export of every annotation -------------------------------------------------------

_PREFETCH = """
SELECT a.id, a.document_id, d.title, l.layer, l.name, a.span_start, a.span_end, a.text, a.target, a.note,
       a.annotator, a.created_at, a.updated_at, a.entity_id, e.name, a.source, a.source_entity_id, a.holder,
       a.holder_entity_id, a.target_entity_id, a.cue_start, a.cue_end, NULL
FROM annotations a JOIN documents d ON d.id = a.document_id JOIN labels l ON l.id = a.label_id
LEFT JOIN entities e ON e.id = a.entity_id
ORDER BY a.document_id, a.span_start, a.span_end DESC, a.id
"""


def _check_csv(out, conn: sqlite3.Connection, expected: int) -> None:
    """Header, row count, unique ids, and a random sample of rows against the database."""
    from annotator.core.interchange.tables import ANNOTATION_COLUMNS

    col = {name: i for i, name in enumerate(ANNOTATION_COLUMNS)}
    wanted = set(random.Random(5).sample(range(expected), min(300, expected)))
    ids: set[str] = set()
    sample = []
    with open(out, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        check(header[:len(ANNOTATION_COLUMNS)] == ANNOTATION_COLUMNS, f"CSV header is {header}")
        for n, row in enumerate(reader):
            ids.add(row[0])
            if n in wanted:
                sample.append(row)
    check(len(ids) == expected, f"the CSV holds {len(ids)} distinct annotations, not {expected}")
    check(n + 1 == expected, f"the CSV has {n + 1} data rows, not {expected}")
    for row in sample:
        stored = conn.execute(
            "SELECT a.document_id, l.name, a.span_start, a.span_end, a.text, d.text FROM annotations a "
            "JOIN labels l ON l.id = a.label_id JOIN documents d ON d.id = a.document_id WHERE a.id = ?",
            (int(row[0]),)).fetchone()
        check(stored is not None, f"CSV row for annotation {row[0]}, which the project does not hold")
        doc_id, label, start, end, text, document = stored
        seen = (row[col["document_id"]], row[col["label"]], row[col["start"]], row[col["end"]], row[col["text"]])
        check(seen == (str(doc_id), label, str(start), str(end), text), f"CSV row {seen} != stored {stored[:5]}")
        check(text == document[start:end], f"annotation {row[0]}: text != document_text[start:end]")


def _shell_query(conn) -> str:
    """The export's own query for the sqlite3 shell: its one Python function (a claim's cue) as SQL."""
    from annotator.core.interchange.tables import _CUE_FUNCTION, annotations_sql, attribute_columns

    class _Project:  # attribute_columns reads only project.store.conn
        class store:
            pass

    project = _Project()
    project.store.conn = conn
    sql = annotations_sql(conn, attribute_columns(project))
    cue = f"{_CUE_FUNCTION}(a.document_id, a.cue_start, a.cue_end)"
    check(cue in sql, "the export's query no longer calls the cue function as the bench expects")
    sql = sql.replace(cue, "(SELECT substr(text, a.cue_start + 1, a.cue_end - a.cue_start) "
                           "FROM documents WHERE id = a.document_id)")
    check("annotator_" not in sql, f"the export's query calls a Python function the shell lacks: {sql}")
    return sql


def _run_shell(path, sql: str, out) -> None:
    with open(out, "wb") as f:
        done = subprocess.run(["sqlite3", "-readonly", "-csv", str(path), sql], stdout=f,
                              stderr=subprocess.PIPE, check=False)
        check(done.returncode == 0, f"sqlite3 shell exited {done.returncode}: {done.stderr.decode()[-300:]}")
        os.fsync(f.fileno())  # the export fsyncs its file; the shell's is made as durable, inside the time


def row_export(ctx: Context, results: list[RowResult]) -> None:
    from annotator.core.interchange.formats import export
    from annotator.core.interchange.tables import ANNOTATION_COLUMNS
    from annotator.core.project import Project

    result, shell = results[0], (results[1] if len(results) > 1 else None)
    path = ctx.shared_archive()
    out, base_out, shell_out = ctx.workdir / "export.csv", ctx.workdir / "reference.csv", ctx.workdir / "shell.csv"
    expected = ctx.spec.annotations
    try:
        with Project(path) as project:
            shell_sql = _shell_query(project.store.conn) if shell is not None else ""
            for i in ctx.timed_rounds():
                out.unlink(missing_ok=True)
                gc.collect()
                with ctx.clock(profile=i >= ctx.warmup) as c:
                    written = export(project, "csv", out, what="annotations")
                check(written == expected, f"export wrote {written} rows, not {expected}")
                if i >= ctx.warmup:
                    result.samples.append(c.ms)
                if shell is not None:  # A/B interleaved: a busy machine slows both sides alike
                    shell_out.unlink(missing_ok=True)
                    with ctx.clock() as s:
                        _run_shell(path, shell_sql, shell_out)
                    if i >= ctx.warmup:
                        shell.reference.append(s.ms)
                        shell.samples.append(c.ms)
            size = out.stat().st_size
            _check_csv(out, project.store.conn, expected)
            if shell is not None:
                with open(shell_out, "rb") as f:
                    rows = sum(1 for _ in csv.reader(io.TextIOWrapper(f, encoding="utf-8", newline="")))
                check(rows == expected, f"the sqlite3 shell wrote {rows} rows, not {expected}")
            prefetched = project.store.conn.execute(_PREFETCH).fetchall()
        check(len(prefetched) == expected, f"the reference pre-fetched {len(prefetched)} rows")
        for i in ctx.timed_rounds():
            base_out.unlink(missing_ok=True)
            gc.collect()
            with ctx.clock() as c:
                with open(base_out, "w", encoding="utf-8", newline="") as f:
                    writer = csv.writer(f, dialect="excel", lineterminator="\r\n")
                    writer.writerow(ANNOTATION_COLUMNS)
                    writer.writerows(prefetched)
                    f.flush()
                    os.fsync(f.fileno())
            if i >= ctx.warmup:
                result.reference.append(c.ms)
        del prefetched
    finally:
        out.unlink(missing_ok=True)
        base_out.unlink(missing_ok=True)
        shell_out.unlink(missing_ok=True)
    result.checked = True
    result.notes.append(f"{expected:,} annotations, {size / 1e6:,.0f} MB of CSV; 300 random rows checked against "
                        "the database; both sides fsync their file")
    if shell is None:
        result.notes.append("no sqlite3 shell on PATH: the second reference (6b) was skipped")
    else:
        shell.checked = True
        shell.notes.append("the shell writes no header and quotes more than RFC 4180 needs (cells with a space, "
                           "empty strings), so its file differs; its row count is checked")
