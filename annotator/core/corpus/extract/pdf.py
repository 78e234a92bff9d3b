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
import re
from collections import Counter

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
# A form XObject (a drawing a page places with "Do") is read again at every placing, so it
# counts once for each.
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
# "/Name Do": placing an XObject (an image, or a form with instructions of its own).
_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s/\[\]()<>{}%])")
# pypdf follows forms within forms; deeper than this is no real document.
_MAX_FORM_DEPTH = 32


class _Budget:
    """The drawing-instruction bytes pages would make pypdf parse, per page and per file: a page drawn like
    an earlier one (its text is reused) is not counted again, and a form XObject counts at each placing."""

    def __init__(self) -> None:
        self.sizes: dict[tuple[int, int], int] = {}  # stream object -> decoded bytes
        self._form_sizes: dict[object, int] = {}  # form XObject -> the bytes one placing of it reads
        self._in_form: set[object] = set()
        self.seen: set[object] = set()  # keys of pages already read
        self.read = 0

    def charge(self, page, number: int) -> object:
        """Count the page's instructions (refusing past the limits); the key its text can be cached under."""
        from pypdf.generic import ArrayObject

        contents = page.raw_get("/Contents") if "/Contents" in page else None
        refs = list(contents) if isinstance(contents, ArrayObject) else [] if contents is None else [contents]
        page_size = sum(self._size(ref) for ref in refs)
        self._check(page_size, number, new=False)  # before reading them for the forms they place
        key = _page_key(page, refs)
        if key is not None and key in self.seen:
            return key
        self.seen.add(key)
        self._check(page_size + self._placed(refs, page.get("/Resources")), number, new=True)
        return key

    def _placed(self, streams: list, resources, depth: int = 0) -> int:
        """The bytes of the form XObjects these instructions place, once per placing, forms within forms too."""
        drawn = [ref.get_object() for ref in streams]
        data = b"\n".join(stream.get_data() for stream in drawn if hasattr(stream, "get_data"))
        names = _DRAWN.findall(data)
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else {}
        total = 0
        for name, count in Counter(names).items():
            ref = xobjects.get("/" + name.decode("latin-1"))
            form = ref.get_object() if ref is not None else None
            if form is None or not hasattr(form, "get_data") or form.get("/Subtype") != "/Form":
                continue  # an image or a name it does not have: no instructions to read
            total += count * self._form_size(ref, form, resources, depth)
            if total > MAX_PAGE_CONTENT:
                break  # enough to refuse the page: the rest need not be weighed
        return total

    def _form_size(self, ref, form, resources, depth: int) -> int:
        """A form's own instructions and the forms it places in turn, once each placing."""
        from pypdf.generic import IndirectObject

        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(form)
        if key in self._form_sizes:
            return self._form_sizes[key]
        if key in self._in_form:
            return 0  # a form placing itself: pypdf does not enter it again
        if depth >= _MAX_FORM_DEPTH:
            return MAX_PAGE_CONTENT + 1  # refused: no real document nests forms this deep
        size = len(form.get_data())
        if size <= MAX_PAGE_CONTENT:
            self._in_form.add(key)
            size += self._placed([form], form.get("/Resources", resources), depth + 1)
            self._in_form.discard(key)
        self._form_sizes[key] = size
        return size

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
        if new:
            self.read += page_size
        if self.read > MAX_FILE_CONTENT:
            raise ImportRefused(TOO_MUCH_DRAWING.format(size=_mb(self.read), where=f"pages 1 to {number}",
                                                        limit=f"{_mb(MAX_FILE_CONTENT)} a file"))


def _page_key(page, refs: list) -> object:
    """What a page's text depends on, to reuse it for a page drawn the same way; None when it cannot be told."""
    from pypdf.generic import IndirectObject

    if not all(isinstance(ref, IndirectObject) for ref in refs):
        return None  # streams without an object number cannot be shared
    resources = page.raw_get("/Resources") if "/Resources" in page else None
    if isinstance(resources, IndirectObject):
        held: object = (resources.idnum, resources.generation)
    else:  # written into each page: equal when they name the same fonts and images
        held = repr(resources)
        if len(held) > _MAX_RESOURCES_KEY:
            return None
    return tuple((ref.idnum, ref.generation) for ref in refs), held, repr(page.get("/Rotate", 0))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def _opens_without_password(reader) -> bool:
    # Many PDFs are encrypted only to forbid printing or copying, with an empty
    # password for reading; those open here. Anything else needs the password.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - pypdf raises several kinds for ciphers it cannot undo
        return False
