"""What the document list asks the core: ids in list order, a page of rows, filters answered in SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.corpus.documents import DocumentQuery, _listing_sql
from annotator.core.corpus.duplicates import flagged_among
from annotator.core.project import Project

OUTLETS = ("Daily Ledger", "LE MONDE", "연합뉴스")


def fill(project: Project, count: int, *, first: int = 0) -> list[int]:
    """`count` short articles through the core, in one edit: titles 'Report 0000 …', three outlets."""
    ids = []
    with project.store.write():
        for n in range(first, first + count):
            doc_id = project.documents.add(title=f"Report {n:04d} on {'Ärger  im Hafen' if n % 10 == 3 else 'trade'}",
                                           text=f"Article number {n}. The harbour reopened after talks.")
            project.metadata.set(doc_id, "outlet", OUTLETS[n % 3])
            ids.append(doc_id)
    return ids


@pytest.fixture
def archive(tmp_path: Path) -> Project:
    project = Project(tmp_path / "archive.annotator")
    fill(project, 2_000)
    yield project
    project.close()


def test_the_whole_list_is_a_range_and_a_page_reads_only_its_rows(archive: Project) -> None:
    ids = archive.documents.listing()
    assert ids == range(1, 2_001)  # nothing read per document: three index look-ups
    claim = archive.codebook.by_name("Claim")
    for _ in range(3):
        archive.annotations.add(1_500, claim, 0, 7)
    page = archive.documents.page(ids[1_450:1_550])
    assert [doc.id for doc in page] == list(range(1_451, 1_551))
    assert page[0].title == "Report 1450 on trade" and page[0].status == "todo"
    assert {doc.id: doc.annotation_count for doc in page if doc.annotation_count} == {1_500: 3}
    assert archive.documents.page([7, 3, 5]) == [archive.documents.summary(i) for i in (7, 3, 5)]


def remove_documents(project: Project, first: int, last: int) -> None:
    """As another tool (or a later Annotator) might leave a file: no way to do this in the app today."""
    with project.store.write(undoable=False) as db:
        db.execute("DELETE FROM document_metadata WHERE document_id BETWEEN ? AND ?", (first, last))
        db.execute("DELETE FROM documents WHERE id BETWEEN ? AND ?", (first, last))


def test_ids_with_a_gap_still_list_in_order(archive: Project) -> None:
    fill(archive, 5, first=2_000)
    kept = fill(archive, 5, first=2_005)
    remove_documents(archive, 2_001, 2_005)
    ids = archive.documents.listing()
    assert not isinstance(ids, range)
    assert list(ids) == [*range(1, 2_001), *kept]
    assert [doc.id for doc in archive.documents.page(ids[1_998:])] == [1_999, 2_000, *kept]
    assert archive.documents.page([2_001]) == []  # removed since it was listed: left out, no error


def test_filters_match_as_the_analyst_reads_case_spacing_and_scripts(archive: Project) -> None:
    listing = archive.documents.listing
    harbour = list(listing(DocumentQuery(title="ärger IM   hafen")))
    assert harbour == [n + 1 for n in range(2_000) if n % 10 == 3]
    monde = list(listing(DocumentQuery(field="outlet", field_text="le monde")))
    assert monde == [n + 1 for n in range(2_000) if n % 3 == 1]
    assert list(listing(DocumentQuery(field=None, field_text="연합"))) == [n + 1 for n in range(2_000) if n % 3 == 2]
    # A field with nothing typed keeps the documents that have it; an unknown field keeps none.
    assert len(listing(DocumentQuery(field="outlet", field_text=""))) == 2_000
    assert len(listing(DocumentQuery(field="author", field_text=""))) == 0
    both = listing(DocumentQuery(title="hafen", field="outlet", field_text="MONDE", among=frozenset(range(1, 1_000))))
    assert list(both) == [doc_id for doc_id in harbour if doc_id in monde and doc_id < 1_000]
    assert list(listing(DocumentQuery(among=frozenset({42, 7, 99_999})))) == [7, 42]
    assert list(listing(DocumentQuery(title="no such words"))) == []


def plan(project: Project, sql: str, params=()) -> str:
    return " | ".join(row[3] for row in project.store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_pages_counts_and_filters_go_through_indexes(archive: Project) -> None:
    page = plan(archive, archive.documents._PAGE, ("[1, 2]",))
    assert "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)" in page
    assert "SEARCH a USING COVERING INDEX idx_annotations_document_id" in page  # the per-document count
    blind = plan(archive, archive.documents._PAGE_OF_CODERS, ("[1]", "[1, 2]"))
    assert "SEARCH a USING COVERING INDEX idx_annotations_coder_id" in blind  # one coder's count: no row read
    assert "USING COVERING INDEX" in plan(archive, "SELECT count(*) FROM documents")
    archive.documents.listing(DocumentQuery(title="x"))  # installs the folding functions
    sql, params = _listing_sql(DocumentQuery(field="outlet", field_text="monde", among=frozenset({1})))
    filtered = plan(archive, sql, params)
    assert "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)" in filtered
    assert "idx_document_metadata_key_value (key=?)" in filtered
    assert "SCAN d" not in filtered and "TEMP B-TREE FOR ORDER BY" not in filtered
    flags = plan(archive, "SELECT DISTINCT document_id, kind FROM document_flags "
                          "WHERE document_id IN (SELECT value FROM json_each(?)) AND dismissed = 0", ("[1]",))
    assert "idx_document_flags_document_id" in flags


def test_flags_of_a_page_are_those_not_dismissed(archive: Project) -> None:
    with archive.store.write(undoable=False) as db:
        for doc_id, kind, dismissed in ((10, "near_duplicate", 0), (10, "repeated_passage", 0),
                                        (11, "near_duplicate", 1), (900, "near_duplicate", 0)):
            db.execute("INSERT INTO document_flags(document_id, kind, other_document_id, score, dismissed) "
                       "VALUES (?, ?, 1, 0.9, ?)", (doc_id, kind, dismissed))
    assert flagged_among(archive.store, range(1, 101)) == {10: ["near_duplicate", "repeated_passage"]}
    assert flagged_among(archive.store, [900, 11]) == {900: ["near_duplicate"]}


def test_next_to_do_walks_the_list_order_and_wraps(archive: Project) -> None:
    for doc_id in (2, 3, 1_999, 2_000):
        archive.documents.set_status(doc_id, "done")
    docs = archive.documents
    assert (docs.next_not_done(None), docs.next_not_done(1), docs.next_not_done(1_998)) == (1, 4, 1)
    with archive.store.write() as db:
        db.execute("UPDATE documents SET status = 'done' WHERE id != 5")
    assert (docs.next_not_done(5), docs.next_not_done(9), docs.next_not_done(None)) == (None, 5, 5)
