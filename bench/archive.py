"""A synthetic news archive at the scale of issue 7, generated once and cached.

    python -m bench.archive [--documents N] [--annotations N] [--big-chars N] [--big-annotations N]
                            [--small] [--files] [--prune]

prints the path of the cached project (building it first if needed); with --files,
the folder of the same articles as text files, the import bench's input. Defaults:
100,000 articles of about 3,000 characters (one in twenty in Korean), 1,000,000
span annotations spread over them, metadata (outlet, date, language) on every
article, a registry of entities linked from entity spans, and one 1 MB article
(the first document) carrying 10,000 annotations of its own.

Text comes from the seed articles' own words, shuffled by a seeded RNG, so the
mix of Latin and Hangul, word lengths and punctuation resemble real news and a
rebuilt archive is identical to a cached one. Rows are bulk-inserted with
sqlite3 in one transaction (fixture building only): every span's text is
document_text[start:end], as the core stores it, the full-text index is
filled by the schema's own triggers, and the core's own duplicate scan then
stores the near-duplicate keys and flags an import would have left.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

from .fixtures import CACHE_ROOT, cache_key, random_span

_WORD = re.compile(r"[^\W_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_OUTLETS = ["Daily Ledger", "The Courier", "연합뉴스", "Metro Post", "Wire Service", "한겨레", "Evening Star"]
_ENTITY_NAMES = ["Amazon", "Walmart", "Microsoft", "Kim Ji-ho", "Seoul", "European Commission", "삼성전자",
                 "아마존", "월마트", "Jane Doe", "Reuters", "Berlin", "OpenAI", "구글", "Tesla", "Paris"]
_BASE = datetime(2020, 1, 1, 8, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ArchiveSpec:
    documents: int = 100_000
    annotations: int = 1_000_000
    big_chars: int = 1_000_000
    big_annotations: int = 10_000
    article_chars: int = 3_000

    @property
    def name(self) -> str:
        return (f"archive-{self.documents}d-{self.annotations}a-big{self.big_chars}c"
                f"{self.big_annotations}a-{self.article_chars}.annotator")


SMALL = ArchiveSpec(documents=300, annotations=3_000, big_chars=60_000, big_annotations=600, article_chars=1_500)
# Issue 12, item 15: one article of a million characters carrying a million annotations (row 2b/2c).
DENSE = ArchiveSpec(documents=2, annotations=1_000_000, big_chars=1_000_000, big_annotations=1_000_000)
DENSE_SMALL = ArchiveSpec(documents=2, annotations=20_000, big_chars=60_000, big_annotations=20_000,
                          article_chars=1_500)


def vocabulary() -> tuple[list[str], list[str]]:
    """Latin-script and Hangul words of the seed articles, each list in a fixed order."""
    latin: dict[str, None] = {}
    korean: dict[str, None] = {}
    for entry in sorted(resources.files("annotator.seeds").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            for word in _WORD.findall(entry.read_text(encoding="utf-8", errors="replace")):
                (korean if _HANGUL.search(word) else latin).setdefault(word, None)
    return list(latin), list(korean)


def article(rng: random.Random, words: list[str], chars: int) -> str:
    """Paragraphs of sentences of seed words, about `chars` code points long."""
    parts: list[str] = []
    size = 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            sentence = " ".join(rng.choices(words, k=rng.randint(6, 22)))
            sentences.append(sentence[:1].upper() + sentence[1:] + rng.choice(".....?!"))
        paragraph = " ".join(sentences)
        parts.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(parts)


def articles(spec: ArchiveSpec, seed: int = 7):
    """(title, text, language) for every document of the archive, the big one first."""
    rng = random.Random(seed)
    latin, korean = vocabulary()
    yield "Archive: the long report", article(rng, latin, spec.big_chars), "en"
    for n in range(1, spec.documents):
        korean_article = n % 20 == 7
        words = korean if korean_article else latin
        text = article(rng, words, rng.randint(spec.article_chars // 2, spec.article_chars * 3 // 2))
        yield f"{' '.join(rng.choices(words, k=rng.randint(4, 9))).capitalize()} ({n})", text, (
            "ko" if korean_article else "en")


def build(spec: ArchiveSpec, path: Path, seed: int = 7) -> None:
    """Write the archive project at `path` (which must not exist)."""
    from annotator.core.project import Project
    from annotator.core.search.index import add_to_index

    with Project(path):  # the schema and the default codebook, as a new project has them
        pass
    rng = random.Random(seed + 1)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = OFF")
        labels = {layer: [row[0] for row in conn.execute(
            "SELECT id FROM labels WHERE layer = ? AND is_group = 0 ORDER BY id", (layer,))]
            for layer in ("entity", "claim", "stance")}
        conn.execute("BEGIN")
        entity_ids = []
        for name in _ENTITY_NAMES:
            cursor = conn.execute(
                "INSERT INTO entities(name, folded, label_id, created_at) VALUES (?, ?, ?, ?)",
                (name, name.casefold(), labels["entity"][0], _BASE.isoformat()))
            entity_ids.append(cursor.lastrowid)
        stamp = _BASE.isoformat(timespec="seconds")
        spans_left = spec.annotations
        docs_left = spec.documents
        import hashlib

        for doc_id, (title, text, language) in enumerate(articles(spec, seed), start=1):
            conn.execute(
                "INSERT INTO documents(id, title, source, sha256, encoding, imported_at, status, text) "
                "VALUES (?, ?, ?, ?, 'utf-8', ?, 'todo', ?)",
                (doc_id, title, f"archive/{doc_id:06d}.txt", hashlib.sha256(text.encode()).hexdigest(), stamp, text))
            add_to_index(conn, [(doc_id, title, text)])  # as every import path does
            day = (_BASE + timedelta(days=doc_id % 2000)).date().isoformat()
            conn.executemany(
                "INSERT INTO document_metadata(document_id, key, value) VALUES (?, ?, ?)",
                [(doc_id, "outlet", _OUTLETS[doc_id % len(_OUTLETS)]), (doc_id, "date", day),
                 (doc_id, "language", language)])
            if doc_id == 1:
                count = min(spec.big_annotations, spans_left)
            else:
                count = round(spans_left / docs_left) if docs_left else 0
            docs_left -= 1
            spans_left -= count
            words = [m.span() for m in _WORD.finditer(text)]
            rows = []
            for n in range(count):
                start, end, layer = random_span(rng, words)
                target = rng.choice(_ENTITY_NAMES) if layer == "stance" else None
                entity = rng.choice(entity_ids) if layer == "entity" and rng.random() < 0.3 else None
                rows.append((doc_id, rng.choice(labels[layer]), start, end, text[start:end], target, entity,
                             "" if rng.random() > 0.03 else "check the source", "bench", stamp, stamp))
            conn.executemany(
                "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, target, entity_id, "
                "note, annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    with Project(path) as project:  # what import leaves beside the rows: near-duplicate keys and flags
        project.duplicates.scan()
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to copy
    finally:
        conn.close()


@contextmanager
def _only_builder(final: Path) -> Iterator[None]:
    """Hold a lock beside `final` while building it: engineers sharing the cache build it once, not in parallel."""
    try:
        import fcntl
    except ImportError:  # not on Windows: each process builds its own, as before
        yield
        return
    with open(final.with_name(f".{final.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cache_folder() -> Path:
    """bench/.cache/<key>/: a changed schema, codebook or seed set gets a fresh folder."""
    return CACHE_ROOT / cache_key()


def cached(spec: ArchiveSpec = ArchiveSpec(), *, quiet: bool = False, folder: Path | None = None) -> Path:
    """The cached archive for `spec`, built once (atomically: a half-built file is never used).

    `folder` puts it elsewhere than bench/.cache/ (the bench's --no-cache).
    """
    folder = cache_folder() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / spec.name
    if final.exists():
        return final
    with _only_builder(final):
        if final.exists():  # another process built it while this one waited
            return final
        tmp = final.with_name(f".{final.name}.{os.getpid()}.building")
        started = time.perf_counter()
        try:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            build(spec, tmp)
            os.replace(tmp, final)
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
    if not quiet:
        print(f"  built {final.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return final


def working_copy(spec: ArchiveSpec, folder: Path) -> Path:
    """A copy of the cached archive in `folder`, safe to open and modify."""
    source = cached(spec)
    copy = folder / f"work-{source.name}"
    n = 1
    while copy.exists():
        n += 1
        copy = folder / f"work{n}-{source.name}"
    shutil.copyfile(source, copy)
    return copy


def article_files(spec: ArchiveSpec = ArchiveSpec(), *, quiet: bool = False, folder: Path | None = None) -> Path:
    """The archive's articles as plain-text files, written once: the import bench's input.

    One UTF-8 file per document, its title on the first line, a blank line, then the
    text, as a news export would have it; 1,000 files to a subfolder, named by document
    number in archive order (so a sorted import gives document n the n-th article).
    """
    folder = cache_folder() if folder is None else folder
    final = folder / f"files-{spec.name.removesuffix('.annotator')}"
    if final.is_dir():
        return final
    folder.mkdir(parents=True, exist_ok=True)
    with _only_builder(final):
        if final.is_dir():
            return final
        tmp = final.with_name(f".{final.name}.{os.getpid()}.building")
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.perf_counter()
        try:
            for n, (title, text, _language) in enumerate(articles(spec), start=1):
                path = tmp / f"{n // 1000:03d}" / f"{n:06d}.txt"
                if n == 1 or n % 1000 == 0:  # the first file of its subfolder
                    path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(article_file_text(title, text), encoding="utf-8", newline="")
            os.replace(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if not quiet:
        print(f"  wrote {final.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return final


def prune() -> list[Path]:
    """Remove cache folders of other keys: after a schema change nothing opens them again."""
    current = cache_folder()
    stale = [f for f in sorted(CACHE_ROOT.glob("fixtures-*")) if f.is_dir() and f != current]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def article_file_text(title: str, text: str) -> str:
    return f"{title}\n\n{text}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.split("\n\n")[0])
    default = ArchiveSpec()
    parser.add_argument("--documents", type=int, default=default.documents)
    parser.add_argument("--annotations", type=int, default=default.annotations)
    parser.add_argument("--big-chars", type=int, default=default.big_chars)
    parser.add_argument("--big-annotations", type=int, default=default.big_annotations)
    parser.add_argument("--small", action="store_true", help="the small archive the CI smoke test uses")
    parser.add_argument("--files", action="store_true",
                        help="print the folder of the archive's articles as text files (the import bench's input)")
    parser.add_argument("--prune", action="store_true",
                        help="delete cache folders left by older schemas, codebooks or seeds (about 1.3 GB each), "
                             "then exit")
    args = parser.parse_args(argv)
    if args.prune:
        for old in prune():
            print(f"removed {old}")
        return 0
    spec = SMALL if args.small else ArchiveSpec(args.documents, args.annotations, args.big_chars,
                                                 args.big_annotations)
    print(article_files(spec) if args.files else cached(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
