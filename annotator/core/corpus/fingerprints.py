"""Fingerprints for the near-duplicate check: computed once per document, kept in the project.

A document's fingerprint is BANDS locality-sensitive keys from a one-permutation
MinHash signature of its 5-word shingles (see duplicates.py for the method). Import
computes it while the article's text is in memory and stores it beside the document
(table document_fingerprints, schema 5), so a later session compares new articles
with 100,000 old ones without reading their text back.

Speed matters here (it runs once per imported article): the text is casefolded
once and tokenised in one regular-expression pass, every step after that maps a C
function over a list, and the only Python loop (MinHash) runs over the distinct
shingles. Candidate pairs are found band by band with dictionaries built in C.
"""

from __future__ import annotations

import re
import struct
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress

SHINGLE_WORDS = 5
MIN_REPEAT_WORDS = 40
MAX_REPEATS = 20  # per document
MAX_SHINGLE_OCCURRENCES = 16  # a phrase more frequent than this is a chant or a list, not a passage

# LSH: BANDS bands of ROWS MinHash values. Two documents become candidates when any band
# agrees, which happens with probability 1 - (1 - J**5)**25: above 0.9999 at J = 0.8
# and below 1e-5 at J = 0.05, so unrelated articles are rarely compared at all.
BANDS, ROWS = 25, 5
BINS = 128  # a power of two, so a value's top bits choose its bin; BANDS * ROWS of them are used
_BIN_SHIFT = 64 - 7
_EMPTY = 1 << 63  # above every signed 64-bit hash
_KEY_MASK = 0xFFFFFFFF  # keys are stored as 32 bits: chance agreements are few and the exact check drops them
_PACK = struct.Struct(f"<{BANDS}I")

# Letters and digits, plus combining marks so an accent typed as its own code point stays in
# its word. (\w also takes the underscore, rare in news; a simpler class runs twice as fast.)
_TOKEN = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

# The same words, found in C: every non-ASCII character outside _TOKEN's class, and every
# ASCII one but letters, digits and the underscore, separates words.
_NOT_WORD = re.compile(r"[^\w\x00-\x7f\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ASCII_SEPARATORS = bytes(b if b >= 128 or chr(b).isalnum() or b == ord("_") else ord(" ") for b in range(256))

# Shingle hashes are CPython's hash of a tuple of word CRCs: stable across processes and
# 64-bit platforms, but an implementation detail. The method number folds in the hash of
# a fixed tuple, so a Python that hashes tuples differently recomputes stored keys
# instead of silently never matching them.
# A text longer than this is fingerprinted a chunk at a time into arrays of a few bytes per
# word: the word lists, tuples and sets of the direct way take hundreds of bytes per word,
# which made a 48 MB file cost 2 GB (issue 11, item 5).
CHUNK_CHARS = 1 << 20
ChunkCallback = Callable[[float], "bool | None"]

METHOD = zlib.crc32(f"oph-{BINS}x{BANDS}x{ROWS}-v1:{hash((1, 2, 3, 4, 5))}".encode()) & 0x7FFFFFFF


class Cancelled(Exception):
    """The caller's on_chunk answered False: the fingerprint was abandoned between chunks."""


@dataclass(frozen=True)
class Fingerprint:
    """What import keeps of a text for the duplicate check.

    bands: the packed LSH keys (empty for a text under five words, which is never compared).
    passages: repeated passages inside the text, as repeated_passages gives them.
    """

    bands: bytes
    passages: list[tuple[int, int, int, int, int]] = field(default_factory=list)


def fingerprint(text: str, *, on_chunk: ChunkCallback | None = None) -> Fingerprint:
    """The LSH keys of a text and its repeated passages; safe to run on any thread.

    A text longer than CHUNK_CHARS is read a chunk at a time into compact arrays (see
    _large_fingerprint): the same keys, in a few bytes per word instead of hundreds.
    on_chunk(fraction done) runs between chunks; returning False raises Cancelled.
    """
    if len(text) > CHUNK_CHARS:
        return _large_fingerprint(text, on_chunk)
    hashes = list(map(zlib.crc32, _words(text)))
    shingle_list = list(map(hash, zip(*(hashes[i:] for i in range(SHINGLE_WORDS)))))
    distinct = set(shingle_list)
    bands = _PACK.pack(*band_keys(distinct)) if distinct else b""
    # A repeated run of n shingles leaves at least n surplus shingles: most texts stop here,
    # and the few that do not are searched word for word, exactly.
    surplus = len(shingle_list) - len(distinct)
    passages = repeated_passages(text) if surplus >= MIN_REPEAT_WORDS - SHINGLE_WORDS + 1 else []
    return Fingerprint(bands, passages)


def _words(text: str) -> list[bytes]:
    """The text's words as word_hashes reads them (runs of _TOKEN characters, casefolded), in UTF-8.

    Three passes in C instead of a regular expression per word: non-ASCII characters
    that are not word characters become spaces, ASCII ones too (a byte table), and
    the bytes split on whitespace, giving the same words at half the cost.
    """
    # Casefolding the whole text first gives the same words as casefolding each word; where it
    # might not (a rare letter whose casefold splits a token), only which documents are
    # proposed for comparison could change, never a score.
    folded = text.casefold()
    if not folded.isascii():
        folded = _NOT_WORD.sub(" ", folded)
    return folded.encode().translate(_ASCII_SEPARATORS).split()


def band_keys(shingle_set: Iterable[int]) -> list[int]:
    """The LSH keys, one per band, from a one-permutation MinHash signature of the shingles."""
    signature = [_EMPTY] * BINS
    _lower(signature, shingle_set)
    return _keys(signature)


def _lower(signature: list[int], shingle_set: Iterable[int]) -> None:
    """Lower each bin of the signature to the least shingle hash that falls in it."""
    for h in shingle_set:
        # Tuple hashes end with a multiply that spreads every input bit into the top bits,
        # so those choose the bin; a negative bin indexes the list's upper half.
        b = h >> _BIN_SHIFT
        if h < signature[b]:
            signature[b] = h


def _keys(signature: list[int]) -> list[int]:
    if _EMPTY in signature:
        # Short texts leave bins empty: each borrows the next filled bin's value, shifted by
        # the distance, so similar short texts still agree on most bins (densification).
        j = next(i for i, v in enumerate(signature) if v != _EMPTY) + BINS  # wraps around
        for i in range(BINS - 1, -1, -1):
            if signature[i] != _EMPTY:
                j = i
            else:
                signature[i] = signature[j % BINS] + (j - i) * (1 << 64)
    return [hash(tuple(signature[k * ROWS:(k + 1) * ROWS])) & _KEY_MASK for k in range(BANDS)]


def candidates(doc_ids: list[int], packed: bytes | bytearray, scope: set[int],
               limit: int) -> dict[int, list[int]]:
    """For each document in scope, the documents sharing a band key with it (at most `limit`, lowest ids).

    doc_ids[n] owns the n-th BANDS keys of `packed`. One band at a time: a band whose
    keys are all different (the usual case) costs one set built in C.
    """
    if not doc_ids:
        return {}
    keys = memoryview(bytes(packed)).cast("I")
    groups: dict[int, list[list[int]]] = {}
    for band in range(BANDS):
        column = keys[band::BANDS].tolist()
        if len(set(column)) == len(column):
            continue
        members: dict[int, list[int]] = {}
        for key, count in Counter(column).items():
            if count > 1:
                members[key] = []
        for key, doc_id in zip(column, doc_ids):
            group = members.get(key)
            if group is not None:
                group.append(doc_id)
        for group in members.values():
            if any(d in scope for d in group):
                for d in group:
                    if d in scope:
                        groups.setdefault(d, []).append(group)
    found: dict[int, list[int]] = {}
    for doc_id, its_groups in groups.items():
        near: set[int] = set()
        for group in its_groups:
            near.update(group)
            if len(near) > limit:
                break  # a wire story with hundreds of copies: enough of them to list the closest
        near.discard(doc_id)
        found[doc_id] = sorted(near)[:limit]
    return found


# -- words, shingles and repeated runs ---------------------------------------------------

def word_hashes(text: str) -> list[int]:
    """A stable hash per word, so fingerprints agree between sessions and machines."""
    return list(map(zlib.crc32, map(str.encode, map(str.casefold, _TOKEN.findall(text)))))


def shingles(words: list[int]) -> list[int]:
    """One hash per run of SHINGLE_WORDS words, in text order (a shorter text has none)."""
    # Tuples of ints hash the same in every process (only str hashing is randomised).
    return list(map(hash, zip(*(words[i:] for i in range(SHINGLE_WORDS)))))


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
    return _longest(runs)


def _longest(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(first word, repeat's first word, words) of the longest runs (words, i, j) whose repeats do not overlap."""
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


# -- long texts, a chunk at a time ---------------------------------------------------------

def _large_fingerprint(text: str, on_chunk: ChunkCallback | None) -> Fingerprint:
    """fingerprint() of a long text: the same keys, and the same repeated runs, in compact arrays.

    Words are hashed a chunk at a time into 4 bytes each, shingles into 8 bytes each, and
    the MinHash signature is lowered chunk by chunk (a minimum does not care about order).
    """
    pieces = list(_pieces(text))
    words = array("I")
    firsts: list[int] = []  # the index of each piece's first word
    for n, (start, end) in enumerate(pieces):
        firsts.append(len(words))
        words.extend(map(zlib.crc32, _words(text[start:end])))
        _tick(on_chunk, 0.5 * (n + 1) / len(pieces))
    firsts.append(len(words))
    shingle_array = array("q")
    signature = [_EMPTY] * BINS
    count = max(0, len(words) - SHINGLE_WORDS + 1)
    step = CHUNK_CHARS // 8  # words per round: a piece's worth
    for first in range(0, count, step):
        piece = words[first:first + step + SHINGLE_WORDS - 1]
        hashed = list(map(hash, zip(*(piece[i:] for i in range(SHINGLE_WORDS)))))
        shingle_array.extend(hashed)
        _lower(signature, set(hashed))
        _tick(on_chunk, 0.5 + 0.4 * min(1.0, (first + step) / count))
    del words
    bands = _PACK.pack(*_keys(signature)) if shingle_array else b""
    runs = _anchored_runs(shingle_array)
    del shingle_array
    passages = _offsets(text, pieces, firsts, runs)
    _tick(on_chunk, 1.0)
    return Fingerprint(bands, passages)


def _tick(on_chunk: ChunkCallback | None, fraction: float) -> None:
    if on_chunk is not None and on_chunk(fraction) is False:
        raise Cancelled


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of at most CHUNK_CHARS, each cut at whitespace so no word is split.

    Casefolding and the word split work character by character, so the pieces' words are
    the whole text's words. A piece without any whitespace (a megabyte of one "word") is cut
    where it ends.
    """
    start, size = 0, len(text)
    while start < size:
        end = min(start + CHUNK_CHARS, size)
        if end < size:
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end), text.rfind("\t", start, end))
            end = cut + 1 if cut > start else end
        yield start, end
        start = end


def _anchored_runs(shingle_array: array) -> list[tuple[int, int, int]]:
    """repeated_runs() without a pair set or a Counter over every shingle.

    A repeated run of min_run shingles or more holds a shingle at a multiple of min_run (an
    anchor): every position whose shingle equals an anchor's seeds a pair, which is then
    extended both ways along its diagonal, once per run. A shingle found more than
    MAX_SHINGLE_OCCURRENCES times is a chant or a list, as in repeated_runs, and seeds nothing.
    """
    min_run = MIN_REPEAT_WORDS - SHINGLE_WORDS + 1
    size = len(shingle_array)
    anchors = set(shingle_array[::min_run])
    hits = list(compress(range(size), map(anchors.__contains__, shingle_array)))
    del anchors
    where: dict[int, list[int]] = defaultdict(list)
    for position in hits:
        where[shingle_array[position]].append(position)
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)  # diagonal -> runs found on it
    runs = []
    for positions in where.values():
        if not 1 < len(positions) <= MAX_SHINGLE_OCCURRENCES:
            continue
        for n, i in enumerate(positions):
            for j in positions[n + 1:]:
                if any(start <= i < end for start, end in covered[j - i]):
                    continue
                start, length = _extend(shingle_array, i, j)
                covered[j - i].append((start, start + length))
                words = min(length + SHINGLE_WORDS - 1, j - i)
                if length >= min_run and words >= MIN_REPEAT_WORDS:
                    runs.append((words, start, start + j - i))
    return _longest(runs)


def _extend(s: array, i: int, j: int) -> tuple[int, int]:
    """(first, length) of the longest run of equal shingles s[first + k] == s[first + (j - i) + k] through i."""
    while i > 0 and s[i - 1] == s[j - 1]:
        i, j = i - 1, j - 1
    length, size, block = 0, len(s), 4096
    while j + length + block <= size and s[i + length:i + length + block] == s[j + length:j + length + block]:
        length += block  # compared a block at a time in C: a repeated half of a book is millions long
    while j + length < size and s[i + length] == s[j + length]:
        length += 1
    return i, length


def _offsets(text: str, pieces: list[tuple[int, int]], firsts: list[int],
             runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int, int]]:
    """The runs' word numbers as code points of the text, reading only the pieces they fall in."""
    needed = {w for i, j, words in runs for w in (i, i + words - 1, j, j + words - 1)}
    spans: dict[int, tuple[int, int]] = {}
    for n, (start, end) in enumerate(pieces):
        wanted = [w for w in needed if firsts[n] <= w < firsts[n + 1]]
        if not wanted:
            continue
        found = [m.span() for m in _TOKEN.finditer(text, start, end)]
        if len(found) != firsts[n + 1] - firsts[n]:
            continue  # the two word splits disagree here (a rare casefold): leave its runs out
        spans.update((w, found[w - firsts[n]]) for w in wanted)
    return [(spans[i][0], spans[i + w - 1][1], spans[j][0], spans[j + w - 1][1], w) for i, j, w in runs
            if all(k in spans for k in (i, i + w - 1, j, j + w - 1))]
