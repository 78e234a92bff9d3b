"""Every schema version Annotator ever wrote, as a kept file, opens in today's Annotator intact.

One fixture per version lives in tests/fixtures/ (made once by make_fixtures.py when the version
shipped). Each is upgraded step by step to the current schema, must keep every document and
annotation it held, and must then pass `annotator check` and answer a search.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.safety.check import check_project
from annotator.core.search.fulltext import search
from annotator.core.search.index import check_index
from annotator.core.store import schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLD_VERSIONS = range(1, schema.SCHEMA_VERSION)


def _rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Documents (id, title, text) and spans (document, start, end, text) as the file holds them."""
    # Not mode=ro: a read-only connection cannot remove the -wal it finds when it closes.
    with closing(sqlite3.connect(path)) as conn:
        docs = conn.execute("SELECT id, title, text FROM documents ORDER BY id").fetchall()
        spans = conn.execute("SELECT document_id, span_start, span_end, text, note FROM annotations "
                             "ORDER BY id").fetchall()
    return docs, spans


def test_there_is_a_fixture_for_every_earlier_schema_version():
    kept = sorted(int(p.stem.removeprefix("schema_v")) for p in FIXTURES.glob("schema_v*.annotator"))
    assert kept == list(OLD_VERSIONS)


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_an_old_project_upgrades_keeps_everything_and_passes_check(version: int, tmp_path: Path):
    path = tmp_path / f"v{version}.annotator"
    shutil.copy(FIXTURES / f"schema_v{version}.annotator", path)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    docs_before, spans_before = _rows(path)
    assert len(docs_before) >= 2 and len(spans_before) >= 10

    with Project(path, create=False) as project:
        assert schema.user_version(project.store.conn) == schema.SCHEMA_VERSION
        # Every span still covers its words after the upgrade, Korean and emoji included.
        for doc_id, start, end, text, _note in spans_before:
            if start is not None:
                assert project.documents.text(doc_id)[start:end] == text
        # The newest document of each fixture is found by a word only it has.
        newest_id, _title, newest_text = docs_before[-1]
        word = max(newest_text.replace(".", " ").split(), key=len)
        assert newest_id in [hit.document_id for hit in search(project, word).documents]

    docs_after, spans_after = _rows(path)
    assert docs_after == docs_before and spans_after == spans_before
    report = check_project(path)
    assert report.ok, report.lines()
    assert report.schema_version == schema.SCHEMA_VERSION
    assert check_index(path) == (True, "Search index: ok")
