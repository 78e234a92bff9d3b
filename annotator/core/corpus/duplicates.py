"""Near-duplicate documents and passages repeated inside one document, flagged on import.

News corpora are full of syndicated copies (one wire story under several headlines)
and of pages that print their body twice. Both would be counted twice in any
analysis, so import flags them and the analyst decides: keep, or dismiss the flag.

A document is read as words: runs of letters and digits, casefolded, so Hangul and
Latin text work alike and punctuation or line breaks do not matter. Its
fingerprint is the set of its 5-word shingles (every run of five consecutive words).

- Across documents: MinHash signatures (one-permutation hashing with densification)
  cut into LSH bands propose candidate pairs in near-linear time; exact Jaccard
  similarity of the two shingle sets confirms a pair at NEAR_DUPLICATE_THRESHOLD.
  The LSH keys are computed on import and kept in the project (fingerprints.py), so
  a later import compares its articles with the whole corpus without reading it back.
- Inside a document: equal shingles at two positions, continued along the same
  offset, are a repeated run; runs of MIN_REPEAT_WORDS words or more are flagged
  with their first occurrence and the repeat, in code points of the stored text.

Written here rather than taken from a library (datasketch): the whole method is about
a hundred lines of standard library, while datasketch would bring numpy and scipy into
the desktop app for this one feature, and it hashes each shingle in Python all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annotator.core.common.errors import ProjectError
from annotator.core.corpus.fingerprints import (
    METHOD,
    Fingerprint,
    candidates,
    fingerprint,
    jaccard,
    shingles,
    word_hashes,
)
from annotator.core.store.database import Change, ChangeKind, Store

FLAG_KINDS = ("near_duplicate", "repeated_passage")

NEAR_DUPLICATE_THRESHOLD = 0.8
MAX_NEAR_DUPLICATES = 10  # per document, most similar first: a wire story may have hundreds of copies
MAX_CANDIDATES = 100  # per document, compared word for word; the signatures propose them
_COMPARED_AT_ONCE = 500  # documents whose shingle sets are held at once while candidates are compared


@dataclass(frozen=True)
class Flag:
    """Something the duplicate check found for the analyst to look at.

    near_duplicate: other_document_id and score (Jaccard similarity of their 5-word shingles, 0..1).
    repeated_passage: the first occurrence [span_start, span_end) and the repeat
    [repeat_start, repeat_end), code points of the stored text; score is the number of words repeated.
    """

    id: int
    document_id: int
    kind: str
    other_document_id: int | None
    score: float | None
    span_start: int | None
    span_end: int | None
    repeat_start: int | None
    repeat_end: int | None
    dismissed: bool


# -- flags in the project ------------------------------------------------------------------------

_COLUMNS = "id, document_id, kind, other_document_id, score, span_start, span_end, repeat_start, repeat_end, dismissed"


def _flag(row) -> Flag:
    return Flag(*row[:9], bool(row[9]))


def _key(flag: Flag) -> tuple:
    if flag.kind == "near_duplicate":
        return (flag.document_id, flag.kind, flag.other_document_id)
    return (flag.document_id, flag.kind, flag.span_start, flag.span_end, flag.repeat_start, flag.repeat_end)


class Duplicates:
    def __init__(self, store: Store):
        self._store = store

    # -- reading ------------------------------------------------------------------

    def flags(self, doc_id: int, *, include_dismissed: bool = True) -> list[Flag]:
        """A document's flags: near-duplicates, most similar first, then repeated passages in text order."""
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM document_flags WHERE document_id = ? "
            "ORDER BY kind, score DESC, other_document_id, span_start, repeat_start, id", (doc_id,))
        found = [_flag(row) for row in rows if row[2] in FLAG_KINDS]
        return [f for f in found if include_dismissed or not f.dismissed]

    def flag(self, flag_id: int) -> Flag:
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM document_flags WHERE id = ?", (flag_id,)).fetchone()
        if row is None:
            raise ProjectError(f"There is no duplicate flag {flag_id}; the documents may have been checked "
                               "again since. Reopen the document to see its current flags.")
        return _flag(row)

    def flagged_documents(self) -> dict[int, list[str]]:
        """Documents with flags the analyst has not dismissed: id -> kinds, near_duplicate first."""
        found: dict[int, list[str]] = {}
        for doc_id, kind in self._store.query(
                "SELECT DISTINCT document_id, kind FROM document_flags WHERE dismissed = 0 ORDER BY document_id, kind"):
            if kind in FLAG_KINDS:
                found.setdefault(doc_id, []).append(kind)
        return found

    def describe(self, flag: Flag) -> str:
        """One line for lists and tooltips, in the analyst's words."""
        if flag.kind == "near_duplicate":
            row = self._store.conn.execute("SELECT title FROM documents WHERE id = ?",
                                           (flag.other_document_id,)).fetchone()
            title = row[0] if row else f"document {flag.other_document_id}"
            return f"Near-duplicate of ‘{title}’ ({flag.score:.0%} of the wording shared)"
        row = self._store.conn.execute(  # substr counts code points, as offsets do
            "SELECT substr(text, ?, 60) FROM documents WHERE id = ?", (flag.span_start + 1, flag.document_id)).fetchone()
        opening = " ".join((row[0] if row else "").split()[:6])
        return f"Repeated passage: {int(flag.score or 0):,} words from ‘{opening}…’ appear again"

    # -- the analyst's decisions (undoable) ----------------------------------------

    def dismiss(self, flag_id: int) -> None:
        """The analyst looked and decided the flag needs no action; it stops showing in the list."""
        self._set_dismissed(flag_id, True)

    def restore(self, flag_id: int) -> None:
        self._set_dismissed(flag_id, False)

    def _set_dismissed(self, flag_id: int, dismissed: bool) -> None:
        flag = self.flag(flag_id)
        if flag.dismissed == dismissed:
            return
        with self._store.write() as db:
            db.execute("UPDATE document_flags SET dismissed = ? WHERE id = ?", (int(dismissed), flag_id))
            self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=flag.document_id))

    # -- scanning (part of import, so not undoable) ----------------------------------

    def remember(self, doc_id: int, found: Fingerprint) -> None:
        """Keep a new document's fingerprint, inside the caller's write (import stores it with the document).

        A later scan then compares the document without reading its text back.
        """
        self._store.conn.execute(
            "INSERT OR REPLACE INTO document_fingerprints(document_id, method, bands) VALUES (?, ?, ?)",
            (doc_id, METHOD, found.bands))

    def scan(self, document_ids: Iterable[int] | None = None, *,
             passages: Mapping[int, list[tuple[int, int, int, int, int]]] | None = None) -> dict[int, list[str]]:
        """Recompute the flags of these documents (all when None) against the whole corpus.

        passages: the repeated passages import found while it had the texts in memory, for
        every scanned document that has any (the others have none); without it the scanned
        texts are read back. A document without a stored fingerprint (imported by an older
        Annotator) is fingerprinted here, once. A flag that is found again keeps its id and
        the analyst's dismissal. Returns the kinds now flagged (not dismissed) for the
        scanned documents.
        """
        ids = {row[0] for row in self._store.query("SELECT id FROM documents")}
        scope = set(ids) if document_ids is None else set(document_ids)
        missing = sorted(scope - ids)
        if missing:
            raise ProjectError(f"There is no document {missing[0]} to check for duplicates; "
                               "it may have been removed. Check the other documents.")
        if not scope:
            return {}
        order: list[int] = []  # documents with keys, in the order their keys sit in `packed`
        packed = bytearray()
        kept: set[int] = set()
        for doc_id, bands in self._store.conn.execute(
                "SELECT document_id, bands FROM document_fingerprints WHERE method = ?", (METHOD,)):
            kept.add(doc_id)
            if bands:  # no keys for a text under five words: never compared
                order.append(doc_id)
                packed += bands
        lacking = ids - kept
        repeats: dict[int, list[tuple[int, int, int, int, int]]] = {}
        new_rows: list[tuple[int, int, bytes]] = []
        for doc_id, text in self._texts(lacking | (scope if passages is None else set())):
            found = fingerprint(text)
            if doc_id in lacking:
                new_rows.append((doc_id, METHOD, found.bands))
                if found.bands:
                    order.append(doc_id)
                    packed += found.bands
            if doc_id in scope and found.passages:
                repeats[doc_id] = found.passages
        if passages is not None:
            repeats = {doc_id: found for doc_id, found in passages.items() if doc_id in scope and found}
        pairs = self._near_duplicates(candidates(order, packed, scope, MAX_CANDIDATES))
        self._write(scope, pairs, repeats, new_rows)
        flagged = self.flagged_documents()
        return {doc_id: flagged[doc_id] for doc_id in sorted(scope) if doc_id in flagged}

    def _texts(self, doc_ids: set[int]) -> Iterable[tuple[int, str]]:
        ordered = sorted(doc_ids)
        for n in range(0, len(ordered), 500):  # SQLite limits the parameters of one statement
            chunk = ordered[n:n + 500]
            yield from self._store.query(
                f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk))

    def _near_duplicates(self, near: dict[int, list[int]]) -> dict[tuple[int, int], float]:
        """The candidate pairs whose shingle sets agree at NEAR_DUPLICATE_THRESHOLD, with their score."""
        ordered = sorted({(min(a, b), max(a, b)) for a, others in near.items() for b in others})
        pairs = {}
        # A corpus of syndicated copies proposes thousands of documents: their shingle sets
        # (tens of kilobytes each) are held a few hundred at a time, so memory stays flat.
        sets: dict[int, set[int]] = {}
        for start in range(0, len(ordered), _COMPARED_AT_ONCE):
            chunk = ordered[start:start + _COMPARED_AT_ONCE]
            needed = {d for pair in chunk for d in pair}
            sets = {d: s for d, s in sets.items() if d in needed}
            for doc_id, text in self._texts(needed - set(sets)):
                sets[doc_id] = set(shingles(word_hashes(text)))
            for a, b in chunk:
                score = jaccard(sets[a], sets[b])
                if score >= NEAR_DUPLICATE_THRESHOLD:
                    pairs[(a, b)] = score
        return pairs

    def _write(self, scope: set[int], pairs: dict[tuple[int, int], float],
               repeats: dict[int, list[tuple[int, int, int, int, int]]],
               new_rows: list[tuple[int, int, bytes]]) -> None:
        existing = [_flag(row) for row in self._store.query(f"SELECT {_COLUMNS} FROM document_flags")]
        existing = [f for f in existing if f.kind in FLAG_KINDS]
        partners: dict[int, dict[int, float]] = defaultdict(dict)
        for (a, b), score in pairs.items():
            partners[a][b] = partners[b][a] = score
        # Outside the scan, a document keeps its flags on other unscanned documents;
        # the scanned ones it is compared with afresh.
        for f in existing:
            if f.kind == "near_duplicate" and f.document_id not in scope and f.other_document_id in scope:
                partners.setdefault(f.document_id, {})
        for f in existing:
            if f.kind == "near_duplicate" and f.document_id in partners and f.document_id not in scope \
                    and f.other_document_id not in scope:
                partners[f.document_id].setdefault(f.other_document_id, f.score)
        wanted: dict[tuple, tuple] = {}
        for doc_id, others in partners.items():
            best = sorted(others.items(), key=lambda item: (-item[1], item[0]))[:MAX_NEAR_DUPLICATES]
            for other, score in best:
                wanted[(doc_id, "near_duplicate", other)] = (other, score, None, None, None, None)
        for doc_id, found in repeats.items():
            for start, end, repeat_start, repeat_end, words in found:
                wanted[(doc_id, "repeated_passage", start, end, repeat_start, repeat_end)] = (
                    None, float(words), start, end, repeat_start, repeat_end)
        touched = scope | set(partners)
        changed: set[int] = set()
        with self._store.write(undoable=False) as db:
            db.executemany("INSERT OR REPLACE INTO document_fingerprints(document_id, method, bands) VALUES (?, ?, ?)",
                           new_rows)
            for f in existing:
                if f.document_id not in touched or (f.kind == "repeated_passage" and f.document_id not in scope):
                    continue
                values = wanted.pop(_key(f), None)
                if values is None:
                    db.execute("DELETE FROM document_flags WHERE id = ?", (f.id,))
                    changed.add(f.document_id)
                elif values[1] != f.score:
                    db.execute("UPDATE document_flags SET score = ? WHERE id = ?", (values[1], f.id))
            for key, values in wanted.items():
                db.execute(
                    "INSERT INTO document_flags(document_id, kind, other_document_id, score, span_start, span_end, "
                    "repeat_start, repeat_end, dismissed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)", (*key[:2], *values))
                changed.add(key[0])
            for doc_id in sorted(changed):
                self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=doc_id))


def flagged_among(store: Store, doc_ids: Iterable[int]) -> dict[int, list[str]]:
    """Like Duplicates.flagged_documents, for these documents only (a page of the document list).

    Read through the document_id index, so showing a page never reads the flags of the whole corpus.
    """
    import json

    found: dict[int, list[str]] = {}
    for doc_id, kind in store.query(
            "SELECT DISTINCT document_id, kind FROM document_flags "
            "WHERE document_id IN (SELECT value FROM json_each(?)) AND dismissed = 0 ORDER BY document_id, kind",
            (json.dumps(list(doc_ids)),)):
        if kind in FLAG_KINDS:
            found.setdefault(doc_id, []).append(kind)
    return found
