"""Corpus files: CSV and JSON Lines with one article per row, mapped to text, title and metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.common.errors import ImportRefused, ProjectError
from annotator.core.corpus.corpus_files import (
    BATCH_ROWS,
    ColumnMapping,
    guess_mapping,
    import_corpus,
    is_corpus_file,
    sniff_corpus,
)
from annotator.core.store.database import Change
from tests.support import dump

pytestmark = pytest.mark.both_engines

BODY_1 = "서울시가 새 교통 정책을 발표했다.\n시민 단체는 \"환영\"한다고 밝혔다."
BODY_2 = "Amazon, Walmart and AWS; a line with a comma."


def write_news_csv(path: Path) -> Path:
    """Excel's "CSV UTF-8": a BOM, CRLF records, a quoted field with line breaks and quotes."""
    lines = [
        "id,제목,본문,언론사,date,lang",
        '1,서울 교통 정책,"서울시가 새 교통 정책을 발표했다.\r\n시민 단체는 ""환영""한다고 밝혔다.",한겨레,2024-03-01,ko',
        "2,No text here,,Daily Planet,2024-03-02,en",
        '3,Walmart story,"Amazon, Walmart and AWS; a line with a comma.",Daily Planet,,en',
        '4,Copy of the first,"서울시가 새 교통 정책을 발표했다.\r\n시민 단체는 ""환영""한다고 밝혔다.",연합뉴스,2024-03-01,ko',
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def test_csv_preview_reads_bom_korean_columns_and_quoted_line_breaks(tmp_path):
    preview = sniff_corpus(write_news_csv(tmp_path / "news.csv"))
    assert preview.columns == ["id", "제목", "본문", "언론사", "date", "lang"]
    assert preview.encoding == "utf-8-sig" and preview.delimiter == ","
    assert preview.row_count_estimate == 4
    assert preview.sample_rows[0]["본문"] == BODY_1
    assert preview.sample_rows[1]["본문"] == ""


def test_csv_import_makes_documents_with_metadata_and_reports_each_row(project, tmp_path):
    path = write_news_csv(tmp_path / "news.csv")
    mapping = guess_mapping(sniff_corpus(path).columns)
    assert mapping == ColumnMapping(text="본문", title="제목", date="date", outlet="언론사")
    report = import_corpus(project, path, mapping)

    assert [(o.row, o.status) for o in report.outcomes] == [
        ("row 2", "imported"), ("row 3", "refused"), ("row 4", "imported"), ("row 5", "skipped")]
    assert report.summary_lines() == [
        "Imported 2 documents from news.csv, skipped 1 duplicate, refused 1 row:",
        "  row 3: no text in the column ‘본문’; fill it in or remove the row",
        "  row 5: same text as row 2",
    ]
    first, third = (project.documents.get(o.document_id) for o in report.imported)
    assert (first.title, first.text) == ("서울 교통 정책", BODY_1)
    assert (third.title, third.text) == ("Walmart story", BODY_2)
    assert first.source == f"{path.absolute()}#row 2" and third.source.endswith("news.csv#row 4")
    assert first.encoding == "utf-8-sig"
    # Roles become the standard keys; the columns no role took keep their names; empty cells store nothing.
    assert project.metadata.get(first.id) == {"date": "2024-03-01", "outlet": "한겨레", "id": "1", "lang": "ko"}
    assert project.metadata.get(third.id) == {"outlet": "Daily Planet", "id": "3", "lang": "en"}


def test_a_second_import_of_the_same_file_skips_every_row(project, tmp_path):
    path = write_news_csv(tmp_path / "news.csv")
    mapping = guess_mapping(sniff_corpus(path).columns)
    import_corpus(project, path, mapping)
    again = import_corpus(project, path, mapping)
    assert not again.imported and len(again.skipped) == 3
    assert again.skipped[0].reason.startswith("same text as document ")
    assert project.documents.count() == 2


def test_without_keep_rest_only_the_roles_become_metadata(project, tmp_path):
    path = write_news_csv(tmp_path / "news.csv")
    report = import_corpus(project, path, ColumnMapping(text="본문", outlet="언론사", keep_rest=False))
    doc = project.documents.get(report.imported[0].document_id)
    assert project.metadata.get(doc.id) == {"outlet": "한겨레"}
    assert doc.title == "서울시가 새 교통 정책을 발표했다."  # no title column: the first line, as for text files


def test_an_other_column_named_like_a_role_keeps_its_value(project, tmp_path):
    path = tmp_path / "feeds.csv"
    path.write_text("body,source,outlet\nSome text.,rss,Daily Planet\n", encoding="utf-8")
    report = import_corpus(project, path, ColumnMapping(text="body", outlet="source"))
    assert project.metadata.get(report.imported[0].document_id) == {"outlet": "rss", "outlet (column)": "Daily Planet"}


def test_semicolon_and_tab_separated_files(project, tmp_path):
    semicolons = tmp_path / "excel-de.csv"
    semicolons.write_text("titel;text;quelle\nEins;Erster Text, mit Komma.;Zeit\n", encoding="cp1252")
    preview = sniff_corpus(semicolons)
    assert preview.delimiter == ";" and preview.sample_rows == [
        {"titel": "Eins", "text": "Erster Text, mit Komma.", "quelle": "Zeit"}]
    tabs = tmp_path / "corpus.tsv"
    tabs.write_text("headline\tcontent\nTwo\tSecond text, also with a comma.\n", encoding="utf-8")
    report = import_corpus(project, tabs, guess_mapping(sniff_corpus(tabs).columns))
    assert project.documents.get(report.imported[0].document_id).title == "Two"


def test_jsonl_import_with_numbers_lists_and_a_line_without_text(project, tmp_path):
    path = tmp_path / "articles.jsonl"
    records = [
        {"headline": "역대 최대", "body": BODY_1, "publishedAt": "2024-05-01", "link": "https://example.org/1",
         "byline": "김기자", "wordcount": 42, "tags": ["경제", "교통"], "paywall": False, "section": None},
        {"headline": "Empty", "body": "   "},
        {"headline": "Second", "body": "Line one\r\nline two", "site": "Daily Planet"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records[:2]) + "\n\n"
                    + json.dumps(records[2]) + "\n", encoding="utf-8")
    preview = sniff_corpus(path)
    assert preview.kind == "jsonl" and preview.row_count_estimate == 3
    assert preview.columns == ["headline", "body", "publishedAt", "link", "byline", "wordcount", "tags",
                               "paywall", "section", "site"]
    mapping = guess_mapping(preview.columns)
    assert mapping == ColumnMapping(text="body", title="headline", date="publishedAt", url="link",
                                    outlet="site", author="byline")
    report = import_corpus(project, path, mapping)
    assert [(o.row, o.status) for o in report.outcomes] == [
        ("line 1", "imported"), ("line 2", "refused"), ("line 4", "imported")]
    first, second = (o.document_id for o in report.imported)
    assert project.metadata.get(first) == {
        "date": "2024-05-01", "url": "https://example.org/1", "author": "김기자",
        "wordcount": "42", "tags": '["경제", "교통"]', "paywall": "false"}
    assert project.documents.get(second).text == "Line one\nline two"
    assert project.documents.get(second).source.endswith("articles.jsonl#line 4")


@pytest.mark.parametrize("columns, expected", [
    (["id", "title", "text"], ColumnMapping(text="text", title="title")),
    (["ID", "Headline", "Article", "Published", "URL", "Source", "Byline"],
     ColumnMapping(text="Article", title="Headline", date="Published", url="URL", outlet="Source", author="Byline")),
    (["기사ID", "제목", "본문", "날짜", "언론사", "기자"],
     ColumnMapping(text="본문", title="제목", date="날짜", outlet="언론사", author="기자")),
    (["source_url", "url", "article_body", "news_source"],
     ColumnMapping(text="article_body", url="url", outlet="news_source")),
    (["Content", "pub_date"], ColumnMapping(text="Content", date="pub_date")),
])
def test_guess_mapping_reads_common_column_names(columns, expected):
    assert guess_mapping(columns) == expected


def test_guess_mapping_leaves_the_text_empty_when_no_column_looks_like_it():
    assert guess_mapping(["id", "headline", "summary_html"]) == ColumnMapping(text="", title="headline")


def test_mapping_check_names_the_problem():
    with pytest.raises(ProjectError, match="There is no column ‘bdy’ for the text; the columns are: a, b"):
        ColumnMapping(text="bdy").check(["a", "b"])
    with pytest.raises(ProjectError, match="‘a’ is chosen for both text and title; choose one role per column"):
        ColumnMapping(text="a", title="a").check(["a", "b"])


def test_corpus_file_suffixes():
    assert is_corpus_file("x.CSV") and is_corpus_file("x.jsonl") and is_corpus_file("x.tsv")
    assert not is_corpus_file("x.txt") and not is_corpus_file("x.json")


@pytest.mark.parametrize("name, content, reason", [
    ("broken.csv", b'text,title\nfine,A\n"unclosed quote,B\nmore,C\n', "broken quoted field in the row starting on line 3"),
    ("wide.csv", b"text,title\nfine,A\none,two,three\n", "row 3 has 3 fields but the header names 2 columns"),
    ("empty.csv", b"", "empty file"),
    ("blank-header.csv", b",,\nsome,text,here\n", "the first row is empty; it must name the columns"),
    ("bad.jsonl", b'{"text": "ok"}\n{"text": oops}\n', "line 2 is not valid JSON"),
    ("list.jsonl", b'{"text": "ok"}\n["text"]\n', "line 2 holds a JSON list, not an object"),
    ("array.jsonl", b'[{"text": "ok"}]\n', "holds a JSON array, not one JSON object per line"),
    ("deep.jsonl", b"[" * 100_000 + b"]" * 100_000, "holds a JSON array"),
    ("deep2.jsonl", b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "line 1 is not valid JSON"),
    ("image.csv", b"\x89PNG\r\n\x1a\n....", "binary file (looks like PNG image)"),
    ("notes.txt", b"text\nhello\n", "not a corpus file; save it as .csv, .tsv or .jsonl"),
])
def test_bad_files_are_refused_whole_with_one_line(project, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(project)
    with pytest.raises(ImportRefused) as refused:
        import_corpus(project, path, ColumnMapping(text="text"))
    assert reason in refused.value.reason and "\n" not in refused.value.reason
    assert dump(project) == before


def test_a_missing_file_is_refused(project, tmp_path):
    with pytest.raises(ImportRefused, match="No such file"):
        sniff_corpus(tmp_path / "gone.csv")


def _big_corpus(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,title,text,outlet\n")
        for i in range(rows):
            f.write(f'{i},Article {i},"Body of article {i}.\nSecond paragraph, number {i}.",Outlet {i % 7}\n')
    return path


def test_ten_thousand_rows_import_in_batches(project, tmp_path, engine):
    # A shared project stores a row in ~2 ms (its triggers log and index each one): four batches
    # show the same batching there without costing the suite twenty seconds.
    rows = 10_000 if engine == "sqlite" else 4 * BATCH_ROWS
    path = _big_corpus(tmp_path / "big.csv", rows)
    events: list[Change] = []
    project.subscribe(events.append)
    progress: list[tuple[int, int]] = []
    report = import_corpus(project, path, ColumnMapping(text="text", title="title", outlet="outlet"),
                           on_progress=lambda done, total: progress.append((done, total)))
    assert len(report.imported) == rows and report.ok and not report.cancelled
    assert progress[0] == (BATCH_ROWS, rows) and progress[-1] == (rows, rows)
    assert project.documents.count() == rows
    last = project.documents.get(report.imported[-1].document_id)
    assert last.title == f"Article {rows - 1}"
    assert last.text == f"Body of article {rows - 1}.\nSecond paragraph, number {rows - 1}."
    assert last.source.endswith(f"big.csv#row {rows + 1}")
    assert project.metadata.get(last.id) == {"outlet": f"Outlet {(rows - 1) % 7}", "id": str(rows - 1)}
    # The document list reloads once per batch, not once per row.
    assert [e.kind for e in events] == ["documents_added"] * (rows // BATCH_ROWS)


def test_cancel_stops_after_the_current_batch_and_says_how_many(project, tmp_path):
    path = _big_corpus(tmp_path / "big.csv", 1_200)
    mapping = ColumnMapping(text="text", title="title")
    report = import_corpus(project, path, mapping, on_progress=lambda done, total: False)
    assert report.cancelled and len(report.imported) == BATCH_ROWS
    assert project.documents.count() == BATCH_ROWS
    assert report.summary_lines() == [
        f"Imported {BATCH_ROWS} documents from big.csv.",
        f"Import cancelled after {BATCH_ROWS} rows; the other {1_200 - BATCH_ROWS} rows were not imported. "
        "Import the file again to add them (rows already imported are skipped as duplicates).",
    ]
    rest = import_corpus(project, path, mapping)
    assert len(rest.skipped) == BATCH_ROWS and len(rest.imported) == 1_200 - BATCH_ROWS
    assert project.documents.count() == 1_200


def test_import_is_not_an_undoable_edit_but_editing_its_metadata_is(project, tmp_path):
    path = write_news_csv(tmp_path / "news.csv")
    report = import_corpus(project, path, guess_mapping(sniff_corpus(path).columns))
    assert project.store.last_changeset is None
    doc_id = report.imported[0].document_id
    before = dump(project)
    _, changeset = project.store.edit(project.metadata.set, doc_id, "outlet", "The Hankyoreh")
    assert project.metadata.get(doc_id)["outlet"] == "The Hankyoreh"
    project.store.undo(changeset)
    assert dump(project) == before


def test_documents_csv_has_a_meta_column_per_metadata_key(project, tmp_path):
    import pandas as pd

    from annotator.core.interchange.tables import DOCUMENT_COLUMNS, export_documents

    path = write_news_csv(tmp_path / "news.csv")
    report = import_corpus(project, path, guess_mapping(sniff_corpus(path).columns))
    project.metadata.set(report.imported[1].document_id, "press release", "yes")
    out = tmp_path / "documents.csv"
    assert export_documents(project, out) == 2
    df = pd.read_csv(out, encoding="utf-8", keep_default_na=False, dtype=str)
    assert list(df.columns) == DOCUMENT_COLUMNS + ["meta_outlet", "meta_date", "meta_id", "meta_lang",
                                                   "meta_press_release"]
    assert df[["meta_outlet", "meta_date", "meta_id", "meta_lang", "meta_press_release"]].values.tolist() == [
        ["한겨레", "2024-03-01", "1", "ko", ""],
        ["Daily Planet", "", "3", "en", "yes"],
    ]
    assert df["text"].tolist() == [BODY_1, BODY_2]


def test_a_syndicated_copy_in_the_corpus_is_flagged_for_the_analyst(project, tmp_path):
    story = " ".join(f"word{i}" for i in range(120))
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"title": "Original", "text": story + " (Reuters)"},
        {"title": "Copy", "text": story + " (AP)"},
        {"title": "Other", "text": "Something else entirely, nothing like the wire story."},
    ]) + "\n", encoding="utf-8")
    original, copy, other = (o.document_id for o in import_corpus(project, path, ColumnMapping(text="text")).imported)
    assert [(f.kind, f.other_document_id) for f in project.duplicates.flags(copy)] == [("near_duplicate", original)]
    assert project.duplicates.flags(other) == []


def test_a_korean_excel_csv_in_cp949_is_read(project, tmp_path):
    """Korean Excel saves "CSV" in the legacy code page, not UTF-8."""
    path = tmp_path / "kr.csv"
    rows = ["제목,본문,언론사"] + [f"기사 {i},정부는 오늘 새로운 경제 정책을 발표했다. 시장은 대체로 환영하는 분위기다 {i}.,연합뉴스"
                                   for i in range(5)]
    path.write_bytes("\r\n".join(rows).encode("cp949"))
    preview = sniff_corpus(path)
    assert preview.encoding == "cp949" and preview.columns == ["제목", "본문", "언론사"]
    report = import_corpus(project, path, guess_mapping(preview.columns))
    doc = project.documents.get(report.imported[0].document_id)
    assert doc.title == "기사 0" and doc.text.startswith("정부는 오늘")
    assert project.metadata.get(doc.id) == {"outlet": "연합뉴스"}


def test_the_date_column_is_stored_as_iso_when_it_can_be_read(project, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text('text,date\nFirst.,"March 5, 2024"\nSecond.,2024년 3월 6일\nThird.,spring 2019\n', encoding="utf-8")
    report = import_corpus(project, path, ColumnMapping(text="text", date="date"))
    assert [project.metadata.get(o.document_id)["date"] for o in report.imported] == [
        "2024-03-05", "2024-03-06", "spring 2019"]
