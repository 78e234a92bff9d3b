"""Small helpers several test modules share."""

from __future__ import annotations

import csv


def dump(project, like=None) -> list[str]:
    """The whole project database as SQL statements: equal dumps mean identical data.

    Compared `like` a project on the other engine, both are dumped table by table as rows in
    the form either engine gives (data_dump), so a project file and a shared project compare.
    """
    if like is not None and _engine(like) != _engine(project):
        return data_dump(project.store.conn)
    return dump_connection(project.store.conn)


def _engine(project) -> str:
    return getattr(project.store, "engine", "sqlite")


# The server's own bookkeeping (the live feed) is no part of the project's data.
_NOT_DATA = ("documents_fts", "document_fingerprints", "changes", "sqlite_")
def _server_info() -> tuple[str, ...]:
    from annotator.core.store.pg.roles import INFO_KEYS  # the project's group roles, the server's own

    return ("server_schema", "project_schema", *INFO_KEYS.values())


def data_dump(conn) -> list[str]:
    """Every project table's rows in key order, one line each, alike from SQLite and PostgreSQL."""
    from annotator.core.store.pg.server_schema import _sqlite_schema, key_columns

    reference = _sqlite_schema()
    server_info = _server_info()
    tables = [name for (name,) in reference.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
              if not name.startswith(_NOT_DATA)]
    lines = []
    for table in tables:
        columns = [row[1] for row in reference.execute(f'PRAGMA table_info("{table}")')]
        order = ", ".join(f'"{c}"' for c in (key_columns(reference, table) or columns))
        for row in conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{table}" '
                                f"ORDER BY {order}"):
            if table == "project_info" and row[0] in server_info:
                continue
            lines.append(f"{table}: {tuple(float(v) if isinstance(v, float) else v for v in row)!r}")
    reference.close()
    return lines


_FTS_SHADOW = 'INSERT INTO "documents_fts_'
# The duplicate check's stored keys: derived from the text like the index, recomputed when missing.
_FINGERPRINTS = 'INSERT INTO "document_fingerprints"'


def dump_connection(conn) -> list[str]:
    """iterdump, with the full-text index given by what it holds rather than its pages.

    FTS5 stores its index as segments that merge on their own schedule, so the same
    words can sit in different bytes after an undo; the terms, the documents and the
    positions it answers with are what must match, and the integrity check proves
    they agree with the documents table.
    """
    if getattr(conn, "engine", "sqlite") == "postgresql":
        return _dump_server(conn)
    lines = [line for line in conn.iterdump() if not line.startswith((_FTS_SHADOW, _FINGERPRINTS))]
    has_fts = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'").fetchone()
    if has_fts:
        conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, documents_fts, instance)")
        terms = conn.execute("SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY 1, 2, 3, 4").fetchall()
        lines.append(f"-- full-text index: {terms!r}")
    return lines


# The server's own bookkeeping, not project data: the live feed grows with every edit and its undo.
_SERVER_ONLY = ("changes",)


def _dump_server(conn) -> list[str]:
    """A shared project's tables as rows, each table in key order: equal dumps mean identical data."""
    tables = [name for (name,) in conn.execute_native(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name") if name not in _SERVER_ONLY]
    lines = []
    for table in tables:
        if table == "document_fingerprints":
            continue
        columns = [name for (name,) in conn.execute_native(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
            "ORDER BY ordinal_position", (table,))]
        order = ", ".join(str(n) for n in range(1, len(columns) + 1))
        lines.append(f"-- {table}({', '.join(columns)})")
        lines.extend(f"{table} {row!r}" for row in conn.execute_native(f'SELECT * FROM "{table}" ORDER BY {order}'))
    return lines


def codes_dump(project) -> dict[str, list[tuple]]:
    """The codebook, the registry, the corpus and every coder's codes, by names and texts instead of row ids.

    Two projects that reached the same codes by different roads (one file, or handed out and
    merged back) number their rows differently and stamp them at other times; what the analyst
    reads and exports must still be equal: each table here, sorted, without ids or times.
    """
    conn = project.store.conn

    def rows(sql: str) -> list[tuple]:
        return sorted((tuple(row) for row in conn.execute(sql)), key=repr)

    values: dict[int, list[tuple]] = {}
    for annotation_id, label, name, value in conn.execute(
            "SELECT v.annotation_id, l.name, a.name, v.value FROM annotation_values v "
            "JOIN label_attributes a ON a.id = v.attribute_id JOIN labels l ON l.id = a.label_id"):
        values.setdefault(annotation_id, []).append((label, name, value))
    entity = "(SELECT name || ' / ' || (SELECT name FROM labels WHERE id = e.label_id) FROM entities e WHERE e.id = a.{})"
    annotations = sorted(
        (tuple(row[1:]) + (tuple(sorted(values.get(row[0], []))),) for row in conn.execute(
            "SELECT a.id, d.sha256, d.twin, l.name, l.layer, a.span_start, a.span_end, a.text, a.target, a.note, "
            "a.annotator, c.name, a.source, a.holder, a.cue_start, a.cue_end, "
            + ", ".join(entity.format(column) for column in
                        ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id"))
            + " FROM annotations a JOIN documents d ON d.id = a.document_id JOIN labels l ON l.id = a.label_id "
            "LEFT JOIN coders c ON c.id = a.coder_id")), key=repr)
    return {
        "coders": rows("SELECT name FROM coders"),
        "labels": rows("SELECT l.name, l.layer, l.key, l.color, l.description, l.is_group, l.memo, p.name "
                       "FROM labels l LEFT JOIN labels p ON p.id = l.parent_id"),
        "attributes": rows("SELECT l.name, a.name, a.kind, a.choices, a.required, a.description FROM label_attributes a "
                           "JOIN labels l ON l.id = a.label_id"),
        "variables": rows("SELECT name, question, kind, level, required, sort_order FROM variables"),
        "choices": rows("SELECT v.name, c.code, c.label, c.sort_order FROM variable_choices c "
                        "JOIN variables v ON v.id = c.variable_id"),
        "entities": rows("SELECT e.name, l.name, e.external_id, e.memo FROM entities e JOIN labels l ON l.id = e.label_id"),
        "aliases": rows("SELECT e.name, a.alias FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"),
        "documents": rows("SELECT sha256, twin, title, source, status, memo FROM documents"),
        "metadata": rows("SELECT d.sha256, m.key, m.value FROM document_metadata m JOIN documents d ON d.id = m.document_id"),
        "annotations": annotations,
        "answers": rows("SELECT d.sha256, v.name, c.name, x.value FROM variable_values x "
                        "JOIN documents d ON d.id = x.document_id JOIN variables v ON v.id = x.variable_id "
                        "JOIN coders c ON c.id = x.coder_id"),
        "coded": rows("SELECT d.sha256, c.name FROM coded_documents x JOIN documents d ON d.id = x.document_id "
                      "JOIN coders c ON c.id = x.coder_id"),
    }


def span_of(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """Code-point offsets of the nth (0-based) occurrence of piece in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
        if start < 0:
            raise ValueError(piece)
    return start, start + len(piece)


def read_csv_rows(path, encoding: str = "utf-8") -> list[dict[str, str]]:
    """A CSV export's rows as dicts, read the way any RFC 4180 reader would."""
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def read_with_pandas(ann, docs):
    """The annotations and documents files as pandas reads them with the documented call."""
    import pandas as pd

    # The exact call docs/csv-format.md recommends.
    ints = ["start", "end", "cue_start", "cue_end", "entity_id", "source_entity_id", "target_entity_id",
            "holder_entity_id"]
    df = pd.read_csv(ann, encoding="utf-8", keep_default_na=False,
                     na_values={c: [""] for c in ints}, dtype={c: "Int64" for c in ints})
    dd = pd.read_csv(docs, encoding="utf-8", keep_default_na=False)
    return df, dd




def max_channel_difference(first, second) -> int:
    """The largest difference of any colour or alpha channel between two same-sized QImages.

    Rendering rounds differently across CPUs and Qt builds, so tests compare images within a
    tolerance of this, never bit for bit.
    """
    from PySide6.QtGui import QImage

    assert first.size() == second.size(), f"{first.size()} != {second.size()}"
    a = first.convertToFormat(QImage.Format_ARGB32)
    b = second.convertToFormat(QImage.Format_ARGB32)
    worst = 0
    for y in range(a.height()):
        row_a = bytes(a.constScanLine(y))[: a.width() * 4]
        row_b = bytes(b.constScanLine(y))[: b.width() * 4]
        if row_a != row_b:
            worst = max(worst, max(abs(x - y_) for x, y_ in zip(row_a, row_b)))
    return worst


def paywalled_page() -> bytes:
    """A news page modelled on a script-drawn one whose body is nowhere in it: headline and caption only.

    Real pages of this kind carry hundreds of kilobytes of scripts and state; a
    block of inline state stands for them here.
    """
    import re
    from pathlib import Path

    page = (Path(__file__).parent / "fixtures" / "pages" / "scmp-dock-strike.html").read_text("utf-8")
    page = re.sub(r',\s*"articleBody":"[^"]*"', "", page)
    state = '<script>window.__STATE__={"ads":[' + ",".join(['{"slot":"mpu","sizes":[300,250]}'] * 1200) + "]}</script>"
    return page.replace("</body>", state + "</body>").encode("utf-8")


def shown_text(text: str) -> str:
    """What the analyst reads for a tooltip or label text Qt formats by itself: the rendered
    text when Qt takes it for markup (Qt.mightBeRichText), else the text as it is. Zero-width
    spaces (where a long word may wrap) are invisible, so they are not part of what is read."""
    from PySide6.QtGui import Qt, QTextDocument

    if not Qt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText().replace("\u200b", "")
