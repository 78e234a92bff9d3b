"""The coding table gets one column per document variable: codes, or choice labels with --labels."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.formats import export
from annotator.core.project import Project

pytestmark = pytest.mark.both_engines


@pytest.fixture
def coded(project: Project):
    p = project
    p.annotations.annotator = "Kim"
    first = p.documents.add(title="월마트 기사", text="월마트가 가격을 내렸다.")
    second = p.documents.add(title="Second", text="Nothing answered here.")
    p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    p.variables.add("Actors seen", "multiple_choice", choices=[(10, "Government"), (20, "Business"), (30, "NGO")])
    p.variables.add("paywall", "yes_no")
    p.variables.add("change", "number")
    p.variables.add("published", "date")
    p.variables.add("quoted", "text")
    p.codesheet.set_many(first, {"topic": "Politics", "Actors seen": "NGO; Government", "paywall": "no",
                                 "change": "-2.5", "published": "2025-05-03", "quoted": "=김지호"})
    return p, first, second


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def test_each_variable_is_a_column_of_codes_after_the_other_columns(coded, tmp_path):
    p, first, second = coded
    out = tmp_path / "coding.csv"
    export(p, "coding", out)
    rows = _rows(out)
    header = list(rows[0])
    assert header[-6:] == ["var_topic", "var_actors_seen", "var_paywall", "var_change", "var_published", "var_quoted"]
    assert "coder" not in header  # one coder: no coder column (issue 14, item 7)
    assert {k: v for k, v in rows[0].items() if k.startswith("var_")} == {
        "var_topic": "2", "var_actors_seen": "10; 30", "var_paywall": "0", "var_change": "-2.5",
        "var_published": "2025-05-03", "var_quoted": "=김지호"}
    assert all(rows[1][column] == "" for column in header[-6:])  # not answered: empty


def test_with_labels_choices_are_written_as_what_they_mean(coded, tmp_path):
    p, _first, _second = coded
    out = tmp_path / "coding.csv"
    export(p, "coding", out, labels=True)
    row = _rows(out)[0]
    assert (row["var_topic"], row["var_actors_seen"], row["var_paywall"]) == ("Politics", "Government; NGO", "no")
    assert row["var_change"] == "-2.5"


def test_the_excel_variant_keeps_numbers_numbers_and_makes_formula_text_inert(coded, tmp_path):
    p, _first, _second = coded
    out = tmp_path / "coding-excel.csv"
    export(p, "coding", out, excel=True)
    row = _rows(out, "utf-8-sig")[0]
    assert row["var_change"] == "-2.5" and row["var_quoted"] == "'=김지호"


def test_labels_are_refused_for_a_format_without_choice_answers(coded, tmp_path):
    with pytest.raises(ProjectError, match="export it without --labels"):
        export(coded[0], "matrix", tmp_path / "m.csv", labels=True)
    assert not (tmp_path / "m.csv").exists()


def test_the_only_coders_answers_show_when_the_current_coder_has_coded_nothing(coded, tmp_path):
    p, _first, _second = coded
    p.annotations.annotator = "someone else"  # e.g. the command line's login name
    out = tmp_path / "coding.csv"
    export(p, "coding", out)
    assert _rows(out)[0]["var_topic"] == "2"
