"""PDF files: the text layer, page by page.

pypdf maps each font's glyphs back to Unicode (ToUnicode maps, CID fonts,
encodings) and caps how far a compressed stream may inflate, which is most of
what makes PDF text hard and hostile PDFs dangerous. A scan has pictures of
words but no text layer; rather than store an empty document it is refused
with that reason, since reading it needs OCR first.
"""

from __future__ import annotations

import io
import logging

from ..decoding import MAX_TEXT_BYTES, too_large_reason
from ..errors import ImportRefused
from . import Extracted, clean_text

NO_TEXT_LAYER = ("no text layer (scanned?); run OCR on it (for example OCRmyPDF) "
                 "and import the PDF it makes")
NOT_A_PDF = "not a PDF file (it does not start with %PDF-); check that it is the right file"
ENCRYPTED = "this PDF is password-protected; remove the password (print it to a new PDF) and import again"


def read_pdf(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    if not data.startswith(b"%PDF-"):
        raise ImportRefused(NOT_A_PDF)
    from pypdf import PdfReader  # loaded only when a PDF comes

    # pypdf warns on stderr about every repair it makes to a sloppy file; the
    # analyst can do nothing with those, and a real failure raises instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not _opens_without_password(reader):
        raise ImportRefused(ENCRYPTED)
    pages: list[str] = []
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        # Stop as soon as the text passes the limit: a hostile PDF may repeat one page forever.
        size += len(text.encode("utf-8"))
        if size > max_bytes:
            raise ImportRefused(too_large_reason(size, max_bytes))
        if text.strip():
            pages.append(text)
    if not pages:
        raise ImportRefused(NO_TEXT_LAYER)
    return Extracted(clean_text("\n\n".join(pages)), None, {}, "")


def _opens_without_password(reader) -> bool:
    # Many PDFs are encrypted only to forbid printing or copying, with an empty
    # password for reading; those open here. Anything else needs the password.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - pypdf raises several kinds for ciphers it cannot undo
        return False
