"""Projects the bench measures on, generated once and cached under bench/.cache/.

Three kinds, each a plain Annotator project file:

* ``seeds``: the bundled seed articles, imported as on first launch.
* ``open-N``: the seeds plus N random span annotations on the longest seed,
  added through the core API (validated like a user's tags).
* ``export-N``: the seeds plus N random annotations spread over all seeds,
  bulk-inserted with sqlite3 in one transaction (fixture building only; every
  span's text is ``document_text[start:end]``, as the core would store it).

Annotations come from a seeded RNG, so a cached file and a rebuilt one are the
same. The cache folder is keyed by CACHE_VERSION, the schema version and a
digest of the seed files and the default codebook; a changed key simply builds
new files. A cached file is never opened by the bench itself: callers get a
fresh copy in a work folder.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

from . import CACHE_VERSION

CACHE_ROOT = Path(__file__).resolve().parent / ".cache"

# Word runs in code points: letters and digits (Hangul included), no underscore.
_WORD = re.compile(r"[^\W_]+")
_TARGETS = ["Amazon", "Walmart", "Amazon Web Services", "Microsoft", "아마존", "월마트", "구글"]
_NOTES = [
    "Check against the filing.",
    'Source says "soon", no date given.',
    "Two readings, see\nthe second paragraph.",
    "=HYPERLINK looks like a formula",
    "출처 확인 필요, 기사 2면",
]
_BASE_TIME = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Fixture:
    """A working copy of a generated project, safe to open and modify."""

    path: Path
    kind: str
    size: int


def cache_key() -> str:
    from annotator.core.schema import SCHEMA_VERSION

    digest = hashlib.sha256()
    # The codebook decides the fixtures' label ids; the seeds decide their texts.
    digest.update(resources.files("annotator.resources").joinpath("codebook.json").read_bytes())
    for entry in sorted(resources.files("annotator.seeds").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return f"{CACHE_VERSION}-schema{SCHEMA_VERSION}-{digest.hexdigest()[:12]}"


def prepare(kind: str, size: int, workdir: Path, *, cache: bool = True) -> Fixture:
    """A fresh copy of the `kind` project with `size` annotations, built if not cached."""
    name = f"{kind}.annotator" if kind == "seeds" else f"{kind}-{size}.annotator"
    if cache:
        folder = CACHE_ROOT / cache_key()
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / name
        if not source.exists():
            _build_atomically(kind, size, source)
    else:
        source = workdir / "built" / name
        source.parent.mkdir(parents=True, exist_ok=True)
        if not source.exists():
            _build_atomically(kind, size, source)
    copy = workdir / f"work-{name}"
    n = 1
    while copy.exists():  # every caller gets its own copy
        n += 1
        copy = workdir / f"work{n}-{name}"
    shutil.copyfile(source, copy)
    return Fixture(copy, kind, size)


def _build_atomically(kind: str, size: int, final: Path) -> None:
    """Build next to `final`, then rename: a concurrent or interrupted run never sees half a file."""
    tmp = final.with_name(f".{final.name}.{os.getpid()}.building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        _build(kind, size, tmp)
        # One self-contained file: fold the WAL back in and leave rollback-journal mode,
        # so copying the single file copies everything. Opening it switches back to WAL.
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        os.replace(tmp, final)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    print(f"  built {final.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _build(kind: str, size: int, path: Path) -> None:
    from annotator.core.importing import import_seeds
    from annotator.core.project import Project

    with Project(path) as project:
        report = import_seeds(project)
        if not report.imported or not report.ok:
            raise RuntimeError("seed import failed: " + " ".join(report.summary_lines()))
        if kind == "seeds":
            return
        if kind == "open":
            _add_open_annotations(project, size)
        elif kind == "export":
            _insert_export_annotations(project, size)
        else:
            raise ValueError(f"unknown fixture kind {kind!r}")


def longest_document(project) -> int:
    summaries = project.documents.summaries()
    return max(summaries, key=lambda s: (len(project.documents.text(s.id)), -s.id)).id


def random_span(rng: random.Random, words: list[tuple[int, int]]) -> tuple[int, int, str]:
    """A word-aligned span and the layer it suits: short entities, longer claims and stances."""
    roll = rng.random()
    if roll < 0.70:
        layer, length = "entity", rng.randint(1, 3)
    elif roll < 0.90:
        layer, length = "claim", rng.randint(6, 40)
    else:
        layer, length = "stance", rng.randint(3, 15)
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + length - 1)
    return words[first][0], words[last][1], layer


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _add_open_annotations(project, size: int) -> None:
    """`size` span annotations on the longest seed, through Annotations.add."""
    rng = random.Random(20240501)
    doc_id = longest_document(project)
    words = _words(project.documents.text(doc_id))
    by_layer = {layer: project.codebook.in_layer(layer) for layer in ("entity", "claim", "stance")}
    for _ in range(size):
        start, end, layer = random_span(rng, words)
        label = rng.choice(by_layer[layer])
        target = rng.choice(_TARGETS) if layer == "stance" else None
        project.annotations.add(doc_id, label, start, end, target=target)


def _insert_export_annotations(project, size: int) -> None:
    """`size` annotations over every seed, weighted by length, in one bulk transaction."""
    rng = random.Random(20240502)
    docs = {s.id: project.documents.text(s.id) for s in project.documents.summaries()}
    ids = sorted(docs)
    weights = [len(docs[i]) for i in ids]
    words = {i: _words(docs[i]) for i in ids}
    by_layer = {layer: [label.id for label in project.codebook.in_layer(layer)]
                for layer in ("entity", "claim", "stance")}

    def rows():
        for n in range(size):
            doc_id = rng.choices(ids, weights)[0]
            stamp = (_BASE_TIME + timedelta(seconds=n)).isoformat(timespec="seconds")
            note = rng.choice(_NOTES) if rng.random() < 0.05 else ""
            if rng.random() < 0.02:  # a document-level stance: no span, a target
                yield (doc_id, rng.choice(by_layer["stance"]), None, None, "", rng.choice(_TARGETS),
                       note, "bench", stamp, stamp)
                continue
            start, end, layer = random_span(rng, words[doc_id])
            target = rng.choice(_TARGETS) if layer == "stance" else None
            yield (doc_id, rng.choice(by_layer[layer]), start, end, docs[doc_id][start:end], target,
                   note, "bench", stamp, stamp)

    conn = project.store.db.conn
    conn.execute("BEGIN")
    try:
        conn.executemany(
            "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, target, note, "
            "annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
