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

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES, too_large_reason
from annotator.core.corpus.extract.text import Extracted, clean_text

NO_TEXT_LAYER = ("no text layer (scanned?); run OCR on it (for example OCRmyPDF) "
                 "and import the PDF it makes")
NOT_A_PDF = "not a PDF file (it does not start with %PDF-); check that it is the right file"
ENCRYPTED = "this PDF is password-protected; remove the password (print it to a new PDF) and import again"
# pypdf reads drawing instructions at about a megabyte a second. Pages that share one content
# stream (a hostile 5 KB file can point 20 pages at one 1 MB stream) are read once; the
# instructions read in all are capped, so no PDF holds the import for more than a minute or two.
MAX_PAGE_CONTENT = 16 * 1024 * 1024
MAX_FILE_CONTENT = 64 * 1024 * 1024
TOO_MUCH_DRAWING = ("this PDF holds more drawing instructions than Annotator reads ({size} on {where}; the limit is "
                    "{limit}); print it to a new PDF or save the article as text, and import that")


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
    texts: dict[object, str] = {}  # pages drawn by the same streams with the same resources read the same
    budget = _Budget()
    for number, page in enumerate(reader.pages, start=1):
        key = budget.charge(page, number)
        if key is None or key not in texts:
            texts[key] = page.extract_text() or ""
        text = texts[key]
        # Stop as soon as the text passes the limit: a hostile PDF may repeat one page forever.
        size += len(text.encode("utf-8"))
        if size > max_bytes:
            raise ImportRefused(too_large_reason(size, max_bytes))
        if text.strip():
            pages.append(text)
    if not pages:
        raise ImportRefused(NO_TEXT_LAYER)
    return Extracted(clean_text("\n\n".join(pages)), None, {}, "")


_MAX_RESOURCES_KEY = 64 * 1024


class _Budget:
    """The content-stream bytes pages would make pypdf parse, per page and per file, counting a shared stream once."""

    def __init__(self) -> None:
        self.sizes: dict[tuple[int, int], int] = {}  # stream object -> decoded bytes
        self.read = 0

    def charge(self, page, number: int) -> object:
        """Count the page's instructions (refusing past the limits); the key its text can be cached under."""
        from pypdf.generic import ArrayObject, IndirectObject

        contents = page.raw_get("/Contents") if "/Contents" in page else None
        refs = list(contents) if isinstance(contents, ArrayObject) else [] if contents is None else [contents]
        if not all(isinstance(ref, IndirectObject) for ref in refs):
            # Streams without an object number cannot be shared: counted, never cached.
            self._check(sum(self._size(ref) for ref in refs), number, new=True)
            return None
        streams = tuple((ref.idnum, ref.generation) for ref in refs)
        new = [ref for ref in refs if (ref.idnum, ref.generation) not in self.sizes]
        page_size = sum(self._size(ref) for ref in refs)
        self._check(page_size, number, new=bool(new))
        resources = page.raw_get("/Resources") if "/Resources" in page else None
        if isinstance(resources, IndirectObject):
            held: object = (resources.idnum, resources.generation)
        else:  # written into each page: equal when they name the same fonts and images
            held = repr(resources)
            if len(held) > _MAX_RESOURCES_KEY:
                return None
        return streams, held, repr(page.get("/Rotate", 0))

    def _size(self, ref) -> int:
        from pypdf.generic import IndirectObject

        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else None
        if key is not None and key in self.sizes:
            return self.sizes[key]
        stream = ref.get_object()
        size = len(stream.get_data()) if hasattr(stream, "get_data") else 0
        if key is not None:
            self.sizes[key] = size
        return size

    def _check(self, page_size: int, number: int, *, new: bool) -> None:
        if page_size > MAX_PAGE_CONTENT:
            raise ImportRefused(TOO_MUCH_DRAWING.format(size=_mb(page_size), where=f"page {number}",
                                                        limit=f"{_mb(MAX_PAGE_CONTENT)} a page"))
        if new:  # a page drawn like an earlier one is not read again
            self.read += page_size
        if self.read > MAX_FILE_CONTENT:
            raise ImportRefused(TOO_MUCH_DRAWING.format(size=_mb(self.read), where=f"pages 1 to {number}",
                                                        limit=f"{_mb(MAX_FILE_CONTENT)} a file"))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def _opens_without_password(reader) -> bool:
    # Many PDFs are encrypted only to forbid printing or copying, with an empty
    # password for reading; those open here. Anything else needs the password.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - pypdf raises several kinds for ciphers it cannot undo
        return False
