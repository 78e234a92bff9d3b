"""A small project whose JSON Lines, Web Annotation and .qdpx exports are kept byte for byte.

The files in tests/fixtures/exports/ were written by the exporters that built each
file whole in memory; the streaming exporters must write the same bytes. The clock,
the annotator's name and the REFI-QDA GUID namespace are fixed so a rebuilt project
exports identically. `python -m tests.core.export_golden` rewrites the files: do that
only for an intended change of format, and say so in the commit.
"""

from __future__ import annotations

import re
import sys
import uuid
import zipfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

from annotator.core.interchange.refi.ids import set_namespace
from annotator.core.project import Project
from tests.support import span_of

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
STAMP = "2024-05-06T07:08:09+00:00"
_CLOCKED = ("coding.annotations", "coding.attributes", "coding.codebook", "corpus.corpus_files", "corpus.documents",
            "entities.registry", "interchange.json_formats", "corpus.importing", "interchange.refi.export")

KOREAN = ("서울 🚀 발사: 월마트 👩‍👩‍👧 와 아마존이 경쟁한다. 김지호 대변인은 \"가격이 내렸다\"고 말했다.\r\n"
          "둘째 문단 & <태그> 그대로.")
ENGLISH = "=SUM(A1) is not a formula here. Amazon and Walmart argue; Walmart said prices fell by 3%."


@contextmanager
def frozen_clock():
    with ExitStack() as stack:
        for name in _CLOCKED:
            stack.enter_context(mock.patch(f"annotator.core.{name}.now", lambda: STAMP))
        yield


def build_golden_project(path: Path, *, one_coder: bool = False) -> Project:
    """Every kind of thing the three exports write, with rowid gaps, XML-unsafe characters and CRLF.

    The annotations are signed by three coders (kim, lee and an unsigned one), or all by kim with one_coder.
    """
    p = Project(path)
    signed = (lambda name: "kim") if one_coder else (lambda name: name)
    p.annotations.annotator = "kim"
    set_namespace(p, uuid.UUID("12345678-1234-5678-1234-567812345678"))
    book = p.codebook
    org, person, claim = (book.by_name(n) for n in ("Organization", "Person", "Claim"))
    favor, against = book.by_name("Favor"), book.by_name("Against")
    book.set_memo(claim.id, "Count ‘sources say’?\r\nYes.")
    remark = book.add_attribute(org.id, "remark", "text")
    d1 = p.documents.add(title="월마트 🚀 기사", text=KOREAN)
    d2 = p.documents.add(title="=HYPERLINK(\"x\") \x07bell", text=ENGLISH)
    p.documents.add(title="Untouched", text="Nothing coded in this one.")
    p.metadata.set_many(d1, {"outlet": "한겨레", "date": "2024-05-01", "section": "경제", "gone": "x"})
    p.metadata.set_many(d2, {"outlet": "+Wire", "url": "https://news.example/a?id=1&b=<2>"})
    p.metadata.set(d1, "gone", None)
    p.documents.set_status(d2, "done")
    p.documents.set_memo(d1, "다시 확인\r\n\x01control")
    walmart = p.entities.create("Walmart", org, aliases=("월마트",), external_id="Q483551")
    p.entities.set_memo(walmart.id, "US retailer")
    amazon = p.entities.create("Amazon", org)
    family = p.annotations.add(d1, org, *span_of(KOREAN, "월마트 👩‍👩‍👧"), note="-1 check\r\nline two")
    p.annotations.link_entity(family.id, walmart.id)
    p.values.set(family.id, remark.id, "first")
    p.values.set(family.id, remark.id, None)  # a gap in the values' rowids
    p.values.set(family.id, remark.id, "  kept  ")
    gone = p.annotations.add(d1, person, *span_of(KOREAN, "김지호"))
    p.annotations.add(d1, person, *span_of(KOREAN, "김지호"))
    p.annotations.delete(gone.id)
    p.annotations.annotator = signed("lee")
    said = p.annotations.add(d1, claim, *span_of(KOREAN, "\"가격이 내렸다\""), source="김지호 대변인")
    p.annotations.set_cue(said.id, *span_of(KOREAN, "말했다"))
    verdict = next(a for a in book.attributes(claim.id) if a.name == "verdict")
    checkworthy = next(a for a in book.attributes(claim.id) if a.name == "checkworthy")
    p.values.set(said.id, verdict.id, "false")
    p.values.set(said.id, checkworthy.id, True)
    p.annotations.add(d1, favor, target="아마존", note="whole piece")
    p.annotations.add(d1, favor, target_entity_id=walmart.id, holder_entity_id=amazon.id)
    p.annotations.annotator = signed("")
    p.annotations.add(d2, org, *span_of(ENGLISH, "Walmart", 1))
    p.annotations.annotator = "kim"
    named = p.annotations.add(d2, org, *span_of(ENGLISH, "Amazon"))
    p.annotations.link_entity(named.id, amazon.id)
    p.annotations.add(d2, against, *span_of(ENGLISH, "prices fell"), target="Walmart", holder="Amazon")
    p.annotations.add(d2, against, target="Walmart")
    # The default codebook's colours are a design choice that changes; the exports must not.
    for n, label_id in enumerate(row[0] for row in p.store.query("SELECT id FROM labels ORDER BY id")):
        book.set_color(label_id, f"#{(n * 2654435761) % 0xFFFFFF:06X}")
    return p


ONE_CODER_TABLES = [("csv", "annotations", False), ("csv", "annotations", True), ("csv", "memos", False),
                    ("csv", "entities", False), ("matrix", "annotations", False), ("matrix-binary", "annotations", False),
                    ("coding", "annotations", False), ("coding", "annotations", True)]
"""(format, what, labels) of the table exports a one-coder project writes as before coders were exported."""


def build_one_coder_project(path: Path) -> Project:
    """The golden project coded by kim alone, with a codesheet kim has answered."""
    p = build_golden_project(path, one_coder=True)
    p.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    p.variables.add("actors", "multiple_choice", choices=["Walmart", "Amazon"])
    p.variables.add("words", "number")
    d1, d2 = p.documents.ids()[:2]
    p.codesheet.set_many(d1, {"topic": "Economy", "actors": ["Amazon", "Walmart"], "words": "120"}, coder="kim")
    p.codesheet.set_many(d2, {"topic": "Politics"}, coder="kim")
    return p


def table_exports(project: Project, folder: Path) -> dict[str, bytes]:
    """ONE_CODER_TABLES' bytes by fixture name (one-coder-<format>-<what>[-labels|-excel].csv)."""
    from annotator.core.interchange.formats import export

    found = {}
    for name, what, variant in ONE_CODER_TABLES:
        fixture = f"one-coder-{name}-{what}{'-labels' if variant and name == 'coding' else '-excel' if variant else ''}.csv"
        out = folder / fixture
        if name == "coding":
            export(project, name, out, what=what, labels=variant)
        else:
            export(project, name, out, what=what, excel=variant)
        found[fixture] = out.read_bytes()
    return found


def exports(project: Project, folder: Path) -> dict[str, bytes]:
    """Each export's bytes by fixture name; a .qdpx gives its members (its zip headers hold the time)."""
    from annotator.core.interchange.json_formats import export_jsonl, export_webanno
    from annotator.core.interchange.refi import export_qdpx

    export_jsonl(project, folder / "golden.jsonl")
    export_webanno(project, folder / "golden.jsonld")
    export_qdpx(project, folder / "golden.qdpx")
    found = {"golden.jsonl": (folder / "golden.jsonl").read_bytes(),
             "golden.jsonld": (folder / "golden.jsonld").read_bytes()}
    with zipfile.ZipFile(folder / "golden.qdpx") as archive:
        found["golden-members.txt"] = "".join(f"{info.filename} {info.compress_type} {info.external_attr:o}\n"
                                              for info in archive.infolist()).encode()
        for name in archive.namelist():
            data = archive.read(name)
            if name == "project.qde":  # the version of Annotator that wrote it is not part of the format
                data = re.sub(rb' origin="Annotator[^"]*"', b' origin="Annotator"', data)
            found[f"golden-{name.replace('/', '-')}"] = data
    return found


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as folder, frozen_clock():
        with build_golden_project(Path(folder) / "golden.annotator") as project:
            for old in GOLDEN.glob("golden*"):
                old.unlink()
            for name, data in exports(project, Path(folder)).items():
                (GOLDEN / name).write_bytes(data)
                print(GOLDEN / name)
        with build_one_coder_project(Path(folder) / "one-coder.annotator") as project:
            for name, data in table_exports(project, Path(folder)).items():
                (GOLDEN / name).write_bytes(data)
                print(GOLDEN / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
