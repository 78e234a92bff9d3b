"""The agreement table as CSV (exact columns of issue 14) and as text for the terminal (issue 14, item 5)."""

from __future__ import annotations

import csv

import pytest

from annotator.core.team.alpha import krippendorff_alpha, percent_agreement
from annotator.core.team.results import Agreement, band
from annotator.core.team.table import AgreementRow, format_agreement_table, write_agreement_csv

CODERS = ("Ann", "Bo")


def rows():
    data = [[1, 1], [2, 2], [3, 2], [1, 1]]
    return [
        AgreementRow("variable", "topic", CODERS, krippendorff_alpha(data, "nominal")),
        AgreementRow("variable", "topic", CODERS, percent_agreement(data)),
        AgreementRow("variable", "tone", CODERS, krippendorff_alpha([["neg", "neg"], ["neg", "neg"]], "ordinal",
                                                                     order=["neg", "pos"])),
    ]


def test_csv_has_exactly_the_issues_columns_and_an_empty_value_for_no_figure(tmp_path):
    out = tmp_path / "agreement.csv"
    assert write_agreement_csv(rows(), out) == 3
    with open(out, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["scope", "name", "measure", "level", "value", "coders", "documents", "units"]
    topic_alpha, topic_percent, tone = table[1:]
    assert topic_alpha[:4] == ["variable", "topic", "alpha", "nominal"]
    assert float(topic_alpha[4]) == krippendorff_alpha([[1, 1], [2, 2], [3, 2], [1, 1]], "nominal").value
    assert topic_alpha[5:] == ["Ann;Bo", "4", "4"]
    assert topic_percent[2:5] == ["percent", "", "0.75"]
    assert tone[2:5] == ["alpha", "ordinal", ""]  # one value throughout: no figure, not 1.0


def test_a_failed_write_leaves_the_earlier_file_whole(tmp_path):
    out = tmp_path / "agreement.csv"
    out.write_text("earlier\n", encoding="utf-8")

    def broken():
        yield rows()[0]
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        write_agreement_csv(broken(), out)
    assert out.read_text(encoding="utf-8") == "earlier\n"
    assert [p.name for p in tmp_path.iterdir()] == ["agreement.csv"]


def test_text_table_shows_figures_their_reading_and_why_one_is_missing():
    text = format_agreement_table(rows())
    lines = text.splitlines()
    assert lines[0].split() == ["scope", "name", "measure", "level", "value", "reading", "coders", "documents",
                                "units", "why", "no", "value"]
    assert "75.0%" in lines[2]
    assert lines[3].rstrip().endswith("every value is the same ('neg'): agreement cannot be told from chance")
    assert "Ann, Bo" in lines[1]
    value = krippendorff_alpha([[1, 1], [2, 2], [3, 2], [1, 1]], "nominal").value
    assert f"{value:.3f}" in lines[1] and band(value) in lines[1]


def test_text_table_without_missing_figures_has_no_reason_column():
    assert "why no value" not in format_agreement_table(rows()[:2])


def test_krippendorffs_bands():
    assert [band(v) for v in (0.9, 0.8, 0.7999, 0.667, 0.5, -0.2, None)] == [
        "reliable", "reliable", "tentative", "tentative", "unreliable", "unreliable", ""]


def test_rows_refuse_an_unknown_scope_and_figures_an_unknown_measure():
    figure = percent_agreement([[1, 1]])
    with pytest.raises(ValueError, match="unknown scope 'document'"):
        AgreementRow("document", "x", CODERS, figure)
    with pytest.raises(ValueError, match="unknown agreement measure 'kappa'"):
        Agreement("kappa", 0.5, 2, 1, 1)
    with pytest.raises(ValueError, match="either a value or the reason"):
        Agreement("alpha", None, 2, 1, 1)
