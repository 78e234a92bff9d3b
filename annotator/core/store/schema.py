"""The project file's schema and its forward migrations.

Each migration moves the file from version N-1 to N. `migrate` runs every
pending step inside one transaction, so a file is either fully at the new
version or untouched. A file whose version is newer than this code knows is
refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.common.errors import ProjectError

if TYPE_CHECKING:  # loaded at run time only when a file is created or migrated
    import sqlite_utils


# Written into the SQLite header ("ANNT") so a project is told apart from any
# other application's SQLite file, whatever its user_version says.
APPLICATION_ID = 0x414E4E54


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    db["project_info"].create({"key": str, "value": str}, pk="key")
    db["labels"].create(
        {
            "id": int,
            "name": str,
            "layer": str,
            "key": str,
            "color": str,
            "description": str,
            "sort_order": int,
        },
        pk="id",
        not_null={"name", "layer", "key", "color"},
        defaults={"description": "", "sort_order": 0},
    )
    db["labels"].create_index(["name"], unique=True)
    db["labels"].create_index(["key"], unique=True)
    db["documents"].create(
        {
            "id": int,
            "title": str,
            "source": str,
            "sha256": str,
            "encoding": str,
            "imported_at": str,
            "status": str,
            "text": str,
        },
        pk="id",
        not_null={"title", "sha256", "imported_at", "status", "text"},
        defaults={"source": "", "encoding": "", "status": "todo"},
    )
    db["documents"].create_index(["sha256"], unique=True)
    db["annotations"].create(
        {
            "id": int,
            "document_id": int,
            "label_id": int,
            "span_start": int,
            "span_end": int,
            "text": str,
            "target": str,
            "note": str,
            "annotator": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"document_id", "label_id", "text", "note", "annotator", "created_at", "updated_at"},
        defaults={"text": "", "note": "", "annotator": ""},
        foreign_keys=[("document_id", "documents", "id"), ("label_id", "labels", "id")],
    )
    from sqlite_utils.db import DescIndex

    # Matches the reading order (document, start, longer span first, id), so listing
    # a document's annotations and exporting a whole project need no sort step.
    db["annotations"].create_index(["document_id", "span_start", DescIndex("span_end")])
    db["annotations"].create_index(["label_id"])


def _v2_coding_in_depth(db: sqlite_utils.Database) -> None:
    """Codebook hierarchy and attributes, the entity registry, roles on annotations, memos."""
    # Groups in the label hierarchy have no key: the key loses NOT NULL (a table
    # rebuild, which sqlite-utils' transform does safely inside our transaction).
    db["labels"].transform(not_null={"key": False})
    db.execute("ALTER TABLE labels ADD COLUMN parent_id INTEGER REFERENCES labels(id)")
    db.execute("ALTER TABLE labels ADD COLUMN is_group INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE labels ADD COLUMN memo TEXT NOT NULL DEFAULT ''")
    db["label_attributes"].create(
        {"id": int, "label_id": int, "name": str, "kind": str, "choices": str, "required": int,
         "description": str, "sort_order": int},
        pk="id",
        not_null={"label_id", "name", "kind", "choices", "required"},
        defaults={"choices": "[]", "required": 0, "description": "", "sort_order": 0},
        foreign_keys=[("label_id", "labels", "id")],
    )
    db["label_attributes"].create_index(["label_id", "name"], unique=True)
    db["entities"].create(
        {"id": int, "name": str, "folded": str, "label_id": int, "external_id": str, "memo": str,
         "created_at": str},
        pk="id",
        not_null={"name", "folded", "label_id", "created_at"},
        defaults={"external_id": "", "memo": ""},
        foreign_keys=[("label_id", "labels", "id")],
    )
    db["entities"].create_index(["folded"])
    db["entity_aliases"].create(
        {"id": int, "entity_id": int, "alias": str, "folded": str},
        pk="id",
        not_null={"entity_id", "alias", "folded"},
        foreign_keys=[("entity_id", "entities", "id")],
    )
    db["entity_aliases"].create_index(["entity_id", "folded"], unique=True)
    db["entity_aliases"].create_index(["folded"])
    # Roles are columns on the annotation, each pointing at an entity or holding
    # free text ("a spokesperson"); foreign keys make every link explicit.
    for column in ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id"):
        db.execute(f"ALTER TABLE annotations ADD COLUMN {column} INTEGER REFERENCES entities(id)")
    for column in ("source", "holder"):
        db.execute(f"ALTER TABLE annotations ADD COLUMN {column} TEXT")
    for column in ("cue_start", "cue_end"):
        db.execute(f"ALTER TABLE annotations ADD COLUMN {column} INTEGER")
    for column in ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id"):
        db["annotations"].create_index([column])
    db["annotation_values"].create(
        {"annotation_id": int, "attribute_id": int, "value": str},
        pk=("annotation_id", "attribute_id"),
        not_null={"value"},
        foreign_keys=[("annotation_id", "annotations", "id"), ("attribute_id", "label_attributes", "id")],
    )
    db["annotation_values"].create_index(["attribute_id"])
    db.execute("ALTER TABLE documents ADD COLUMN memo TEXT NOT NULL DEFAULT ''")


def _v3_document_metadata(db: sqlite_utils.Database) -> None:
    """Document metadata from news and corpus imports, and near-duplicate flags."""
    # Metadata as key/value rows: news sources bring outlet, author, date, url and language,
    # and corpus files bring any column the analyst keeps; one schema serves them all.
    db["document_metadata"].create(
        {"document_id": int, "key": str, "value": str},
        pk=("document_id", "key"),
        not_null={"value"},
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["document_metadata"].create_index(["key", "value"])
    # What the near-duplicate check found, for the analyst to decide on: another document
    # with (nearly) the same text, or a passage repeated inside this one.
    db["document_flags"].create(
        {"id": int, "document_id": int, "kind": str, "other_document_id": int, "score": float,
         "span_start": int, "span_end": int, "repeat_start": int, "repeat_end": int, "dismissed": int},
        pk="id",
        not_null={"document_id", "kind", "dismissed"},
        defaults={"dismissed": 0},
        foreign_keys=[("document_id", "documents", "id"), ("other_document_id", "documents", "id")],
    )
    db["document_flags"].create_index(["document_id"])


def _v4_full_text_search(db: sqlite_utils.Database) -> None:
    """A full-text index over every document's title and text, for corpus search.

    FTS5 with external content: the index holds tokens and positions, not a second
    copy of 300 MB of articles. unicode61 with diacritics folded makes "cafe" find
    "café"; Hangul words are single tokens, so search matches Korean words by prefix
    (a particle follows the noun with no space). The triggers are written here rather
    than by sqlite-utils' enable_fts: its executescript would commit this migration
    half-way, and its update trigger would re-index a whole article whenever its
    status or memo changes.

    New documents are indexed by the code that inserts them (search_index.add_to_index),
    not by an insert trigger: a trigger runs inside a statement savepoint, and FTS5
    flushes its pending terms to disk at every savepoint, which made importing 100,000
    articles three times slower than indexing them in the same transaction directly.
    `annotator check` compares the index with the documents and --repair rebuilds it.
    """
    conn = db.conn
    conn.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO documents_fts(rowid, title, text) SELECT id, title, text FROM documents")
    conn.execute(
        "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
        "END"
    )
    conn.execute(
        "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
        "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
        "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )


def _v5_document_fingerprints(db: sqlite_utils.Database) -> None:
    """The near-duplicate check's keys for each document, kept so no session fingerprints the corpus again.

    bands: the document's locality-sensitive keys (fingerprints.py), empty for a text too
    short to compare; method: how they were computed, so a change of method recomputes
    them instead of comparing keys that cannot agree. Filled on import; documents from
    older files get theirs on the next duplicate check.
    """
    db.conn.execute(
        "CREATE TABLE document_fingerprints (document_id INTEGER PRIMARY KEY REFERENCES documents(id), "
        "method INTEGER NOT NULL, bands BLOB NOT NULL)"
    )


def _v6_label_reading_order(db: sqlite_utils.Database) -> None:
    """An index that reads one label's annotations in reading order, for the annotation table.

    Filtering a million annotations by a label then needs no sort, and its first or
    last page costs the same as on a small project; a rare label is found without
    walking the whole corpus. It begins with label_id, so it replaces the plain
    label_id index (lookups and foreign-key checks by label use it just as well).
    """
    from sqlite_utils.db import DescIndex

    db["annotations"].create_index(["label_id", "document_id", "span_start", DescIndex("span_end")])
    db.conn.execute("DROP INDEX IF EXISTS idx_annotations_label_id")


def _v7_refi_sources(db: sqlite_utils.Database) -> None:
    """Documents that share a text, and the REFI-QDA source each document came from.

    A text is stored once: a second copy is a duplicate, and importing it is skipped.
    But the sources of a REFI-QDA project are distinct by their GUID even when their
    texts are the same (NVivo keeps a file imported twice as two sources), and each has
    its own codings. twin numbers such copies: 0 for a text's document, 1, 2… for the
    documents kept apart beside it, so the unique index moves from sha256 to
    (sha256, twin), and every other import still meets the first copy and skips.
    refi_guid is the GUID of the source a document was imported from (empty for any
    other document), so importing the same .qdpx again adds nothing.
    """
    conn = db.conn
    conn.execute("ALTER TABLE documents ADD COLUMN twin INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE documents ADD COLUMN refi_guid TEXT NOT NULL DEFAULT ''")
    conn.execute("DROP INDEX idx_documents_sha256")
    conn.execute("CREATE UNIQUE INDEX idx_documents_sha256_twin ON documents(sha256, twin)")
    # Only imported sources have a GUID: the index holds them alone.
    conn.execute("CREATE INDEX idx_documents_refi_guid ON documents(refi_guid) WHERE refi_guid <> ''")


# Who an annotation was signed by before coders existed, when nobody signed it: the name
# default_annotator() falls back to. Fixed, not the login of whoever upgrades the file first.
UNSIGNED_CODER = "analyst"


def _v8_coders_and_codesheet(db: sqlite_utils.Database) -> None:
    """Coders, and the codesheet: document variables, their choices, and each coder's answers.

    coders: everyone who codes in this project, by a unique name (nothing more: a project
    exported and restored, or merged, must come back with the same rows). kind is 'coder',
    or 'gold' for the one adjudicated layer a project may have (team/adjudication.py): its
    codes are the settled ones, so it is never counted as a coder in agreement. Every annotation belongs
    to one (coder_id); its whole-document codes are annotations too, and its attribute
    values belong to it, so they have its coder. The annotator column stays what the
    annotation was signed with (exports and REFI-QDA users read it); a coder's rename
    updates both. Existing annotations get the coder named by their annotator; an unsigned
    one (empty annotator) goes to the project's only signer when there is exactly one, so
    a one-person project stays one coder, and else to UNSIGNED_CODER.

    variables: document-level questions (a codesheet), in sort_order; kind is one of
    single_choice, multiple_choice, yes_no, number, date, text; level one of nominal,
    ordinal, interval, ratio. variable_choices: a choice variable's integer codes and labels,
    in the order an ordinal scale ranks them (sort_order), each code meaning one label.
    variable_values: one answer per (document, variable, coder), stored as text in one
    canonical form per kind (see coding/variables.py). coded_documents: a coder's explicit
    word that a document is coded (a record imported as coded, or "nothing to code here"),
    which no answer or annotation can say for a document with none; whether a document is
    done is derived from it and the required variables, never stored.
    """
    conn = db.conn
    conn.execute("CREATE TABLE coders (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "kind TEXT NOT NULL DEFAULT 'coder' CHECK (kind IN ('coder', 'gold')))")
    conn.execute("CREATE UNIQUE INDEX idx_coders_name ON coders(name)")
    conn.execute("CREATE UNIQUE INDEX idx_coders_gold ON coders(kind) WHERE kind = 'gold'")
    conn.execute("ALTER TABLE annotations ADD COLUMN coder_id INTEGER REFERENCES coders(id)")
    conn.execute("CREATE INDEX idx_annotations_coder_id ON annotations(coder_id, document_id)")
    _coders_from_annotators(conn)
    conn.execute(
        "CREATE TABLE variables (id INTEGER PRIMARY KEY, name TEXT NOT NULL, question TEXT NOT NULL DEFAULT '', "
        "kind TEXT NOT NULL, level TEXT NOT NULL, required INTEGER NOT NULL DEFAULT 0, "
        "sort_order INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("CREATE UNIQUE INDEX idx_variables_name ON variables(name)")
    conn.execute(
        "CREATE TABLE variable_choices (id INTEGER PRIMARY KEY, "
        "variable_id INTEGER NOT NULL REFERENCES variables(id), code INTEGER NOT NULL, label TEXT NOT NULL, "
        "sort_order INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("CREATE UNIQUE INDEX idx_variable_choices_code ON variable_choices(variable_id, code)")
    conn.execute("CREATE UNIQUE INDEX idx_variable_choices_label ON variable_choices(variable_id, label)")
    conn.execute(
        "CREATE TABLE variable_values (document_id INTEGER NOT NULL REFERENCES documents(id), "
        "variable_id INTEGER NOT NULL REFERENCES variables(id), coder_id INTEGER NOT NULL REFERENCES coders(id), "
        "value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (document_id, variable_id, coder_id))"
    )
    conn.execute("CREATE INDEX idx_variable_values_variable_id ON variable_values(variable_id)")
    conn.execute("CREATE INDEX idx_variable_values_coder_id ON variable_values(coder_id, document_id)")
    conn.execute(
        "CREATE TABLE coded_documents (document_id INTEGER NOT NULL REFERENCES documents(id), "
        "coder_id INTEGER NOT NULL REFERENCES coders(id), coded_at TEXT NOT NULL, "
        "PRIMARY KEY (document_id, coder_id))"
    )
    conn.execute("CREATE INDEX idx_coded_documents_coder_id ON coded_documents(coder_id)")
    # Deleting labels checks the keys that point at them; without these indexes each deleted
    # label scanned every label and entity, and replacing a codebook of thousands of labels
    # took minutes (issue 12, item 16).
    conn.execute("CREATE INDEX IF NOT EXISTS idx_labels_parent_id ON labels(parent_id)")
    conn.execute("CREATE INDEX IF NOT EXISTS idx_entities_label_id ON entities(label_id)")


def _coders_from_annotators(conn: sqlite3.Connection) -> None:
    """A coder for each name annotations were signed with, in order of first use; see _v8."""
    signed: dict[str, list[str]] = {}  # clean name -> the stored spellings that mean it
    unsigned: list[str] = []
    for (raw,) in conn.execute("SELECT annotator FROM annotations GROUP BY annotator ORDER BY min(id)"):
        name = " ".join((raw or "").split())
        (signed.setdefault(name, []) if name else unsigned).append(raw)
    if unsigned:
        fallback = next(iter(signed)) if len(signed) == 1 else UNSIGNED_CODER
        signed.setdefault(fallback, []).extend(unsigned)
    for name, spellings in signed.items():
        coder = conn.execute("INSERT INTO coders(name) VALUES (?)", (name,)).lastrowid
        for raw in spellings:
            conn.execute("UPDATE annotations SET coder_id = ? WHERE annotator IS ?", (coder, raw))


def _v9_mention_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the entity charts count a million mentions from, reading no annotation's row (issue 16).

    An entity mention is named by its registry entity when linked (entity_id) and else by its
    text. idx_annotations_entity_documents gives the linked ones' documents and starts by
    entity, idx_annotations_text the others' by text, in order: the most mentioned entities and
    their network are a walk along each instead of a scan and sort of the whole table (on the
    bench's archive the most mentioned entities took 3.5 s to count and draw, 0.7 s with them). They hold every layer's annotations, as an index
    cannot say which labels are entity labels. PostgreSQL keeps the first only
    (store/pg/server_schema.py): it groups by hashing, and a B-tree of text refuses long values.
    """
    conn = db.conn
    conn.execute("CREATE INDEX idx_annotations_entity_documents "
                 "ON annotations(entity_id, document_id, span_start, label_id, coder_id)")
    conn.execute("CREATE INDEX idx_annotations_text "
                 "ON annotations(text, document_id, span_start, label_id, coder_id, entity_id)")


def _v10_document_status_index(db: sqlite_utils.Database) -> None:
    """The smallest index of the documents, by status (issue 17).

    Every opening counts the documents (the list checks that their ids have no gaps), and SQLite
    counts them along the table's smallest index: before this one, (sha256, twin), 7.5 MB on
    100,000 documents, ~6 ms warm and 30 to 44 ms from disk at each start-up; this one is 1.2 MB.
    `annotator stats` counts the documents by status along it too.
    """
    db.conn.execute("CREATE INDEX idx_documents_status ON documents(status)")


# Index i holds the step that produces version i + 1. Never edit a shipped step:
# add a new one, and keep a fixture of the old file in tests/fixtures/.
MIGRATIONS: list[Callable[["sqlite_utils.Database"], None]] = [
    _v1_initial, _v2_coding_in_depth, _v3_document_metadata, _v4_full_text_search,
    _v5_document_fingerprints, _v6_label_reading_order, _v7_refi_sources, _v8_coders_and_codesheet,
    _v9_mention_indexes, _v10_document_status_index,
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(db: "sqlite3.Connection | sqlite_utils.Database") -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_version(db: "sqlite3.Connection | sqlite_utils.Database") -> int:
    """Return the file's schema version; refuse one newer than this code knows."""
    found = user_version(db)
    if found > SCHEMA_VERSION:
        raise ProjectError(
            f"This project was made by a newer Annotator (schema {found}); "
            f"update Annotator to open it."
        )
    return found


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the file to SCHEMA_VERSION in one transaction; return the version it had."""
    found = check_version(db)
    if found == SCHEMA_VERSION:
        return found
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(found, SCHEMA_VERSION):
            MIGRATIONS[version](db)
        # PRAGMA cannot take a bound parameter; the value is our own integer.
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
