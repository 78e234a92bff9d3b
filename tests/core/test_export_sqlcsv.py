"""The annotation CSV SQLite builds a block at a time is byte for byte what csv.writer writes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from annotator.core.interchange import sqlcsv as export_sqlcsv
from annotator.core.interchange.files import ROW_FILTER
from annotator.core.interchange.tables import export_annotations
from annotator.core.project import Project
from tests.core.engines import location

STAMP = "2026-01-02T03:04:05+00:00"
HOSTILE = [
    'say "hi"', "a,b", "line\nbreak", "cr\ronly", "crlf\r\nend", "  padded  ", "\ttab\t", "", " ",
    "월마트가 \"인수\", 했다", "emoji 👩‍👩‍👧 🚀,", '"', ",", "\r\n", "=SUM(A1)", "+1", "-2", "@x", "\tstart",
    "\rstart", "12", "-3.5", "1e5", "trailing,", ',"\n\r', "ÿþ", "\u2028sep\u2029", "\x1f\x1eunit",
]


def _export(project: Project, out: Path, *, excel: bool, blocks: bool) -> bytes:
    # The row-by-row path is the one the preview takes: any ROW_FILTER without advance() goes through csv.writer.
    token = ROW_FILTER.set(None if blocks else (lambda rows: rows))
    try:
        export_annotations(project, out, excel=excel)
    finally:
        ROW_FILTER.reset(token)
    return out.read_bytes()


@pytest.fixture
def hostile(tmp_path: Path):
    with _hostile(tmp_path / "hostile.annotator") as p:
        yield p


def _hostile(location: Path | str) -> Project:
    """Documents and 400 annotations full of what CSV must quote, stored as a script could have."""
    p = Project(location)
    text = " ".join(HOSTILE) + " end of text"
    ids = []
    for n, title in enumerate(HOSTILE[:6]):
        ids.append(p.documents.add(title=title or "untitled", text=f"{n} {text}", source=title))
    labels = [p.codebook.by_name(name).id for name in ("Person", "Claim", "Favor", "Organization")]
    with p.store.write(undoable=False) as db:
        rows = []
        for n, (value, doc) in enumerate(zip(itertools.cycle(HOSTILE), itertools.cycle(ids))):
            if n >= 400:
                break
            whole = n % 11 == 0  # whole-document codes: no span, a target instead
            rows.append((doc, labels[n % len(labels)], None if whole else n % 50, None if whole else n % 50 + 3,
                         value, HOSTILE[(n + 3) % len(HOSTILE)] if whole or n % 5 == 0 else None,
                         HOSTILE[(n + 7) % len(HOSTILE)], HOSTILE[(n + 1) % len(HOSTILE)],
                         None if n % 3 else HOSTILE[(n + 2) % len(HOSTILE)], STAMP))
        db.executemany(
            "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, target, note, annotator, "
            "source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r[:9], r[9], r[9]) for r in rows])
    return p


@pytest.mark.parametrize("excel", [False, True])
def test_a_shared_project_writes_the_bytes_sqlite_builds(pg_server, request, tmp_path, excel):
    # Issue 15, item 3: the server has no printf blocks; csv.writer writes its rows, to the same bytes.
    with _hostile(tmp_path / "file.annotator") as local:
        expected = _export(local, tmp_path / "file.csv", excel=excel, blocks=True)
    with _hostile(location(request, tmp_path, engine="postgresql")) as shared:
        assert _export(shared, tmp_path / "shared.csv", excel=excel, blocks=True) == expected


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("block_rows", [1, 7, 10_000])
def test_blocks_are_byte_for_byte_what_csv_writer_writes(hostile, tmp_path, monkeypatch, excel, block_rows):
    monkeypatch.setattr(export_sqlcsv, "BLOCK_ROWS", block_rows)
    by_rows = _export(hostile, tmp_path / "rows.csv", excel=excel, blocks=False)
    by_blocks = _export(hostile, tmp_path / "blocks.csv", excel=excel, blocks=True)
    assert by_blocks == by_rows
    assert by_rows.startswith(b"\xef\xbb\xbf") == excel
    assert by_rows.count(b"\r\n") > 400  # every row, and the line breaks inside cells


def test_text_no_valid_utf8_holds_is_written_row_by_row(hostile, tmp_path):
    # Another program may have stored bytes that are not UTF-8, among them the separators the
    # blocks use (0xFF, 0xFE); such a block is written by csv.writer, exactly as before.
    with hostile.store.write(undoable=False) as db:
        db.execute("UPDATE annotations SET note = CAST(x'41ff2c42' AS TEXT) WHERE id = 1")
        db.execute("UPDATE annotations SET annotator = CAST(x'fe0d0a' AS TEXT) WHERE id = 2")
    for excel in (False, True):
        with pytest.raises(Exception, match="UTF-8"):  # the row path cannot decode it either, and says so
            _export(hostile, tmp_path / "rows.csv", excel=excel, blocks=False)
        with pytest.raises(Exception, match="UTF-8"):
            _export(hostile, tmp_path / "blocks.csv", excel=excel, blocks=True)
    assert not (tmp_path / "blocks.csv").exists()


def test_a_document_with_very_many_annotations_is_split_into_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(export_sqlcsv, "BLOCK_ROWS", 10)
    with Project(tmp_path / "one.annotator") as p:
        text = "word, " * 200
        doc = p.documents.add(title="One", text=text)
        person = p.codebook.by_name("Person").id
        with p.store.write(undoable=False) as db:
            db.executemany(
                "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 'me', ?, ?)",
                [(doc, person, None if i % 17 == 0 else (i * 7) % 300, None if i % 17 == 0 else (i * 7) % 300 + 5,
                  "word,", STAMP, STAMP) for i in range(150)])
        statements: list[str] = []
        p.store.conn.set_trace_callback(statements.append)
        by_blocks = _export(p, tmp_path / "blocks.csv", excel=False, blocks=True)
        p.store.conn.set_trace_callback(None)
        assert by_blocks == _export(p, tmp_path / "rows.csv", excel=False, blocks=False)
    assert len([s for s in statements if "group_concat" in s]) > 5


def test_without_the_reading_order_index_the_rows_still_come_in_reading_order(hostile, tmp_path):
    # The blocks rely on scanning that index; a database whose index was dropped is written by csv.writer.
    expected = _export(hostile, tmp_path / "rows.csv", excel=False, blocks=False)
    with hostile.store.write(undoable=False) as db:
        db.execute(f"DROP INDEX {export_sqlcsv.READING_ORDER_INDEX}")
    assert not export_sqlcsv.applies(hostile.store.conn)
    assert _export(hostile, tmp_path / "blocks.csv", excel=False, blocks=True) == expected


def test_a_shared_project_reads_its_annotations_a_piece_at_a_time(pg_server, request, tmp_path, monkeypatch):
    # The server's rows arrive whole per statement: one statement per ~BLOCK_ROWS keeps memory bounded.
    from annotator.core.store.pg.connection import PgConnection

    monkeypatch.setattr(export_sqlcsv, "BLOCK_ROWS", 40)
    with _hostile(tmp_path / "file.annotator") as local:
        expected = _export(local, tmp_path / "file.csv", excel=False, blocks=True)
    with _hostile(location(request, tmp_path, engine="postgresql")) as shared:
        fetched: list[int] = []
        real = PgConnection.execute

        def counting(self, sql, params=()):
            cursor = real(self, sql, params)
            if "FROM annotations a" in sql and "ORDER BY" in sql:
                fetched.append(len(cursor._rows))
            return cursor

        monkeypatch.setattr(PgConnection, "execute", counting)
        assert _export(shared, tmp_path / "shared.csv", excel=False, blocks=True) == expected
    assert sum(fetched) == 400 and len(fetched) >= 5 and max(fetched) <= 2 * 40


def test_a_shared_projects_document_texts_come_through_a_server_side_cursor(shared_url, tmp_path, monkeypatch):
    # Every export that writes texts (documents CSV, JSON Lines, .qdpx) reads them a batch at a time.
    from annotator.core.interchange.formats import export
    from annotator.core.store.pg.connection import PgConnection

    batches: list[int] = []
    real = PgConnection.stream

    def counting(self, sql, params=(), batch=100):
        batches.append(0)
        for row in real(self, sql, params, batch=3):
            batches[-1] += 1
            yield row

    monkeypatch.setattr(PgConnection, "stream", counting)
    with Project(shared_url) as p:
        for n in range(10):
            p.documents.add(title=f"Story {n}", text=f"Story {n}: Walmart and 월마트. " * 50)
        for fmt, what in (("csv", "documents"), ("jsonl", None), ("qdpx", None)):
            options = {"what": what} if what else {}
            export(p, fmt, tmp_path / f"out.{fmt}", **options)
    assert batches == [10, 10, 10]
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("Story 9: Walmart and 월마트.") == 50
