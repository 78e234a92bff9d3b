"""Hand-built .qdpx and .qdc files: one in the style of another QDA program, and hostile ones."""

from __future__ import annotations

import zipfile
from pathlib import Path

# A source as Windows tools save it: a BOM, CRLF line ends, Hangul and an emoji.
FOREIGN_TEXT = ("Walmart asked suppliers to leave AWS.\r\n"
                "월마트는 아마존을 견제했다 😀.\r\n"
                "\r\n"
                "Analysts expect more pressure on cloud vendors.\r\n")
G = "{0:08d}-0000-4000-8000-{1:012d}"


def guid(n: int, kind: int = 0) -> str:
    return G.format(kind, n)


def foreign_qde(text: str = FOREIGN_TEXT) -> str:
    """A project.qde as another tool writes it: no Annotator lines, its own code tree and extras."""
    def at(phrase: str) -> tuple[int, int]:
        start = text.index(phrase)  # positions count the file's characters, CR included
        return start, start + len(phrase)

    pressure, walmart, hangul, vendors = at("suppliers to leave AWS"), at("Walmart"), at("아마존을 견제했다"), at(
        "cloud vendors")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Retail study" origin="OtherQDA 2020">
  <Users><User guid="{guid(1, 9)}" name="Mina"/></Users>
  <CodeBook><Codes>
    <Code guid="{guid(1)}" name="Themes" isCodable="false">
      <Description>Top-level themes</Description>
      <Code guid="{guid(2)}" name="Pressure" isCodable="true" color="#c00">
        <Description>Pressure on suppliers</Description>
        <NoteRef targetGUID="{guid(3, 7)}"/>
        <Code guid="{guid(3)}" name="Cloud" isCodable="true" color="#00AA00"/>
      </Code>
    </Code>
    <Code guid="{guid(4)}" name="Entity" isCodable="false">
      <Code guid="{guid(5)}" name="Company" isCodable="true"/>
    </Code>
    <Code guid="{guid(6)}" name="Cloud" isCodable="true"/>
  </Codes></CodeBook>
  <Variables><Variable guid="{guid(1, 5)}" name="Outlet" typeOfVariable="Text"/>
    <Variable guid="{guid(2, 5)}" name="Words" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="{guid(1, 6)}" name="Retailers"><Description>All retail pieces</Description>
    <VariableValue><VariableRef targetGUID="{guid(1, 5)}"/><TextValue>mixed</TextValue></VariableValue>
    <SourceRef targetGUID="{guid(1, 2)}"/></Case></Cases>
  <Sources>
    <TextSource guid="{guid(1, 2)}" name="Walmart and AWS" plainTextPath="internal://{guid(1, 2)}.txt"
        creatingUser="{guid(1, 9)}" creationDateTime="2020-02-01T10:00:00Z">
      <Description>From the print edition</Description>
      <PlainTextSelection guid="{guid(1, 3)}" name="sel" startPosition="{pressure[0]}" endPosition="{pressure[1]}"
          creatingUser="{guid(1, 9)}" creationDateTime="2020-02-02T10:00:00Z">
        <Description>Strong wording</Description>
        <Coding guid="{guid(1, 4)}" creatingUser="{guid(1, 9)}"><CodeRef targetGUID="{guid(2)}"/></Coding>
        <Coding guid="{guid(2, 4)}"><CodeRef targetGUID="{guid(3)}"/></Coding>
        <NoteRef targetGUID="{guid(1, 7)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(2, 3)}" startPosition="{walmart[0]}" endPosition="{walmart[1]}">
        <Coding guid="{guid(3, 4)}"><CodeRef targetGUID="{guid(5)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(3, 3)}" startPosition="{hangul[0]}" endPosition="{hangul[1]}">
        <Coding guid="{guid(4, 4)}"><CodeRef targetGUID="{guid(6)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(4, 3)}" startPosition="{vendors[0]}" endPosition="{vendors[1]}">
        <Coding guid="{guid(5, 4)}"><CodeRef targetGUID="{guid(6)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(5, 3)}" startPosition="0" endPosition="7">
        <Description>an uncoded mark</Description>
      </PlainTextSelection>
      <Coding guid="{guid(6, 4)}"><CodeRef targetGUID="{guid(6)}"/></Coding>
      <NoteRef targetGUID="{guid(2, 7)}"/>
      <VariableValue><VariableRef targetGUID="{guid(1, 5)}"/><TextValue>Reuters</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{guid(2, 5)}"/><IntegerValue>27</IntegerValue></VariableValue>
    </TextSource>
    <PDFSource guid="{guid(2, 2)}" name="Annual report" path="absolute://C:/reports/walmart.pdf"/>
    <TextSource guid="{guid(3, 2)}" name="Linked elsewhere" plainTextPath="absolute:///home/mina/x.txt"/>
  </Sources>
  <Notes>
    <Note guid="{guid(1, 7)}" name="on selection"><PlainTextContent>Check the quote</PlainTextContent></Note>
    <Note guid="{guid(2, 7)}" name="source memo"><PlainTextContent>Paywalled</PlainTextContent></Note>
    <Note guid="{guid(3, 7)}" name="code memo"><PlainTextContent>Use for explicit demands only</PlainTextContent></Note>
    <Note guid="{guid(4, 7)}" name="Project diary"><PlainTextContent>Started coding in February</PlainTextContent></Note>
  </Notes>
  <Links><Link guid="{guid(1, 8)}" name="causes" originGUID="{guid(2)}" targetGUID="{guid(3)}"/></Links>
  <Sets/>
</Project>
"""


def write_qdpx(path: Path, qde: str | bytes, sources: dict[str, bytes] | None = None,
               extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (sources or {}).items():
            archive.writestr(f"sources/{name}", data)
        for name, data in (extra or {}).items():
            archive.writestr(zipfile.ZipInfo(name), data)  # ZipInfo keeps the name as given, ../ and all
    return path


def foreign_qdpx(path: Path) -> Path:
    return write_qdpx(path, foreign_qde(), {f"{guid(1, 2)}.txt": b"\xef\xbb\xbf" + FOREIGN_TEXT.encode("utf-8")})


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"><Description>&lol9;</Description></Project>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
  <Sources><TextSource guid="{g}" name="leak"><PlainTextContent>&secret;</PlainTextContent></TextSource></Sources>
</Project>
""".replace("{g}", guid(1, 2))

FOREIGN_QDC = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="OtherQDA 2020">
  <Codes>
    <Code guid="{guid(1)}" name="Economy" isCodable="false" color="#abc">
      <Description>Economic frames</Description>
      <Code guid="{guid(2)}" name="Jobs" isCodable="true" color="#00ff00"><Description>Employment</Description></Code>
      <Code guid="{guid(3)}" name="Prices" isCodable="true"/>
    </Code>
    <Code guid="{guid(4)}" name="Claim" isCodable="true"/>
  </Codes>
  <Sets/>
</CodeBook>
"""
