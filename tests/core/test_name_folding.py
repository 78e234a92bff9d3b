"""Names match the same way on every path: case, width, spacing and Unicode composition aside.

"ＡＷＳ" (full width, as Korean and Japanese keyboards type it) is AWS, and a Korean name
written in decomposed jamo (as macOS file names and some pasted text carry it) is the
same name as its composed form. The registry has always known this; the annotation
table's filters, stance targets and the export's attribute columns must agree with it.
"""

from __future__ import annotations

import csv
import unicodedata

import pytest

from annotator.core.coding import annotation_choices as choices
from annotator.core.coding import annotation_query as q
from annotator.core.coding.annotation_query import AnnotationFilter
from annotator.core.interchange.tables import attribute_columns, export_annotations

pytestmark = pytest.mark.both_engines

TEXT = "AWS는 월마트가 떠났다고 밝혔다. Amazon Web Services grew."
WIDE_AWS = "ＡＷＳ"
SPLIT_WALMART = unicodedata.normalize("NFD", "월마트")  # conjoining jamo: no casefold makes it 월마트


@pytest.fixture
def coded(project, label):
    doc = project.documents.add(title="월마트 기사", text=TEXT)
    org = label("Organization")
    aws = project.entities.create("AWS", org)
    walmart = project.entities.create("Walmart", org, aliases=["월마트"])
    for name, entity in (("AWS", aws), ("월마트", walmart)):
        start = TEXT.index(name)
        mention = project.annotations.add(doc, org, start, start + len(name))
        project.annotations.link_entity(mention.id, entity.id)
    stance = project.annotations.add(doc, label("Against"), 0, TEXT.index("."), target="ＡＷＳ")
    verdict = project.codebook.add_attribute(label("Against").id, "판정", "text")
    project.values.set(stance.id, verdict.id, "ＹＥＳ")
    return {"doc": doc, "aws": aws.id, "walmart": walmart.id, "stance": stance.id}


@pytest.mark.parametrize("typed, entity", [(WIDE_AWS, "aws"), (" aws ", "aws"), (SPLIT_WALMART, "walmart")])
def test_the_registry_and_the_table_filter_find_the_same_entity(project, coded, typed, entity):
    assert project.entities.match(typed).id == coded[entity]
    assert choices.entity_named(project, typed) == coded[entity]
    assert q.count(project, AnnotationFilter(entity_id=choices.entity_named(project, typed))) == 1


def test_the_table_text_filter_finds_full_width_and_decomposed_korean_text(project, coded):
    found = q.page(project, AnnotationFilter(text_contains=WIDE_AWS), limit=10)
    assert sorted(row.text for row in found) == ["AWS", TEXT[:TEXT.index(".")]]
    assert [row.text for row in q.page(project, AnnotationFilter(text_contains=SPLIT_WALMART), limit=10)] \
        == [TEXT[:TEXT.index(".")], "월마트"]


def test_the_attribute_filter_folds_names_and_values_alike(project, coded):
    typed = AnnotationFilter(attributes=((unicodedata.normalize("NFD", "판정"), "yes"),))
    assert [row.id for row in q.page(project, typed, limit=10)] == [coded["stance"]]
    assert choices.attribute_values(project, unicodedata.normalize("NFD", "판정")) == ["ＹＥＳ"]


def test_a_stance_toward_a_full_width_target_is_a_stance_toward_the_entity(project, coded):
    assert project.annotations.documents_with_stance("AWS") == [coded["doc"]]
    assert project.annotations.documents_with_stance(WIDE_AWS) == [coded["doc"]]
    # Offered once: the free-text ＡＷＳ is the registry's AWS.
    assert len([name for name in project.annotations.targets() if name in ("AWS", WIDE_AWS)]) == 1


def test_attribute_names_that_fold_equal_share_one_export_column(project, coded, label, tmp_path):
    claim_verdict = project.codebook.add_attribute(label("Claim").id, unicodedata.normalize("NFD", "판정"), "text")
    start = TEXT.index("Amazon")
    claim = project.annotations.add(coded["doc"], label("Claim"), start, len(TEXT))
    project.values.set(claim.id, claim_verdict.id, "no")
    # Korean names have no Latin letters to name a column by: each name folded apart would be attr_attribute_N.
    assert [column for column, _name in attribute_columns(project) if column.startswith("attr_attribute")] \
        == ["attr_attribute"]
    out = tmp_path / "annotations.csv"
    export_annotations(project, out)
    with open(out, encoding="utf-8", newline="") as f:
        rows = {row["annotation_id"]: row["attr_attribute"] for row in csv.DictReader(f)}
    assert rows[str(coded["stance"])] == "ＹＥＳ" and rows[str(claim.id)] == "no"
