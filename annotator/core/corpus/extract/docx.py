"""Word (.docx) files: the body's paragraphs and tables in reading order, the first heading as title.

python-docx reads the WordprocessingML faithfully (runs, tabs, breaks,
hyperlinks, styles), which a hand-written XML walk would get wrong on real
files. A .docx is a ZIP package, so before python-docx unpacks anything the
package's directory is checked: a member that would inflate far beyond its
compressed size, or a package that would unpack to more than the limit, is a
zip bomb and is refused unread. Headers, footers and the file's author
properties are left out: they hold page numbers and the name of whoever
saved the file, not the article's byline.
"""

from __future__ import annotations

import io
import zipfile

from annotator.core.common.errors import ImportRefused
from annotator.core.corpus.decoding import MAX_TEXT_BYTES
from annotator.core.corpus.extract.text import Extracted, clean_text, one_line

NOT_A_PACKAGE = ("not a Word .docx file (it is not a ZIP package; it may be renamed or damaged); "
                 "open it in Word and save it as .docx")
OLE_FILE = ("not a .docx package: a password-protected or old-format (.doc) Word file; "
            "remove the password or save it as .docx in Word, then import again")
NO_TEXT = "this Word file has no text in its body; check that it is the right file"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Word's XML compresses about 5-20 times; a hundredfold on a large member is no document.
MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024
# Pictures are stored as they are, so a real package unpacks to little more than its size.
_UNPACK_FACTOR = 4
MAX_MEMBERS = 10_000
_TITLE_STYLES = ("title", "heading")


def read_docx(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    check_package(data, max_unpacked=max_bytes * _UNPACK_FACTOR)
    import docx  # python-docx: loaded only when a Word file comes

    document = docx.Document(io.BytesIO(data))
    paragraphs: list[str] = []
    title: str | None = None
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            rows = _table_rows(block)
            if rows:
                paragraphs.append("\n".join(rows))
            continue
        text = block.text.strip()
        if not text:
            continue
        if title is None and _is_heading(block):
            title = one_line(text)
        paragraphs.append(text)
    if not paragraphs:
        raise ImportRefused(NO_TEXT)
    return Extracted(clean_text("\n\n".join(paragraphs)), title, {}, "utf-8")


def check_package(data: bytes, *, max_unpacked: int) -> None:
    """Refuse a package that is not a ZIP file or would unpack to far more than it weighs."""
    if data.startswith(_OLE_MAGIC):
        raise ImportRefused(OLE_FILE)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRefused(NOT_A_PACKAGE) from None
    if len(members) > MAX_MEMBERS:
        raise ImportRefused(f"this Word file holds {len(members)} parts, far more than any document; "
                            "it is damaged or built to exhaust memory, so it was not opened")
    # Python's zipfile never inflates a member past the size its directory
    # declares (it stops and fails the checksum), so checking the declared
    # sizes bounds what python-docx can unpack.
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise ImportRefused(
                f"this Word file looks like a zip bomb: its part {member.filename} would inflate "
                f"{ratio:.0f} times to {_mb(member.file_size)}; it was not opened"
            )
        if member.flag_bits & 0x1:
            raise ImportRefused(OLE_FILE)
    if total > max_unpacked:
        raise ImportRefused(f"this Word file would unpack to {_mb(total)}, more than the limit of "
                            f"{_mb(max_unpacked)}; it was not opened")


def _is_heading(paragraph) -> bool:
    try:
        name = (paragraph.style.name or "").casefold()
    except (AttributeError, KeyError, ValueError):
        return False  # a style the file names but does not define
    return name.startswith(_TITLE_STYLES)


def _table_rows(table) -> list[str]:
    """One line per row, cells separated by tabs; a merged cell is read once, not per grid column.

    Only the cells' own text is read: a table nested in a cell shows up in
    that cell's text, which is where the reader of the document sees it.
    """
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue  # python-docx repeats a merged cell for each grid column it spans
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append("\t".join(cells))
    return rows


def _mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes >= 10:
        return f"{megabytes:.0f} MiB"
    return f"{megabytes:.1f} MiB" if megabytes >= 1 else f"{size // 1024} KiB"
