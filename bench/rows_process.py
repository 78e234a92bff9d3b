"""Rows measured in child processes: start-up (1), import (4) and resident memory (7).

A child process is the only honest way to time a start or to read a process's
memory: in-process, Qt, the imports and earlier rows would already be loaded.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
from pathlib import Path

from . import archive
from .common import Context, check, fields_of, line_with, run_child
from .report import RowResult


def _archive_counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT count(*) FROM documents").fetchone()[0],
                conn.execute("SELECT count(*) FROM annotations").fetchone()[0])
    finally:
        conn.close()


# -- 1. process start to main window shown and idle ------------------------------------


def row_startup(ctx: Context, results: list[RowResult]) -> None:
    [result] = results
    path = ctx.shared_archive()
    documents, annotations = _archive_counts(path)
    check((documents, annotations) == (ctx.spec.documents, ctx.spec.annotations),
          f"the archive holds {documents} documents and {annotations} annotations, not the spec's")
    home = ctx.home / "startup"
    home.mkdir(parents=True, exist_ok=True)
    phases = ""
    # Interleaved, so that drift in the machine's load hits both sides alike.
    for i in ctx.timed_rounds():
        counted = i >= ctx.warmup
        app = run_child("bench.probe_startup", [str(path)], home,
                        profile=ctx.profile_file("startup") if counted else None)
        ready = fields_of(app.lines[0], "READY")
        shown = int(ready.get("documents", "0"))
        check(shown == documents or (shown > 0 and ready.get("more") == "1"),
              f"the document list shows {shown} of {documents} documents and cannot fetch more")
        check(ready.get("current") not in (None, "None"), "the started window opened no document")
        check(int(ready.get("reader_chars", "0")) > 0, "the started window's reader shows no text")
        bare = run_child("bench.probe_startup", ["--bare"], home)
        check(bare.lines[0] == "READY bare", f"the bare probe printed {bare.lines[0]!r}")
        phases = line_with(app.lines, "PHASES").removeprefix("PHASES ")
        if counted:
            result.samples.append(app.first_line_ms)
            result.reference.append(bare.first_line_ms)
        else:
            result.notes.append(f"warm-up launch, the first on this working copy: {app.first_line_ms:,.0f} ms")
    result.checked = True
    result.notes.append(f"document list {ready.get('documents')} rows (more to fetch: {ready.get('more')}), "
                        f"document {ready.get('current')} open at start")
    result.notes.append("the app child's own clock, last run (ms since its main module started): " + phases)
    result.notes.append("children start from compiled bytecode, as an installed app does (kept in "
                        "bench/.cache/pycache even where PYTHONDONTWRITEBYTECODE is set)")


# -- 7. resident memory with the archive open and document 1 painted ----------------------


def row_memory(ctx: Context, results: list[RowResult]) -> None:
    [result] = results
    path = ctx.shared_archive()
    big = len(_document_text(path, 1))
    home = ctx.home / "memory"
    home.mkdir(parents=True, exist_ok=True)
    for i in ctx.timed_rounds():
        counted = i >= ctx.warmup
        app = run_child("bench.probe_memory", [str(path), "1"], home,
                        profile=ctx.profile_file("memory") if counted else None)
        seen = fields_of(line_with(app.lines, "MEMORY"), "MEMORY")
        check("rss_mb" in seen, f"the app child could not read its memory: {app.lines}")
        check(seen.get("current") == "1", f"the app child shows document {seen.get('current')}, not 1")
        check(int(seen.get("reader_chars", "0")) >= big, f"the reader holds {seen.get('reader_chars')} "
                                                          f"characters, document 1 has {big:,}")
        check(int(seen.get("painted", "0")) > 0, "the reader was never painted")
        bare = run_child("bench.probe_memory", ["--bare"], home)
        base = fields_of(line_with(bare.lines, "MEMORY"), "MEMORY")
        check("rss_mb" in base and int(base.get("painted", "0")) > 0, f"the bare child failed: {bare.lines}")
        if counted:
            result.samples.append(float(seen["rss_mb"]))
            result.reference.append(float(base["rss_mb"]))
    result.checked = True
    result.notes.append(f"VmRSS one second after document 1 was painted; peak (VmHWM) in the last run "
                        f"{float(seen['peak_mb']):,.0f} MB, bare {float(base['peak_mb']):,.0f} MB")


def _document_text(path: Path, doc_id: int) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    finally:
        conn.close()
    check(row is not None, f"the archive has no document {doc_id}")
    return row[0]


# -- 4. import the archive's articles as files ----------------------------------------------


def row_import(ctx: Context, results: list[RowResult]) -> None:
    timing, memory = results
    folder = archive.article_files(ctx.spec, folder=None if ctx.cache else ctx.workdir / "built")
    files = sorted(Path(root, name) for root, _dirs, names in os.walk(folder) for name in names)
    check(len(files) == ctx.spec.documents, f"{len(files)} article files, expected {ctx.spec.documents}")
    # Read once before any run, so the import and its reference both find the files in the page
    # cache: otherwise the first run alone reads them from disk (44 s against 35 s warm).
    megabytes = sum(len(f.read_bytes()) for f in files) / 1e6
    home = ctx.home / "import"
    home.mkdir(parents=True, exist_ok=True)
    timeout = 120 if ctx.quick else 3 * 3600
    for i in range(ctx.import_repeat):
        work = ctx.workdir / f"import-{i}"
        work.mkdir()
        try:
            target = work / "imported.annotator"
            app = run_child("bench.probe_import", [str(folder), str(target)], home, timeout=timeout,
                            profile=ctx.profile_file("import"))
            seen = fields_of(line_with(app.lines, "IMPORT"), "IMPORT")
            check(seen.get("imported") == str(len(files)) and seen.get("refused") == "0",
                  f"import_paths: {seen.get('imported')} imported, {seen.get('skipped')} skipped, "
                  f"{seen.get('refused')} refused of {len(files)} files")
            _check_imported(target, files)
            raw = run_child("bench.probe_import", [str(folder), str(work / "raw.sqlite"), "--raw"], home,
                            timeout=timeout)
            base = fields_of(line_with(raw.lines, "IMPORT"), "IMPORT")
            check(base.get("imported") == str(len(files)), f"the raw insert stored {base.get('imported')} rows")
            timing.samples.append(float(seen["seconds"]))
            timing.reference.append(float(base["seconds"]))
            memory.samples.append(float(seen["peak_mb"]))
            memory.reference.append(float(base["peak_mb"]))
            rss = [float(x) for x in seen["rss"].split(",")]
        finally:
            shutil.rmtree(work, ignore_errors=True)
    timing.checked = memory.checked = True
    timing.notes.append(f"{len(files):,} files, {megabytes:,.0f} MB, titled on their first line; "
                        f"{ctx.import_repeat} run(s), no warm-up (--import-repeat, default 1: it is long), the files read "
                        "once beforehand so every run finds them in the page cache; "
                        "checked: document count, exact text and a full-text match for 40 sampled files")
    memory.notes.append(f"RSS of the importing process, MB: first {float(seen['first_mb']):,.0f}, "
                        f"last {float(seen['last_mb']):,.0f}, peak {float(seen['peak_mb']):,.0f} (VmHWM); "
                        f"over the run ({len(rss)} samples 0.5 s apart, shown by deciles): {_deciles(rss)}")


# -- 4c. one big text file ----------------------------------------------------------------


BIGFILE_RUNS = 3


def row_bigfile(ctx: Context, results: list[RowResult]) -> None:
    """Peak resident memory an import of one big text file adds, over the file's size (issue 11, item 5)."""
    [ratio] = results
    work = ctx.workdir / "bigfile"
    work.mkdir(parents=True, exist_ok=True)
    home = ctx.home / "bigfile"
    home.mkdir(parents=True, exist_ok=True)
    (work / "alone").mkdir(exist_ok=True)  # the raw reference reads a folder
    big, tiny = work / "alone" / "big.txt", work / "tiny.txt"
    _write_big_text(big, (4 if ctx.quick else 48) * 1024 * 1024)
    tiny.write_text("A tiny article\n\nOne line of body.\n", encoding="utf-8")
    size = big.stat().st_size
    growths, seconds = [], []
    try:
        for i in range(BIGFILE_RUNS):
            peaks = {}
            for name, file in (("tiny", tiny), ("big", big)):
                child = run_child("bench.probe_import", [str(file), str(work / f"{name}-{i}.annotator")], home,
                                  timeout=600)
                seen = fields_of(line_with(child.lines, "IMPORT"), "IMPORT")
                check(seen.get("imported") == "1", f"{name}.txt: {seen.get('imported')} imported")
                peaks[name] = float(seen["peak_mb"])
                if name == "big":
                    seconds.append(float(seen["seconds"]))
            raw = run_child("bench.probe_import", [str(big.parent), str(work / f"raw-{i}.sqlite"), "--raw"], home,
                            timeout=600)
            base = fields_of(line_with(raw.lines, "IMPORT"), "IMPORT")
            check(base.get("imported") == "1", f"the raw insert stored {base.get('imported')} rows")
            growths.append((peaks["big"] - peaks["tiny"]) * 1024 * 1024)
            ratio.samples.append(growths[-1] / size)
            ratio.reference.append((float(base["peak_mb"]) - float(base["first_mb"])) * 1024 * 1024 / size)
        ratio.checked = True
        ratio.notes.append(f"{size / 1024 / 1024:.0f} MiB of prose, {BIGFILE_RUNS} runs; peak (VmHWM) minus the "
                           f"peak importing a one-line file: median {statistics.median(growths) / 1024 / 1024:.0f} "
                           f"MiB; import took a median {statistics.median(seconds):.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_big_text(path: Path, size: int) -> None:
    rng = random.Random(48)
    vocabulary = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(20_000)]
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < size:
            paragraph = " ".join(rng.choices(vocabulary, k=rng.randint(40, 120))) + ".\n\n"
            written += out.write(paragraph)


def _deciles(samples: list[float]) -> str:
    if len(samples) <= 11:
        return " → ".join(f"{s:.0f}" for s in samples)
    picks = [samples[round(k * (len(samples) - 1) / 10)] for k in range(11)]
    return " → ".join(f"{s:.0f}" for s in picks) + f" (median {statistics.median(samples):.0f})"


def _check_imported(target: Path, files: list[Path]) -> None:
    """Every file is a document with the file's exact text, findable through the full-text index."""
    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        check(count == len(files), f"the imported project holds {count} documents, not {len(files)}")
        for path in random.Random(3).sample(files, min(40, len(files))):
            row = conn.execute("SELECT id, text FROM documents WHERE source = ?", (str(path.absolute()),)).fetchone()
            check(row is not None, f"no document came from {path}")
            doc_id, text = row
            check(text == path.read_text(encoding="utf-8"), f"document {doc_id} does not hold the text of {path.name}")
            word = max(text.split()[2:12], key=len).strip(".?!,")
            found = {r[0] for r in conn.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (f'"{word}"',))}
            check(doc_id in found, f"the full-text index does not find {word!r} in document {doc_id}")
    finally:
        conn.close()


# -- 6b-6d. peak memory of the streamed exports -------------------------------------------

_STREAMED = (("jsonl", ".jsonl"), ("webanno", ".jsonld"), ("qdpx", ".qdpx"))


def row_export_memory(ctx: Context, results: list[RowResult]) -> None:
    """Each format's peak growth in a child, beside the CSV export's (which streams rows in C) in another."""
    path = ctx.shared_archive()
    _documents, annotations = _archive_counts(path)
    home = ctx.home / "export-memory"
    home.mkdir(parents=True, exist_ok=True)
    csv_out = ctx.workdir / "memory.csv"
    try:
        for result, (name, suffix) in zip(results, _STREAMED):
            out = ctx.workdir / f"memory{suffix}"
            for i in ctx.timed_rounds():
                seen = fields_of(line_with(run_child("bench.probe_export", [name, str(path), str(out)], home,
                                                     timeout=1800).lines, "EXPORT"), "EXPORT")
                base = fields_of(line_with(run_child("bench.probe_export", ["csv", str(path), str(csv_out)], home,
                                                     timeout=1800).lines, "EXPORT"), "EXPORT")
                check(int(base.get("count", "0")) == annotations, f"the CSV export wrote {base.get('count')} rows")
                wrote = int(seen.get("count", "0"))
                check(wrote == (annotations if name == "webanno" else 1 if name == "qdpx" else ctx.spec.documents),
                      f"the {name} export wrote {wrote} records")
                check(out.stat().st_size > 0, f"the {name} export wrote an empty file")
                if i >= ctx.warmup:
                    result.samples.append(float(seen["growth_mb"]))
                    result.reference.append(float(base["growth_mb"]))
            result.checked = True
            result.notes.append(f"{name}: {out.stat().st_size / 1e6:,.0f} MB written in {seen['seconds']} s "
                                f"(last run); peak {seen['peak_mb']} MB resident over {seen['base_mb']} MB with "
                                "the project open")
            out.unlink(missing_ok=True)
    finally:
        csv_out.unlink(missing_ok=True)
