"""The columns docs/csv-format.md and docs/export-formats.md document are the columns the exports write.

Each documented table is read from the Markdown (the first column of the table under
the export's heading) and matched, in order, against the header the export actually
writes for a small project. A column added to the code and not the docs, or to the
docs and not the code, fails here. Names like `attr_…` or `meta_<key>` stand for one
column or more with that prefix; the matrix's descriptive row stands for the labels.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from annotator.core.interchange.formats import export
from annotator.core.interchange.json_formats import JSONL_FIELDS
from annotator.core.project import Project
from tests.core.engines import ENGINES, location

pytestmark = pytest.mark.both_engines

DOCS = Path(__file__).resolve().parents[2] / "docs"
CSV_FORMAT = DOCS / "csv-format.md"
EXPORT_FORMATS = DOCS / "export-formats.md"

TEXT = "월마트가 가격을 내렸다고 김지호 대변인이 말했다. Amazon said nothing."
LABEL_COLUMNS = "<one column per codable label>"


@pytest.fixture(scope="module", params=ENGINES)
def small(request, tmp_path_factory):
    """A project that fills every kind of column: metadata, attributes, entities, memos, a whole-document code."""
    p = Project(location(request, tmp_path_factory.mktemp("docs"), "small.annotator", request.param))
    org, claim, favor = (p.codebook.by_name(n) for n in ("Organization", "Claim", "Favor"))
    doc = p.documents.add(title="월마트 기사", text=TEXT)
    p.documents.set_memo(doc, "다시 확인")
    p.metadata.set_many(doc, {"outlet": "한겨레", "section": "경제"})
    walmart = p.entities.create("Walmart", org, aliases=("월마트",))
    p.entities.tag_and_link(doc, org, *_span("월마트가"))
    said = p.annotations.add(doc, claim, *_span("월마트가 가격을 내렸다고"), source_entity_id=walmart.id)
    p.annotations.set_cue(said.id, *_span("말했다"))
    p.annotations.update(said.id, note="check")
    verdict = next(a for a in p.codebook.attributes(claim.id) if a.name == "verdict")
    p.values.set(said.id, verdict.id, "false")
    p.annotations.add(doc, favor, target="아마존")
    p.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    p.codesheet.set(doc, "topic", "Economy")
    yield p
    p.close()


def _span(piece: str) -> tuple[int, int]:
    start = TEXT.index(piece)
    return start, start + len(piece)


def _written_header(project: Project, tmp_path: Path, fmt: str, what: str = "annotations") -> list[str]:
    out = tmp_path / f"{fmt}-{what}.csv"
    export(project, fmt, out, what=what)
    with out.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


# -- reading the docs ----------------------------------------------------------------------


def _section(doc: Path, heading: str) -> str:
    """The text under `heading` (a whole line), up to the next heading of its level or above."""
    text = doc.read_text(encoding="utf-8")
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    following = re.search(rf"^#{{1,{len(level)}}} ", text[start:], flags=re.MULTILINE)
    return text[start:start + following.start()] if following else text[start:]


def documented_columns(doc: Path, heading: str) -> list[str]:
    """The first column of the first table under `heading`: every `name` in each cell, in order.

    A cell with no `name` in it describes columns in words (the matrix's labels).
    """
    lines = [line for line in _section(doc, heading).splitlines() if line.startswith("|")]
    columns: list[str] = []
    for row in lines[2:]:  # after the header row and the |---| line
        if not row.startswith("|"):
            break
        cell, meaning = row.split("|")[1:3]
        names = re.findall(r"`([^`]+)`", cell)
        # A column written only when the file holds several coders' codes is marked name?.
        several = re.match(r"\s*only (when|with) .*several coders", meaning, flags=re.IGNORECASE) is not None
        columns.extend([f"{name}?" for name in names] if several else names or [LABEL_COLUMNS])
    return columns


def matches(header: list[str], documented: list[str], labels: list[str], *, coders: bool = False) -> bool:
    """Whether the header is the documented columns, in order: a name stands for itself, a name
    ending … or <…> for one or more columns with its prefix, LABEL_COLUMNS for the label names,
    a name ending ? for itself in a file of several coders' codes (`coders`) and for nothing otherwise."""
    pattern = ""
    for name in documented:
        if name.endswith("?"):
            pattern += re.escape(name[:-1]) + "\n" if coders else ""
        elif name == LABEL_COLUMNS:
            pattern += "".join(re.escape(label) + "\n" for label in labels)
        elif name.endswith("…") or re.search(r"<[^>]+>$", name):
            prefix = re.sub(r"(…|<[^>]+>)$", "", name)
            pattern += f"(?:{re.escape(prefix)}[^\n]+\n)+"
        else:
            pattern += re.escape(name) + "\n"
    return re.fullmatch(pattern, "".join(column + "\n" for column in header)) is not None


# -- CSV files (docs/csv-format.md) --------------------------------------------------------


@pytest.mark.parametrize("what", ["annotations", "documents", "entities", "memos"])
def test_each_csv_file_writes_exactly_the_columns_csv_format_documents(small, tmp_path, what):
    documented = documented_columns(CSV_FORMAT, f"## {what}.csv")
    header = _written_header(small, tmp_path, "csv", what)
    assert matches(header, documented, []), f"{what}.csv writes {header}; docs/csv-format.md lists {documented}"


@pytest.fixture(scope="module", params=ENGINES)
def two_coders(request, tmp_path_factory):
    """A project two coders have coded: the tables tell their codes apart."""
    p = Project(location(request, tmp_path_factory.mktemp("coders"), "two.annotator", request.param))
    org = p.codebook.by_name("Organization")
    doc = p.documents.add(title="월마트 기사", text=TEXT)
    p.metadata.set(doc, "outlet", "한겨레")
    p.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    for coder in ("kim", "lee"):
        p.annotations.annotator = coder
        p.entities.tag_and_link(doc, org, *_span("월마트가"))
        p.codesheet.set(doc, "topic", "Economy")
    yield p
    p.close()


@pytest.mark.parametrize("fmt, what, doc, heading", [
    ("csv", "annotations", CSV_FORMAT, "## annotations.csv"),
    ("matrix", "annotations", EXPORT_FORMATS, "## Document × label matrix (`matrix`, `matrix-binary`)"),
    ("coding", "annotations", EXPORT_FORMATS, "## Document coding table (`coding`)"),
])
def test_several_coders_tables_write_exactly_the_documented_coder_columns(two_coders, tmp_path, fmt, what, doc,
                                                                          heading):
    documented = documented_columns(doc, heading)
    assert any(name.endswith("?") for name in documented), f"{heading} documents no column for several coders"
    header = _written_header(two_coders, tmp_path, fmt, what)
    labels = [label.name for label in two_coders.codebook.codable_labels()] if fmt != "csv" else []
    assert matches(header, documented, labels, coders=True), f"{fmt} writes {header}; the docs list {documented}"


def test_the_spss_recipe_reads_every_fixed_annotation_column_in_order(small, tmp_path):
    recipe = re.search(r"/VARIABLES=(.*?)\.\n", _section(CSV_FORMAT, "### SPSS"), flags=re.DOTALL).group(1)
    names = recipe.split()[::2]  # name format name format ...
    header = _written_header(small, tmp_path, "csv")
    assert names == [column for column in header if not column.startswith("attr_")]


# -- the other tables (docs/export-formats.md) ---------------------------------------------


@pytest.mark.parametrize("fmt, heading", [
    ("matrix", "## Document × label matrix (`matrix`, `matrix-binary`)"),
    ("matrix-binary", "## Document × label matrix (`matrix`, `matrix-binary`)"),
    ("coding", "## Document coding table (`coding`)"),
])
def test_each_table_writes_exactly_the_columns_export_formats_documents(small, tmp_path, fmt, heading):
    documented = documented_columns(EXPORT_FORMATS, heading)
    header = _written_header(small, tmp_path, fmt)
    labels = [label.name for label in small.codebook.codable_labels()]
    assert matches(header, documented, labels), f"{fmt} writes {header}; docs/export-formats.md lists {documented}"


def test_the_json_lines_example_has_exactly_the_fields_a_record_has(small, tmp_path):
    block = re.search(r"```json\n(.*?)```", _section(EXPORT_FORMATS, "## JSON Lines (`jsonl`)"), flags=re.DOTALL)
    example = json.loads(block.group(1))
    out = tmp_path / "corpus.jsonl"
    export(small, "jsonl", out)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["spans"] and record["document_codes"]
    assert list(example) == list(record)
    assert list(example["spans"][0]) == list(record["spans"][0])
    assert list(example["document_codes"][0]) == list(record["document_codes"][0])
    # The export dialog lists the same fields, in the same order, for the preview.
    assert JSONL_FIELDS == [*list(record)[:-2], *(f"spans[].{f}" for f in record["spans"][0]),
                            *(f"document_codes[].{f}" for f in record["document_codes"][0])]


# -- the matcher itself ----------------------------------------------------------------------


def test_the_matcher_takes_a_several_coders_column_only_for_several_coders():
    documented = ["document_id", "coder?", LABEL_COLUMNS]
    assert matches(["document_id", "Claim"], documented, ["Claim"])
    assert not matches(["document_id", "coder", "Claim"], documented, ["Claim"])
    assert matches(["document_id", "coder", "Claim"], documented, ["Claim"], coders=True)
    assert not matches(["document_id", "Claim"], documented, ["Claim"], coders=True)


def test_the_matcher_fails_on_a_column_missing_from_either_side():
    documented = ["document_id", "title", "meta_<key>", LABEL_COLUMNS]
    assert matches(["document_id", "title", "meta_outlet", "meta_x", "Claim"], documented, ["Claim"])
    assert not matches(["document_id", "title", "meta_outlet", "Claim", "extra"], documented, ["Claim"])
    assert not matches(["document_id", "meta_outlet", "Claim"], documented, ["Claim"])
    assert not matches(["document_id", "title", "Claim"], documented, ["Claim"])  # a prefix needs a column
    assert not matches(["title", "document_id", "meta_outlet", "Claim"], documented, ["Claim"])  # order counts
