"""The project file's schema: a fresh file, refusing newer files, atomic migration,
and opening files written by older versions (tests/fixtures/schema_vN.annotator)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from annotator.core.coding.stats import project_stats
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store import schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

EXPECTED_COLUMNS = {
    "project_info": ["key", "value"],
    "labels": ["id", "name", "layer", "key", "color", "description", "sort_order", "parent_id", "is_group", "memo"],
    "label_attributes": ["id", "label_id", "name", "kind", "choices", "required", "description", "sort_order"],
    "documents": ["id", "title", "source", "sha256", "encoding", "imported_at", "status", "text", "memo", "twin",
                  "refi_guid"],
    "annotations": [
        "id", "document_id", "label_id", "span_start", "span_end", "text", "target", "note",
        "annotator", "created_at", "updated_at", "entity_id", "source_entity_id", "target_entity_id",
        "holder_entity_id", "source", "holder", "cue_start", "cue_end", "coder_id",
    ],
    "annotation_values": ["annotation_id", "attribute_id", "value"],
    "entities": ["id", "name", "folded", "label_id", "external_id", "memo", "created_at"],
    "entity_aliases": ["id", "entity_id", "alias", "folded"],
    "document_metadata": ["document_id", "key", "value"],
    "document_flags": ["id", "document_id", "kind", "other_document_id", "score", "span_start", "span_end",
                       "repeat_start", "repeat_end", "dismissed"],
    "document_fingerprints": ["document_id", "method", "bands"],
    # schema 8
    "coders": ["id", "name", "kind"],
    "variables": ["id", "name", "question", "kind", "level", "required", "sort_order"],
    "variable_choices": ["id", "variable_id", "code", "label", "sort_order"],
    "variable_values": ["document_id", "variable_id", "coder_id", "value", "updated_at"],
    "coded_documents": ["document_id", "coder_id", "coded_at"],
}
# (table, columns, unique)
EXPECTED_INDEXES = {
    ("labels", ("name",), True),
    ("labels", ("key",), True),
    ("label_attributes", ("label_id", "name"), True),
    ("documents", ("sha256", "twin"), True),  # schema 7
    ("documents", ("refi_guid",), False),
    ("annotations", ("document_id", "span_start", "span_end"), False),
    ("annotations", ("label_id", "document_id", "span_start", "span_end"), False),  # schema 6
    ("annotations", ("entity_id",), False),
    ("annotations", ("source_entity_id",), False),
    ("annotations", ("target_entity_id",), False),
    ("annotations", ("holder_entity_id",), False),
    ("annotation_values", ("attribute_id",), False),
    ("entities", ("folded",), False),
    ("entity_aliases", ("entity_id", "folded"), True),
    ("entity_aliases", ("folded",), False),
    ("document_metadata", ("key", "value"), False),
    ("document_flags", ("document_id",), False),
    ("coders", ("name",), True),  # schema 8
    ("coders", ("kind",), True),  # schema 8: one gold layer (a partial index)
    ("labels", ("parent_id",), False),  # schema 8: deleting labels checks these keys
    ("entities", ("label_id",), False),
    ("annotations", ("coder_id", "document_id"), False),
    ("variables", ("name",), True),
    ("variable_choices", ("variable_id", "code"), True),
    ("variable_choices", ("variable_id", "label"), True),
    ("variable_values", ("variable_id",), False),
    ("variable_values", ("coder_id", "document_id"), False),
    ("annotations", ("entity_id", "document_id", "span_start", "label_id", "coder_id"), False),  # schema 9
    ("annotations", ("text", "document_id", "span_start", "label_id", "coder_id", "entity_id"), False),
    ("coded_documents", ("coder_id",), False),
    ("documents", ("status",), False),  # schema 10
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _version(path: Path) -> int:
    conn = _raw(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


# -- a fresh file -------------------------------------------------------------------


def test_migrating_an_empty_database_builds_the_whole_schema(tmp_path):
    path = tmp_path / "empty.db"
    db = sqlite_utils.Database(_raw(path))
    try:
        assert schema.migrate(db) == 0
        assert schema.user_version(db) == schema.SCHEMA_VERSION
        fts = {"documents_fts", "documents_fts_data", "documents_fts_idx", "documents_fts_docsize",
               "documents_fts_config"}
        assert set(db.table_names()) == set(EXPECTED_COLUMNS) | fts
        for table, columns in EXPECTED_COLUMNS.items():
            assert [c.name for c in db[table].columns] == columns, table
        indexes = {
            (table, tuple(index.columns), bool(index.unique))
            for table in EXPECTED_COLUMNS
            for index in db[table].indexes
            if not index.name.startswith("sqlite_autoindex")
        }
        assert indexes == EXPECTED_INDEXES
        fks = {(fk.column, fk.other_table, fk.other_column) for fk in db["annotations"].foreign_keys}
        assert fks == {
            ("document_id", "documents", "id"), ("label_id", "labels", "id"),
            ("entity_id", "entities", "id"), ("source_entity_id", "entities", "id"),
            ("target_entity_id", "entities", "id"), ("holder_entity_id", "entities", "id"),
            ("coder_id", "coders", "id"),
        }
        assert {(fk.column, fk.other_table) for fk in db["variable_values"].foreign_keys} == {
            ("document_id", "documents"), ("variable_id", "variables"), ("coder_id", "coders"),
        }
        assert {(fk.column, fk.other_table) for fk in db["annotation_values"].foreign_keys} == {
            ("annotation_id", "annotations"), ("attribute_id", "label_attributes"),
        }
        assert db["project_info"].pks == ["key"]
        # Running it again is a no-op that reports the current version.
        assert schema.migrate(db) == schema.SCHEMA_VERSION
    finally:
        db.conn.close()


def test_new_project_file_is_at_the_current_version(tmp_path):
    path = tmp_path / "new.annotator"
    Project(path).close()
    assert _version(path) == schema.SCHEMA_VERSION


# -- files from a newer Annotator ----------------------------------------------------


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_newer_file_is_refused_and_left_byte_for_byte(tmp_path, journal_mode):
    path = tmp_path / "future.annotator"
    with Project(path) as p:
        p.documents.add(title="From the future", text="Written by Annotator N+1.")
    newer = schema.SCHEMA_VERSION + 1
    conn = _raw(path)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.close()
    before, listing = _sha(path), sorted(os.listdir(tmp_path))

    with pytest.raises(ProjectError) as info:
        Project(path)

    message = str(info.value)
    assert "newer Annotator" in message
    assert f"schema {newer}" in message
    assert _sha(path) == before
    assert sorted(os.listdir(tmp_path)) == listing  # no -wal/-shm left behind
    assert _version(path) == newer


# -- migration is all or nothing --------------------------------------------------------


def _failing_step(db: sqlite_utils.Database) -> None:
    """A next-version step that gets half-way: creates a table, then hits an SQL error."""
    db["brand_new"].create({"id": int, "name": str}, pk="id")
    db.execute("INSERT INTO brand_new(name) VALUES ('half done')")
    db.execute("ALTER TABLE annotations ADD COLUMN span_start INTEGER")  # duplicate column


@pytest.fixture
def failing_next_version(monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _failing_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    return schema.SCHEMA_VERSION


def test_failed_migration_leaves_an_old_file_at_its_version(tmp_path, failing_next_version):
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "schema_v1.annotator", path)
    assert failing_next_version == schema.SCHEMA_VERSION  # v1 -> ... -> v3 succeed, then the next step fails: all of it rolls back

    with pytest.raises(ProjectError):
        Project(path)

    conn = _raw(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "brand_new" not in _tables(conn)
        assert "entities" not in _tables(conn)  # the step that succeeded is undone too
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 10
    finally:
        conn.close()


def test_failed_migration_of_an_empty_file_creates_no_tables(tmp_path, failing_next_version):
    path = tmp_path / "new.annotator"
    with pytest.raises(ProjectError):
        Project(path)
    conn = _raw(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert _tables(conn) == set()
    finally:
        conn.close()


# -- files written by older versions -------------------------------------------------------


def test_schema_v1_fixture_is_a_self_contained_version_1_file():
    fixture = FIXTURES / "schema_v1.annotator"
    assert fixture.stat().st_size < 64 * 1024
    assert not Path(f"{fixture}-wal").exists()
    conn = sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def _fixture_script():
    """The data make_fixtures.py wrote, so the test checks against the same source."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schema_v1_project_opens_with_all_its_data(tmp_path):
    fixture = _fixture_script()
    V1_ANNOTATIONS, V1_DOCUMENTS, V1_LABELS = fixture.V1_ANNOTATIONS, fixture.V1_DOCUMENTS, fixture.V1_LABELS
    path = tmp_path / "v1.annotator"
    shutil.copy(FIXTURES / "schema_v1.annotator", path)

    with Project(path, create=False) as p:
        assert schema.user_version(p.store.db) == schema.SCHEMA_VERSION
        assert p.store.info("created_by") == "Annotator 0.1.0"

        # The codebook is the file's own, not reinstalled or duplicated.
        assert [(lab.name, lab.layer, lab.key, lab.color) for lab in p.codebook.labels()] == V1_LABELS

        docs = [p.documents.get(i) for i in p.documents.ids()]
        assert [(d.title, d.source, d.encoding, d.status, d.text) for d in docs] == [
            (d["title"], d["source"], d["encoding"], d["status"], d["text"]) for d in V1_DOCUMENTS
        ]
        assert p.documents.find_by_text(V1_DOCUMENTS[1]["text"]) == docs[1].id

        found = []
        for doc_index, doc in enumerate(docs):
            for a in p.annotations.for_document(doc.id):
                label = p.codebook.label(a.label_id).name
                if a.is_document_level:
                    assert a.text == ""
                    found.append((doc_index, label, None, a.target, a.note))
                else:
                    assert a.text == doc.text[a.start:a.end]
                    found.append((doc_index, label, a.text, a.target, a.note))
                assert (a.annotator, a.created_at, a.updated_at) == ("fixture", fixture.STAMP, fixture.STAMP)
        assert sorted(found, key=repr) == sorted(V1_ANNOTATIONS, key=repr)
        assert [s.annotation_count for s in p.documents.summaries()] == [7, 3]

        conn = p.store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        # The old file is fully usable: new edits work and get the next ids.
        added = p.annotations.add(docs[1].id, p.codebook.by_name("Organization"), 0, 7)
        assert added.text == "Samsung"
        assert p.annotations.count() == len(V1_ANNOTATIONS) + 1


def test_schema_v2_project_opens_with_its_registry_roles_and_memos(tmp_path):
    path = tmp_path / "v2.annotator"
    shutil.copy(FIXTURES / "schema_v2.annotator", path)
    assert _version(path) == 2

    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        conn = p.store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        organization = p.codebook.by_name("Organization")
        group = p.codebook.label(organization.parent_id)
        assert (group.name, group.is_group, organization.memo) == ("Companies", True, "firms only")
        walmart = p.entities.match("월마트")
        assert (walmart.name, walmart.aliases, walmart.memo) == ("Walmart", ("월마트",), "memo on Walmart")

        docs = p.documents.ids()
        mentions = {a.text: a for a in p.annotations.for_document(docs[0])}
        assert mentions["월마트"].entity_id == walmart.id
        stance = next(a for a in mentions.values() if a.is_document_level)
        assert (p.annotations.display_role(stance, "target"), stance.holder) == ("Amazon", "the author")
        claim = next(a for a in p.annotations.for_document(docs[1]) if a.text.startswith("Samsung sold"))
        assert (claim.source, claim.cue_start, claim.cue_end) == ("a market report", 0, 7)
        verdict = next(a for a in p.codebook.attributes(claim.label_id) if a.name == "verdict")
        assert p.values.of(claim.id) == {verdict.id: "accurate"}
        assert p.documents.memo(docs[0]) == "두 번째 확인 필요"

        # Schema 3's tables are there and usable on the migrated file.
        tables = _tables(conn)
        assert {"document_metadata", "document_flags"} <= tables


def test_schema_v3_project_opens_with_every_document_searchable_and_its_metadata(tmp_path):
    """Schema 4 builds the full-text index from the documents already there, in the migration."""
    from annotator.core.search.fulltext import search
    from annotator.core.search.index import check_index

    fixture = _fixture_script()
    path = tmp_path / "v3.annotator"
    shutil.copy(FIXTURES / "schema_v3.annotator", path)
    assert _version(path) == 3
    raw = _raw(path)
    try:
        assert "documents_fts" not in _tables(raw)
    finally:
        raw.close()

    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        conn = p.store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        docs = p.documents.ids()
        assert [p.documents.get(i).text for i in docs] == [d["text"] for d in fixture.V1_DOCUMENTS]

        # Every document is found by the words of its title and its text, as typed by an analyst.
        first, second = docs
        assert [d.document_id for d in search(p, "walmart").documents] == [first]  # title only
        assert [d.document_id for d in search(p, "second article").documents] == [second]
        for query, doc, word in [("월마트", first, "월마트"), ("cafe", first, "Cafe\u0301"), ('"kim ji-ho"', first, "Kim Ji-ho"),
                                 ("phones", second, "phones"), ("삼성전자", second, "삼성전자")]:
            [found] = search(p, query).documents
            assert found.document_id == doc and [h.match for h in found.hits] == [word], query

        # Schema 3's data came through: metadata (standard keys first) and both flags.
        assert p.metadata.get(first) == {"outlet": "연합뉴스", "date": "2025-05-03", "language": "ko",
                                         "section": "Économie"}
        assert p.metadata.get(second) == {"outlet": "Reuters", "url": "https://example.com/samsung?id=5&lang=en"}
        flags = conn.execute("SELECT document_id, kind, other_document_id, score, dismissed FROM document_flags "
                             "ORDER BY id").fetchall()
        assert flags == [(second, "near_duplicate", first, 0.83, 0), (first, "repeated_passage", None, 2.0, 1)]

        # The index stays in step with edits made after the upgrade.
        p.documents.set_title(second, "Samsung phones report")
        assert [d.document_id for d in search(p, "report").documents] == [second]
    assert check_index(path) == (True, "Search index: ok")


def test_schema_v4_project_gains_the_label_reading_order_index(tmp_path):
    """Schema 6 indexes each label's annotations in reading order; the file keeps all its rows."""
    from annotator.core.coding import annotation_query

    path = tmp_path / "v4.annotator"
    db = sqlite_utils.Database(_raw(path))
    try:
        for step in schema.MIGRATIONS[:4]:
            step(db)
        db.execute("PRAGMA user_version = 4")
        db.execute("INSERT INTO labels(id, name, layer, key, color) VALUES (1, 'Person', 'entity', 'p', '#111111'), "
                   "(2, 'Claim', 'claim', 'c', '#222222')")
        db.execute("INSERT INTO documents(id, title, sha256, imported_at, text) VALUES (1, 'Old', 'x', 'a', 'Kim said so.')")
        db.execute("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, created_at, updated_at) "
                   "VALUES (1, 1, 0, 3, 'Kim', 'a', 'a'), (1, 2, 0, 12, 'Kim said so.', 'a', 'a')")
        assert "idx_annotations_label_id" in {index.name for index in db["annotations"].indexes}
    finally:
        db.conn.close()

    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        indexes = {tuple(index.columns) for index in p.store.db["annotations"].indexes}
        assert ("label_id", "document_id", "span_start", "span_end") in indexes and ("label_id",) not in indexes
        assert p.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [(a.text, p.codebook.label(a.label_id).name) for a in p.annotations.for_document(1)] == [
            ("Kim said so.", "Claim"), ("Kim", "Person")]
        plan = " ".join(annotation_query.query_plan(p, annotation_query.AnnotationFilter(label_ids=(1,))))
        assert "idx_annotations_label_id_document_id_span_start_span_end" in plan and "TEMP B-TREE" not in plan


def test_schema_v6_project_keeps_its_documents_and_still_refuses_a_second_copy_of_a_text(tmp_path):
    """Schema 7 lets REFI-QDA sources share a text (documents.twin) and remembers their GUIDs."""
    path = tmp_path / "v6.annotator"
    db = sqlite_utils.Database(_raw(path))
    try:
        for step in schema.MIGRATIONS[:6]:
            step(db)
        db.execute("PRAGMA user_version = 6")
        db.execute("INSERT INTO documents(id, title, sha256, imported_at, text) VALUES (1, 'Old', 'x', 'a', 'Kim.')")
    finally:
        db.conn.close()

    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        assert p.store.conn.execute("SELECT id, title, twin, refi_guid FROM documents").fetchall() == [
            (1, "Old", 0, "")]
        with pytest.raises(sqlite3.IntegrityError):  # what every plain import relies on to skip a duplicate
            p.store.conn.execute("INSERT INTO documents(title, sha256, imported_at, text) VALUES ('Again', 'x', 'b', 'Kim.')")
        assert p.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- schema 8: coders from the annotator names --------------------------------------------------


def _coders_of_annotations(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(signature, coder name) of every annotation, in id order; a coder of None means none."""
    return conn.execute("SELECT a.annotator, c.name FROM annotations a LEFT JOIN coders c ON c.id = a.coder_id "
                        "ORDER BY a.id").fetchall()


@pytest.mark.parametrize("version", range(1, 9))
def test_every_annotation_of_an_old_file_gets_the_coder_its_annotator_names(tmp_path, version):
    path = tmp_path / f"v{version}.annotator"
    shutil.copy(FIXTURES / f"schema_v{version}.annotator", path)
    with Project(path, create=False) as p:
        pairs = _coders_of_annotations(p.store.conn)
        assert pairs and all(coder is not None for _signed, coder in pairs)
        if version < 7:  # one analyst signed everything: one coder, as before
            assert [c.name for c in p.coders.list()] == ["fixture"]
            assert {coder for _signed, coder in pairs} == {"fixture"}


def test_schema_7_signatures_become_coders_and_unsigned_work_goes_to_analyst(tmp_path):
    path = tmp_path / "v7.annotator"
    shutil.copy(FIXTURES / "schema_v7.annotator", path)
    with Project(path, create=False) as p:
        # In order of first use; the padded NVivo name is one coder, tidied; nobody's coding is
        # "analyst"'s, as two people signed the rest and it could be either's.
        assert [c.name for c in p.coders.list()] == ["fixture", "김지우", schema.UNSIGNED_CODER]
        pairs = _coders_of_annotations(p.store.conn)
        assert pairs[-2:] == [(" 김지우 ", "김지우"), ("", "analyst")]  # the signature itself is kept
        assert set(pairs[:-2]) == {("fixture", "fixture")}
        unsigned = p.annotations.get(p.annotations.count())
        assert p.coders.get(unsigned.coder_id).name == "analyst"


def test_unsigned_annotations_of_a_one_person_project_stay_that_persons(tmp_path):
    path = tmp_path / "v7.annotator"
    shutil.copy(FIXTURES / "schema_v7.annotator", path)
    conn = _raw(path)
    conn.execute("UPDATE annotations SET annotator = 'fixture' WHERE annotator != ''")
    conn.close()
    with Project(path, create=False) as p:
        assert [c.name for c in p.coders.list()] == ["fixture"]
        assert {coder for _signed, coder in _coders_of_annotations(p.store.conn)} == {"fixture"}


# -- schema 9: the entity charts' indexes ----------------------------------------------------


def test_schema_8_project_keeps_its_coders_and_answers_and_its_entity_charts_read_the_new_indexes(tmp_path):
    from annotator.core.charts.data import chart_data
    from annotator.core.charts.filters import ChartFilter, resolve
    from annotator.core.charts.network import _arms

    path = tmp_path / "v8.annotator"
    shutil.copy(FIXTURES / "schema_v8.annotator", path)
    before = _raw(path)
    rows = {table: before.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("annotations", "coders", "variable_values", "coded_documents", "entities")}
    before.close()
    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        for table, kept in rows.items():
            assert p.store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == kept, table
        assert [c.name for c in p.coders.list()] == ["fixture", "김지우", "analyst", "Kim", "이서연"]
        assert p.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Walmart: the v2 mention (월마트) and the v8 one linked to it, in two documents.
        data = chart_data(p, "entities")
        assert (data.value("Walmart", "mentions"), data.value("Walmart", "documents")) == (2, 2)
        assert (data.value("아마존", "mentions"), data.value("아마존", "documents")) == (1, 1)
        linked, unlinked, params = _arms(resolve(p, ChartFilter()))
        for sql, index in ((f"SELECT e.name, count(*) {linked} GROUP BY e.name", "idx_annotations_entity_documents"),
                           (f"SELECT a.text, count(*) {unlinked} GROUP BY a.text", "idx_annotations_text")):
            plan = " ".join(row[-1] for row in p.store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
            assert f"COVERING INDEX {index}" in plan, plan


# -- schema 10: the documents' smallest index -------------------------------------------------


def test_schema_9_project_keeps_its_documents_and_counts_them_along_the_status_index(tmp_path):
    path = tmp_path / "v9.annotator"
    shutil.copy(FIXTURES / "schema_v9.annotator", path)
    before = _raw(path)
    rows = {table: before.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("documents", "annotations", "coded_documents")}
    before.close()
    with Project(path, create=False) as p:
        assert schema.user_version(p.store.conn) == schema.SCHEMA_VERSION
        for table, kept in rows.items():
            assert p.store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == kept, table
        assert p.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Opening counts the documents: along the 1-column index, not (sha256, twin).
        assert p.documents.count() == 8 and list(p.documents.listing()) == list(range(1, 9))
        plan = " ".join(row[-1] for row in p.store.conn.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM documents"))
        assert "COVERING INDEX idx_documents_status" in plan, plan
        assert project_stats(p).by_status["done"] == 1
