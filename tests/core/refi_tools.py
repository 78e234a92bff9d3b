"""Small .qdpx files in the style of the QDA programs analysts bring them from.

Each is modelled on what that program writes in practice, quirks included:
- qualitative-coding (the `qc` command-line tool) points to its texts with a bare
  `plainTextPath="board_2017.txt"` while the file sits in the archive under sources/;
- NVivo 15 writes project.qde with a UTF-8 BOM and CRLF line ends, upper-case GUIDs,
  seven-digit fractional seconds, and keeps sources whose texts are identical apart;
- QualCoder keeps a flat code list (Organization, Quote, Claim, Against…) and, after a
  round trip, dates such as `2026-12-06T04:29:41+00:00Z`;
- MAXQDA and ATLAS.ti write `internal://` paths, sources with a BOM and CRLF, and dates
  without a zone or with an offset.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from tests.core.refi_files import guid

BOARD_TEXT = "The board approved the merger.\nShareholders were not consulted.\n"


@dataclass
class Src:
    """One TextSource: its name, text, where project.qde says the text is, and its codings."""

    name: str
    text: str
    path: str | None = None  # plainTextPath; None: internal://<guid>.txt
    member: str | None = None  # the archive member holding the text; None: sources/<guid>.txt
    codings: list[tuple[str, str]] = field(default_factory=list)  # (phrase, code name)
    created: str = "2026-03-01T09:15:27Z"
    bom: bool = False
    crlf: bool = False
    guid: str = ""


def tool_qdpx(path: Path, sources: list[Src], codes: list[str], *, origin: str = "QualCoder 3.6",
              dates: dict[str, str] | None = None, qde_bom: bool = False, qde_crlf: bool = False,
              upper_guids: bool = False, extra: dict[str, bytes] | None = None,
              code_tree: str | None = None) -> Path:
    """A .qdpx with a flat code list (or code_tree, raw XML), the sources, and a user named Mina.

    dates: creationDateTime values by selection phrase, written as the tool wrote them.
    """
    dates = dates or {}
    code_guids = {name: guid(n + 1) for n, name in enumerate(codes)}
    fix = (lambda g: g.upper()) if upper_guids else (lambda g: g)
    user = fix(guid(1, 9))
    out_sources, files = [], {}
    selection = 0
    for n, source in enumerate(sources):
        source.guid = source.guid or fix(guid(n + 1, 2))
        plain = source.path if source.path is not None else f"internal://{source.guid}.txt"
        member = source.member if source.member is not None else f"sources/{source.guid}.txt"
        text = source.text.replace("\n", "\r\n") if source.crlf else source.text
        files[member] = (b"\xef\xbb\xbf" if source.bom else b"") + text.encode("utf-8")
        selections = []
        for phrase, code in source.codings:
            selection += 1
            start = text.index(phrase)
            when = dates.get(phrase, "2026-03-02T10:00:00Z")
            selections.append(
                f'<PlainTextSelection guid="{fix(guid(selection, 3))}" name={quoteattr(phrase)} startPosition="{start}" '
                f'endPosition="{start + len(phrase)}" creatingUser="{user}" creationDateTime="{when}">'
                f'<Coding guid="{fix(guid(selection, 4))}" creatingUser="{user}" creationDateTime="{when}">'
                f'<CodeRef targetGUID="{fix(code_guids[code])}"/></Coding></PlainTextSelection>')
        out_sources.append(
            f'<TextSource guid="{source.guid}" name={quoteattr(source.name)} plainTextPath={quoteattr(plain)} creatingUser="{user}" '
            f'creationDateTime="{source.created}">{"".join(selections)}</TextSource>')
    tree = code_tree if code_tree is not None else "".join(
        f'<Code guid="{fix(g)}" name="{name}" isCodable="true" color="#AA00{n:02d}"/>'
        for n, (name, g) in enumerate(code_guids.items()))
    qde = (f'<?xml version="1.0" encoding="utf-8"?>\n'
           f'<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'name="Board study" origin="{origin}" creationDateTime="2026-03-01T09:00:00Z">\n'
           f'<Users><User guid="{user}" name="Mina"/></Users>\n'
           f'<CodeBook><Codes>{tree}</Codes></CodeBook>\n'
           f'<Sources>\n' + "\n".join(out_sources) + '\n</Sources>\n</Project>\n')
    if qde_crlf:
        qde = qde.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if qde_bom else b"") + qde.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", data)
        for name, content in {**files, **(extra or {})}.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return path
