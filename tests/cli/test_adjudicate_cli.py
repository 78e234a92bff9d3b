"""`annotator adjudicate` (issue 14, item 6): versions side by side in a terminal, and each step taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.common.names import display_width
from annotator.core.project import Project
from tests.core.test_adjudication import code_study
from tests.support import dump, read_csv_rows


@pytest.fixture
def coded(project_location) -> tuple[Path | str, dict[str, int]]:
    path = project_location
    with Project(path) as p:
        ids = code_study(p).ids
    return path, ids


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _column(line: str, cell: str) -> int:
    return display_width(line[:line.index(cell)])


def test_versions_print_side_by_side_with_korean_aligned(coded, capsys):
    path, ids = coded
    code, out, _ = _run(capsys, "adjudicate", "--project", str(path), "--document", "1")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Document 1: 기사", "Coders: Kim, Lee; adjudicated codes in gold."]
    header = lines[lines.index("Codes:") + 1]
    assert header.split() == ["Kim", "Lee", "gold"]
    row = {line.split("#")[1].split()[0]: line for line in lines if line.startswith(("agree", "DIFFER", "alone"))
           and "#" in line}
    favor, government = row[str(ids["kim_amazon_favor"])], row[str(ids["kim_government"])]
    assert favor.startswith("agree   whole document  ") and government.startswith("DIFFER  whole document  ")
    assert "Against → 정부" in government and "Favor → 정부" in government
    # Lee's and gold's columns start at the same terminal column after a Korean cell as after a Latin one.
    lee_column = _column(header, "Lee")
    assert _column(favor, f"#{ids['lee_amazon_favor']}") == _column(government, f"#{ids['lee_government']}") \
        == lee_column
    assert _column(row[str(ids["kim_walmart_ko"])], f"#{ids['lee_walmart_ko']}") == lee_column
    assert row[str(ids["kim_azure"])].startswith("alone   entity")
    assert "↳ they differ in: verdict" in out and "↳ they differ in: entity link" in out
    answers = lines[lines.index("Answers:") + 2:]
    assert [line.split()[:2] for line in answers] == [["agree", "topic"], ["DIFFER", "tone"], ["alone", "actors"]]


def test_take_agreed_then_a_coders_item_then_clear(coded, capsys, tmp_path):
    path, ids = coded
    with Project(path) as p:
        before = dump(p)
    code, out, _ = _run(capsys, "adjudicate", "--project", str(path), "--document", "1", "--take-agreed")
    assert code == 0
    assert out.splitlines()[0] == "Took what all coders agree on into gold: 3 spans, 1 whole-document code, 1 answer."
    code, out, _ = _run(capsys, "coders", "--project", str(path))
    assert out.splitlines() == ["Kim: 7 annotations, answers for 1 document", "Lee: 6 annotations, answers for 1 document",
                                "gold (adjudicated layer): 4 annotations, answers for 1 document"]
    code, out, _ = _run(capsys, "adjudicate", "--project", str(path), "--document", "1", "--take", "Lee",
                        "--item", str(ids["lee_walmart"]), "--item", "tone")
    assert out.splitlines()[0] == "Took Lee's version into gold: 1 span, 1 answer."
    assert _run(capsys, "export", "--project", str(path), "--out", str(tmp_path / "gold.csv"), "--gold")[0] == 0
    assert sorted(r["text"] for r in read_csv_rows(tmp_path / "gold.csv")) == sorted(
        ["", "월마트", "아마존", "Walmart left AWS for Azure", "Walmart left"])
    code, out, _ = _run(capsys, "adjudicate", "--project", str(path), "--document", "1", "--clear")
    assert out.splitlines()[0] == "Cleared gold: removed 7 codes and answers."
    with Project(path) as p:
        assert dump(p) != before  # the gold layer stays, empty, and the document is no longer adjudicated
        assert p.coders.gold() is not None and not p.codesheet.is_marked(1, "gold")


def test_bad_requests_say_what_to_do(coded, capsys):
    path, ids = coded
    code, _, err = _run(capsys, "adjudicate", "--project", str(path), "--document", "1", "--take", "Park")
    assert code != 0 and "No coder is called 'Park'; the project's coders are: Kim, Lee." in err
    code, _, err = _run(capsys, "adjudicate", "--project", str(path), "--document", "7")
    assert code != 0 and "There is no document 7" in err
    code, _, err = _run(capsys, "adjudicate", "--project", str(path), "--document", "1", "--item", "3")
    assert code != 0 and "give --take CODER with it" in err
    code, _, err = _run(capsys, "export", "--project", str(path), "--out", "x.csv", "--gold")
    assert code != 0 and "no gold layer to export" in err and "Traceback" not in err
