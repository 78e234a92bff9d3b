"""The two import reports (files, and rows of a corpus file) tell the same outcomes in the same words.

The CLI and the window show either report the same way, so an analyst reading "refused 1 row"
after a CSV import and "refused 1 file" after a folder import reads one sentence shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.corpus.corpus_files import CorpusReport, RowOutcome
from annotator.core.corpus.importing import FileOutcome, ImportReport

pytestmark = pytest.mark.both_engines


def reports(statuses: list[tuple[str, str]], **state) -> tuple[list[str], list[str]]:
    """The summary lines of a folder import and of a corpus import whose items ended alike."""
    files = ImportReport([FileOutcome(Path(f"{n}.txt"), status, reason, document_id=n)
                          for n, (status, reason) in enumerate(statuses, 1)], **state)
    rows = CorpusReport(path=Path("news.csv"), outcomes=[
        RowOutcome(f"row {n}", status, reason, document_id=n) for n, (status, reason) in enumerate(statuses, 1)],
        **state)
    return files.summary_lines(), rows.summary_lines()


MIXED = [("imported", ""), ("skipped", "same text as 1.txt"), ("refused", "empty"), ("imported", "")]


@pytest.mark.parametrize("statuses, state, files_say, rows_say", [
    ([], {}, ["Nothing to import."], ["Nothing to import from news.csv."]),
    (MIXED, {"total": 4}, [
        "Imported 2 documents, skipped 1 duplicate, refused 1 file:", "  2.txt: same text as 1.txt", "  3.txt: empty",
    ], [
        "Imported 2 documents from news.csv, skipped 1 duplicate, refused 1 row:", "  row 2: same text as 1.txt",
        "  row 3: empty",
    ]),
    (MIXED[:1], {"total": 3, "cancelled": True}, [
        "Imported 1 document.",
        "Import cancelled after 1 file; the other 2 files were not imported. "
        "Import the files again to add them (files already imported are skipped as duplicates).",
    ], [
        "Imported 1 document from news.csv.",
        "Import cancelled after 1 row; the other 2 rows were not imported. "
        "Import the file again to add them (rows already imported are skipped as duplicates).",
    ]),
    (MIXED[:1], {"total": 2, "disk_full": True}, [
        "Imported 1 document.",
        "The disk is full, so the import stopped; 1 more file was not imported. Free some disk space and import "
        "again: what was imported is kept, and is skipped as a duplicate next time.",
    ], [
        "Imported 1 document from news.csv.",
        "The disk is full, so the import stopped; 1 more row was not imported. Free some disk space and import "
        "again: what was imported is kept, and is skipped as a duplicate next time.",
    ]),
])
def test_the_same_outcomes_read_the_same_for_files_and_rows(statuses, state, files_say, rows_say):
    assert reports(statuses, **state) == (files_say, rows_say)


def test_both_reports_count_and_judge_alike():
    files = ImportReport([FileOutcome(Path("a.txt"), "imported", document_id=1, note="looks like a stub"),
                          FileOutcome(Path("b.txt"), "refused", "empty")], total=2)
    rows = CorpusReport(path=Path("news.csv"), outcomes=[RowOutcome("row 2", "imported", document_id=1),
                                                         RowOutcome("row 3", "refused", "empty")], total=2)
    for report in (files, rows):
        assert ([o.document_id for o in report.imported], len(report.skipped), len(report.refused), report.ok) \
            == ([1], 0, 1, False)
    assert [o.note for o in files.to_check] == ["looks like a stub"] and rows.to_check == []
