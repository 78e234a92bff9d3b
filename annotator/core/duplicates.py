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
- Inside a document: equal shingles at two positions, continued along the same
  offset, are a repeated run; runs of MIN_REPEAT_WORDS words or more are flagged
  with their first occurrence and the repeat, in code points of the stored text.

Written here rather than taken from a library (datasketch): the whole method is about
a hundred lines of standard library, while datasketch would bring numpy and scipy into
the desktop app for this one feature, and it hashes each shingle in Python all the same.
"""

from __future__ import annotations

import heapq
import re
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ProjectError
from .store import Change, Store

FLAG_KINDS = ("near_duplicate", "repeated_passage")

SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.8
MIN_REPEAT_WORDS = 40
MAX_NEAR_DUPLICATES = 10  # per document, most similar first: a wire story may have hundreds of copies
MAX_CANDIDATES = 100  # per document, compared word for word; the signatures propose them
MAX_REPEATS = 20  # per document
MAX_SHINGLE_OCCURRENCES = 16  # a phrase more frequent than this is a chant or a list, not a passage

# LSH: BANDS bands of ROWS MinHash values. Two documents become candidates when any band
# agrees, which happens with probability 1 - (1 - J**5)**25: above 0.9999 at J = 0.8
# and below 1e-5 at J = 0.05, so unrelated articles are rarely compared at all.
BANDS, ROWS = 25, 5
BINS = 128  # a power of two, so a value's top bits choose its bin; BANDS * ROWS of them are used
_BIN_SHIFT = 64 - 7
_MASK = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it permutes 64-bit values and spreads their bits
_EMPTY = 1 << 64

# Letters and digits, plus combining marks so an accent typed as its own code point stays in
# its word. (\w also takes the underscore, rare in news; a simpler class runs twice as fast.)
_TOKEN = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


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


# -- fingerprints ----------------------------------------------------------------------------

def word_hashes(text: str) -> list[int]:
    """A stable hash per word, so fingerprints agree between sessions and machines."""
    return list(map(zlib.crc32, map(str.encode, map(str.casefold, _TOKEN.findall(text)))))


def shingles(words: list[int]) -> list[int]:
    """One hash per run of SHINGLE_WORDS words, in text order (a shorter text has none)."""
    # Tuples of ints hash the same in every process (only str hashing is randomised).
    return list(map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)))))


def band_keys(shingle_set: set[int]) -> array:
    """The document's LSH keys, one per band, from a one-permutation MinHash signature."""
    signature = [_EMPTY] * BINS
    for h in shingle_set:
        h = (h * _MIX) & _MASK
        b = h >> _BIN_SHIFT  # the top bits choose the bin; the smallest value in each is kept
        if h < signature[b]:
            signature[b] = h
    if _EMPTY in signature:
        # Short texts leave bins empty: each borrows the next filled bin's value, shifted by
        # the distance, so similar short texts still agree on most bins (densification).
        j = next(i for i, v in enumerate(signature) if v != _EMPTY) + BINS  # wraps around
        for i in range(BINS - 1, -1, -1):
            if signature[i] < _EMPTY:
                j = i
            else:
                signature[i] = signature[j % BINS] + (j - i) * _EMPTY
    return array("q", (hash(tuple(signature[k * ROWS:(k + 1) * ROWS])) for k in range(BANDS)))


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def repeated_runs(shingle_list: list[int]) -> list[tuple[int, int, int]]:
    """(first word, repeat's first word, words) of the longest repeated runs, repeats not overlapping."""
    min_run = MIN_REPEAT_WORDS - SHINGLE_WORDS + 1
    # A repeated run of n shingles leaves at least n surplus shingles: most texts stop here.
    if len(shingle_list) - len(set(shingle_list)) < min_run:
        return []
    # Every pair of equal shingles is a match, which a hostile text (one chapter printed
    # a hundred times) could make quadratic: frequent shingles are left out until the
    # pairs fit a budget linear in the text's length.
    counts = Counter(shingle_list)
    most = MAX_SHINGLE_OCCURRENCES
    while most > 1 and sum(c * (c - 1) // 2 for c in counts.values() if c <= most) > 8 * len(shingle_list):
        most -= 1
    where: dict[int, list[int]] = defaultdict(list)
    for i, h in enumerate(shingle_list):
        if 1 < counts[h] <= most:
            where[h].append(i)
    matches: set[tuple[int, int]] = set()
    for positions in where.values():
        matches.update((p, q) for n, p in enumerate(positions) for q in positions[n + 1:])
    runs = []
    for i, j in matches:
        if (i - 1, j - 1) in matches:
            continue  # inside a run that starts earlier
        n = 1
        while (i + n, j + n) in matches:
            n += 1
        # A repeat starting inside its first occurrence is periodic text: report one period.
        words = min(n + SHINGLE_WORDS - 1, j - i)
        if words >= MIN_REPEAT_WORDS:
            runs.append((words, i, j))
    kept: list[tuple[int, int, int]] = []
    for words, i, j in sorted(runs, key=lambda r: (-r[0], r[1], r[2])):
        if all(j + words <= q or q + w <= j for _, q, w in kept):
            kept.append((i, j, words))
            if len(kept) == MAX_REPEATS:
                break
    return sorted(kept)


def repeated_passages(text: str) -> list[tuple[int, int, int, int, int]]:
    """(span_start, span_end, repeat_start, repeat_end, words) in code points, for each repeated run."""
    return _passages(text, shingles(word_hashes(text)))


def _passages(text: str, shingle_list: list[int]) -> list[tuple[int, int, int, int, int]]:
    runs = repeated_runs(shingle_list)
    if not runs:
        return []
    spans = [m.span() for m in _TOKEN.finditer(text)]
    return [(spans[i][0], spans[i + w - 1][1], spans[j][0], spans[j + w - 1][1], w) for i, j, w in runs]


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
        # Band keys by text hash: a document's text never changes, so a later import
        # fingerprints only the new documents. Memory only (~200 bytes a document).
        self._bands: dict[str, array] = {}

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
            self._store.notify(Change("document_changed", document_id=flag.document_id))

    # -- scanning (part of import, so not undoable) ----------------------------------

    def scan(self, document_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
        """Recompute the flags of these documents (all when None) against the whole corpus.

        A flag that is found again keeps its id and the analyst's dismissal. Returns the
        kinds now flagged (not dismissed) for the scanned documents.
        """
        ids = dict(self._store.query("SELECT id, sha256 FROM documents"))
        scope = set(ids) if document_ids is None else set(document_ids)
        missing = sorted(scope - set(ids))
        if missing:
            raise ProjectError(f"There is no document {missing[0]} to check for duplicates; "
                               "it may have been removed. Check the other documents.")
        if not scope:
            return {}
        living = set(ids.values())
        self._bands = {sha: keys for sha, keys in self._bands.items() if sha in living}
        repeats: dict[int, list[tuple[int, int, int, int, int]]] = {}
        needed = scope | {doc_id for doc_id, sha in ids.items() if sha not in self._bands}
        for doc_id, text in self._texts(needed):
            shingle_list = shingles(word_hashes(text))
            if ids[doc_id] not in self._bands:  # no keys for a text under five words: never compared
                self._bands[ids[doc_id]] = band_keys(set(shingle_list)) if shingle_list else array("q")
            if doc_id in scope:
                repeats[doc_id] = _passages(text, shingle_list)
        pairs = self._near_duplicates(scope, ids)
        self._write(scope, pairs, repeats)
        flagged = self.flagged_documents()
        return {doc_id: flagged[doc_id] for doc_id in sorted(scope) if doc_id in flagged}

    def _texts(self, doc_ids: set[int]) -> Iterable[tuple[int, str]]:
        ordered = sorted(doc_ids)
        for n in range(0, len(ordered), 500):  # SQLite limits the parameters of one statement
            chunk = ordered[n:n + 500]
            yield from self._store.query(
                f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk))

    def _near_duplicates(self, scope: set[int], ids: dict[int, str]) -> dict[tuple[int, int], float]:
        buckets: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(BANDS)]
        for doc_id, sha in ids.items():
            keys = self._bands.get(sha)
            if keys is not None:
                for band, key in zip(buckets, keys):
                    band[key].append(doc_id)
        candidates: set[tuple[int, int]] = set()
        for doc_id in sorted(scope):
            near: set[int] = set()
            for band, key in zip(buckets, self._bands[ids[doc_id]]):
                near.update(band[key])
                if len(near) > MAX_CANDIDATES:
                    break  # a wire story with hundreds of copies: enough of them to list the closest
            near.discard(doc_id)
            if len(near) > MAX_CANDIDATES:
                near = set(heapq.nsmallest(MAX_CANDIDATES, near))
            candidates.update((min(doc_id, o), max(doc_id, o)) for o in near)
        sets: dict[int, set[int]] = {}
        needed = {d for pair in candidates for d in pair}
        for doc_id, text in self._texts(needed):
            sets[doc_id] = set(shingles(word_hashes(text)))
        pairs = {}
        for a, b in candidates:
            score = jaccard(sets[a], sets[b])
            if score >= NEAR_DUPLICATE_THRESHOLD:
                pairs[(a, b)] = score
        return pairs

    def _write(self, scope: set[int], pairs: dict[tuple[int, int], float],
               repeats: dict[int, list[tuple[int, int, int, int, int]]]) -> None:
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
                self._store.notify(Change("document_changed", document_id=doc_id))
