"""Plain text: decoded exactly as before, with no title or metadata of its own."""

from __future__ import annotations

from annotator.core.corpus.decoding import MAX_TEXT_BYTES, decode_bytes
from annotator.core.corpus.extract.text import Extracted


def read_plain(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    # Stored as decoded, not tidied: offsets into a plain file must match the file itself.
    text, encoding = decode_bytes(data, max_bytes=max_bytes)
    return Extracted(text, None, {}, encoding)
