"""Bytes from a file to document text, or a refusal the user can act on.

Order matters: a byte-order mark is the author's own statement of the encoding,
so it wins; strict UTF-8 almost never decodes a legacy file by accident, so it
comes next; binary files are refused before guessing, because a guesser will
happily "decode" a PNG; only then is a legacy encoding guessed.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.import_formats import names

MAX_TEXT_BYTES = 50 * 1024 * 1024

EMPTY = "empty file"
UNKNOWN_ENCODING = "cannot tell the text encoding; save it as UTF-8 and import again"

# UTF-32 LE's mark begins with UTF-16 LE's, so the longer marks are tried first.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)

# Files analysts pick by mistake: naming the format tells them what to convert.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Word/OpenDocument file"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x7fELF", "ELF program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
)

# Text uses tab, newline, carriage return and form feed; other C0 controls in
# bulk mean machine data. A stray one (a DOS end-of-file mark) is tolerated.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SAMPLE = 64 * 1024
_CONTROL_SHARE = 0.01

# Legacy encodings a news archive plausibly holds. Leaving out DOS and Mac code
# pages and the rarer ISO-8859 parts stops the guesser from picking them for
# mostly-ASCII Western text, where they tie with cp1252 but garble accents.
_LEGACY_CANDIDATES = [
    "cp949", "euc_kr",                      # Korean
    "cp932", "euc_jp",                      # Japanese
    "gb18030", "big5",                      # Chinese
    "cp1252", "latin_1", "iso8859_15",      # Western European
    "cp1250", "iso8859_2",                  # Central European
    "cp1251", "koi8_r", "koi8_u",           # Cyrillic
    "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp874",
]
# cp949 is a superset of EUC-KR, so it decodes every EUC-KR file identically
# and also the extended Hangul that Windows editors write.
_KOREAN = {"euc_kr", "cp949"}
_HANGUL_FILLER = b"\xa4\xd4"
# Latin-script single-byte guesses that mostly-ASCII text cannot tell apart.
_LATIN_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1254", "cp1257"}
# How much more "mess" cp1252 may show than the guess and still be preferred.
_CP1252_SLACK = 0.01
# cp1252 puts curly quotes, dashes and bullets here; Latin-1 puts invisible controls.
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def decode_bytes(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    """Return (text, encoding) with line endings as \\n, or raise ImportRefused."""
    if len(data) > max_bytes:
        raise ImportRefused(too_large_reason(len(data), max_bytes))
    if not data:
        raise ImportRefused(EMPTY)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ImportRefused(_binary(f"looks like {kind}"))

    text, encoding = _decode(data)
    if _mostly_control(text):
        raise ImportRefused(_binary("many control characters"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportRefused(EMPTY)
    return text, encoding


def too_large_reason(size: int, max_bytes: int) -> str:
    return f"file too large ({_size(size)}; the limit is {_size(max_bytes)} of text)"


def _decode(data: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError:
                raise ImportRefused(
                    f"marked as {codec.upper()} but not valid {codec.upper()}; save it as UTF-8 and import again"
                ) from None

    # Without a mark, NUL bytes mean binary data or UTF-16/32 that no guesser
    # can read reliably; say both so the user knows the way out.
    if b"\x00" in data:
        raise ImportRefused(_binary("contains NUL bytes; if it is UTF-16 text, save it as UTF-8"))
    if _mostly_control(data[:_SAMPLE].decode("latin-1")):
        raise ImportRefused(_binary("many control characters"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    encoding = _guess_legacy(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRefused(UNKNOWN_ENCODING) from None
    # Hyphenated like the Unicode names above; Python accepts either spelling.
    return text, encoding.replace("_", "-")


def _guess_legacy(data: bytes) -> str:
    best = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_CANDIDATES).best()
    if best is None:
        raise ImportRefused(UNKNOWN_ENCODING)
    encoding = best.encoding
    if encoding in _KOREAN:
        encoding = _korean_codec(data)
    elif encoding in _LATIN_SINGLE_BYTE and _cp1252_fits(data, best.chaos):
        # Without C1 bytes cp1252 and Latin-1 read the same; name the standard one.
        encoding = "cp1252" if _C1_BYTES.search(data) else "latin-1"
    return encoding


def stream_encoding(head: bytes, *, whole: bool) -> tuple[str, str, int]:
    """How to read a file too large to hold, judged by its first bytes: (codec, encoding name, bytes to skip).

    The same order as decode_bytes: a byte-order mark, binary signs, strict UTF-8,
    then a legacy guess. head is the whole file when whole is true; otherwise it
    may end inside a character. The reader finds out whether the rest agrees.
    """
    if not head.strip():
        raise ImportRefused(EMPTY)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise ImportRefused(_binary(f"looks like {kind}"))
    for bom, codec, name in _BOMS:
        if head.startswith(bom):
            if not head[len(bom):].strip():
                raise ImportRefused(EMPTY)
            return codec, name, len(bom)
    if b"\x00" in head:
        raise ImportRefused(_binary("contains NUL bytes; if it is UTF-16 text, save it as UTF-8"))
    if _mostly_control(head[:_SAMPLE].decode("latin-1")):
        raise ImportRefused(_binary("many control characters"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
        return "utf-8", "utf-8", 0
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy(head)
    return encoding, encoding.replace("_", "-"), 0


def _korean_codec(data: bytes) -> str:
    """cp949 is a superset of EUC-KR, so it reads Windows files with extended Hangul.

    The one exception: EUC-KR spells a syllable outside KS X 1001 as an
    eight-byte jamo sequence starting with the Hangul filler, which only the
    euc_kr codec composes back into the syllable; cp949 would show loose jamo.
    """
    if _HANGUL_FILLER in data:
        try:
            data.decode("euc_kr")
            return "euc_kr"
        except UnicodeDecodeError:
            pass
    return "cp949"


def _cp1252_fits(data: bytes, guessed_chaos: float) -> bool:
    """Whether cp1252 reads the bytes at least as cleanly as the guesser's pick.

    On mostly-ASCII text the guesser often ties cp1250 or Latin-9 with cp1252
    and names whichever it tried first, turning à into ŕ or ñ into ń. cp1252 is
    what Western editors actually write, so it wins ties; a real cp1250 Polish
    text still reads worse in cp1252 (ą as ¹) and keeps its guess.
    """
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    match = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    return match is not None and match.chaos <= guessed_chaos + _CP1252_SLACK


def _mostly_control(text: str) -> bool:
    sample = text[:_SAMPLE]
    count = len(_CONTROL.findall(sample))
    return count > 2 and count > len(sample) * _CONTROL_SHARE


def _binary(why: str) -> str:
    return f"binary file ({why}); import {names()} files"


def size_text(size: int) -> str:
    """A size as messages write it: 51 MB, 600 KB, 12 bytes."""
    return _size(size)


def _size(size: int) -> str:
    # Binary units, named as such: the file dialogs show sizes in MiB, and the limit is counted in them.
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"
