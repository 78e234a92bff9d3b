"""Reading REFI-QDA files without trusting them.

Nothing is ever extracted: members are read from the archive into memory, so a
member named ../../x or /etc/x cannot write anywhere, and such a name makes the
whole file refused, since no tool writes one by accident. XML is parsed by
defusedxml with DTDs forbidden: REFI-QDA files have none, and a DTD is how
entity expansion ("billion laughs") and external-entity reads come in. Sizes are
checked against what is actually read, not what the archive claims.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as safe_xml

from annotator.core.common.errors import ProjectError
from annotator.core.common.names import shown
from annotator.core.corpus.decoding import MAX_TEXT_BYTES

MAX_XML_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024  # everything inside one .qdpx, uncompressed
_DRIVE = re.compile(r"^[A-Za-z]:")
# absolute://, relative://, file://, http://... (only members are ever read: this chooses the message)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AGAIN = "Nothing was imported; export the file again from the tool that made it."


class Refused(ProjectError):
    """A REFI-QDA file that cannot be imported; the message names the file, the reason and what to do."""


def local(tag: Any) -> str:
    """An element's name without its namespace: files from some tools have none."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(data: bytes, what: str) -> Element:
    try:
        return safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise Refused(f"{what} declares a DTD or entities, the way XML attacks (entity expansion, reading other "
                      f"files) do; REFI-QDA files never need them, so it was refused. {_AGAIN}") from None
    except ParseError as exc:
        raise Refused(f"{what} is not well-formed XML ({exc}). {_AGAIN}") from None


def read_limited(handle, limit: int, what: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{what} is larger than {limit // (1024 * 1024)} MiB, more than Annotator imports. "
                      "Split the project in the tool that made it and export the parts.")
    return data


def read_codebook_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return read_limited(handle, MAX_XML_BYTES, path.name)
    except OSError as exc:
        raise Refused(f"Cannot read {path}: {exc.strerror or exc}. Check the file exists and may be read.") from None


def unsafe_member(info: zipfile.ZipInfo) -> str | None:
    """Why a member's name or kind could reach outside the archive, or None when it cannot."""
    name = info.filename.replace("\\", "/")
    if "\x00" in name:
        return "holds a NUL character"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "climbs out of the archive with .."
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    return None


class Archive:
    """A .qdpx opened for reading: project.qde and the files under sources/."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.name = shown(self.path.name)  # for messages only
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise Refused(f"There is no file {self.path}. Choose an existing .qdpx file.") from None
        except (zipfile.BadZipFile, OSError) as exc:
            reason = "it is not a zip archive" if isinstance(exc, zipfile.BadZipFile) else (exc.strerror or str(exc))
            raise Refused(f"{self.name} cannot be read as a REFI-QDA project ({reason}); a .qdpx is a zip of "
                          "project.qde and its sources. Choose a .qdpx exported by a QDA program.") from None
        self._folded: dict[str, list[zipfile.ZipInfo]] = {}  # names ignoring case, for a last resort
        self._expanded = 0  # bytes of text handed out so far, a member counted once per use
        self._uses: Counter[str] = Counter()
        try:
            self._members = self._check_members()
        except BaseException:
            self._zip.close()
            raise

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in self._zip.infolist():
            why = unsafe_member(info)
            if why is not None:
                raise Refused(f"{self.name} holds a member named ‘{info.filename}’ that {why}, which could write "
                              f"outside the import; it was refused for safety. {_AGAIN}")
            if info.flag_bits & 0x1:
                raise Refused(f"{self.name} is password-protected; Annotator reads only unencrypted .qdpx files. "
                              "Export it again without a password.")
            total += info.file_size
            members[_clean(info.filename)] = info
            self._folded.setdefault(_clean(info.filename).casefold(), []).append(info)
        if total > MAX_ARCHIVE_BYTES:
            raise Refused(f"{self.name} unpacks to more than {MAX_ARCHIVE_BYTES // 1024 ** 3} GB, more than "
                          "Annotator imports. Split the project in the tool that made it and export the parts.")
        return members

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def member(self, name: str) -> zipfile.ZipInfo | None:
        """The member of that name; failing that, the one member whose name differs only in case."""
        name = _clean(name)
        found = self._members.get(name)
        if found is None and len(self._folded.get(name.casefold(), [])) == 1:
            found = self._folded[name.casefold()][0]
        return found

    def ambiguous(self, name: str) -> bool:
        name = _clean(name)
        return name not in self._members and len(self._folded.get(name.casefold(), [])) > 1

    def read(self, member: str | zipfile.ZipInfo, limit: int) -> bytes | None:
        """A member's bytes, or None when the archive has no such member."""
        info = member if isinstance(member, zipfile.ZipInfo) else self.member(member)
        if info is None:
            return None
        try:
            with self._zip.open(info) as handle:
                return read_limited(handle, limit, f"{self.name}: {info.filename}")
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise Refused(f"{self.name}: {info.filename} is damaged ({exc}). {_AGAIN}") from None

    def project_xml(self) -> Element:
        data = self.read("project.qde", MAX_XML_BYTES)
        if data is None:
            raise Refused(f"{self.name} has no project.qde inside, so it is not a REFI-QDA project. "
                          "Choose a .qdpx exported by a QDA program.")
        return parse_xml(data, f"{self.name}: project.qde")

    def source_text(self, reference: str) -> bytes | str:
        """The bytes of the source a plainTextPath names inside the archive, or why it was not read."""
        found = self.locate(reference)
        if isinstance(found, str):
            return found
        self.charge(found)
        return self.read(found, MAX_TEXT_BYTES) or b""

    def locate(self, reference: str) -> zipfile.ZipInfo | str:
        """The member a plainTextPath names, or why it is not read.

        internal://name is sources/name, as the standard says. Some tools write a path
        relative to the archive instead (board.txt, sources\\board.txt, ./board%202017.txt):
        such a path is read when it names a member, at the top or under sources/. A path
        that leaves the archive (absolute://, relative://, /x, C:\\x, ../x) is never read.
        """
        if reference.startswith("internal://"):
            name = reference[len("internal://"):]
            for candidate in dict.fromkeys((name, unquote(name))):
                if not candidate or "/" in candidate.replace("\\", "/") or candidate in (".", ".."):
                    raise Refused(f"{self.name}: a source's path ‘{reference}’ is not a plain file name in sources/. "
                                  f"{_AGAIN}")
            found = self._first([f"sources/{name}", f"sources/{unquote(name)}"])
            if isinstance(found, str):
                raise Refused(f"{self.name}: the source file sources/{name} {found}. {_AGAIN}")
            return found
        if not reference.strip():
            return "it names no file"
        if _SCHEME.match(reference):
            return f"its text is outside the .qdpx ({reference}), and Annotator never reads files a project points to"
        candidates = []
        for path in dict.fromkeys((reference, unquote(reference))):
            path = _clean(path)
            if "\x00" in path or path.startswith("/") or _DRIVE.match(path) or ".." in path.split("/"):
                return (f"its path ({reference}) leads outside the .qdpx, and Annotator reads only files inside it "
                        "and never files a project points to")
            candidates += [path, f"sources/{path}"]
        found = self._first(candidates)
        if isinstance(found, str):
            return f"its text file ({reference}) {found}"
        return found

    def check_expansion(self, references: Iterable[str]) -> None:
        """Refuse, before reading any of them, texts that would expand past the cap.

        Each source or note that names a member becomes its own copy of that text in
        the project, so a member counts once for every reference to it: 100 sources
        naming one 49 MB file are 4.9 GB, however small the archive.
        """
        qde = self.member("project.qde")
        total = qde.file_size if qde is not None else 0
        uses: Counter[str] = Counter()
        sizes: dict[str, int] = {}
        for reference in references:
            found = self.locate(reference)
            if isinstance(found, zipfile.ZipInfo):
                uses[found.filename] += 1
                sizes[found.filename] = found.file_size
                total += found.file_size
        if total > MAX_ARCHIVE_BYTES:
            raise Refused(self._too_much(total, uses, sizes))

    def charge(self, info: zipfile.ZipInfo) -> None:
        """Count one more use of a member's text (its size is checked against what is read)."""
        self._expanded += info.file_size
        self._uses[info.filename] += 1
        if self._expanded > MAX_ARCHIVE_BYTES:
            raise Refused(self._too_much(self._expanded, self._uses, {info.filename: info.file_size}))

    def _too_much(self, total: int, uses: Counter[str], sizes: dict[str, int]) -> str:
        name, times = max(uses.items(), key=lambda item: (item[1] * sizes.get(item[0], 0), item[1]),
                          default=("", 0))
        why = ""
        if times > 1:
            why = (f": {name} ({_megabytes(sizes.get(name, 0))}) is the text of {times} sources or notes, and "
                   "each gets its own copy")
        return (f"{self.name} would expand to {_megabytes(total)} of text{why}, more than the "
                f"{_megabytes(MAX_ARCHIVE_BYTES)} Annotator imports from one file. Nothing was imported; split the "
                "project in the tool that made it and export the parts.")

    def _first(self, names: list[str]) -> zipfile.ZipInfo | str:
        """The first name naming a member, or why none does."""
        for name in dict.fromkeys(names):
            found = self.member(name)
            if found is not None:
                return found
        if any(self.ambiguous(name) for name in names):
            return "matches more than one file in the archive when case is ignored, so Annotator cannot tell which"
        return "is missing from the archive"


def _clean(name: str) -> str:
    """A member name as tools mean it: / between folders, without leading ./ or doubled slashes."""
    name = re.sub(r"/{2,}", "/", name.replace("\\", "/"))
    return re.sub(r"^(\./)+", "", name)


def _megabytes(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GB" if size >= 1024 ** 3 else f"{max(1, round(size / 1024 ** 2))} MB"
