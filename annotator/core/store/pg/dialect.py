"""The core's SQL, written for SQLite, as PostgreSQL takes it.

The core writes one dialect: SQLite's, with `?` parameters. Most of it is standard SQL
that PostgreSQL runs as it is; what differs is small and regular, so it is rewritten
here once per distinct statement (cached), not by hand in every module:

- `?` parameters become psycopg's `%s` (and a literal `%` becomes `%%`);
- `BEGIN IMMEDIATE` is plain `BEGIN` (PostgreSQL locks rows, not the file);
- `INSERT OR IGNORE` / `INSERT OR REPLACE` become `ON CONFLICT` clauses on the table's key;
- an INSERT into a table with an `id` gets `RETURNING id`, which gives `lastrowid`;
- `json_each(?)` over a JSON array of ids, `instr`, `rowid`, `CAST(... AS REAL)` and
  `a IS NOT b` (a value, not NULL) take their PostgreSQL names.

SQLite functions with no PostgreSQL twin (group_concat, two-argument max/min, iif,
the core's fold and title-key functions) are created in the server schema instead
(see server_schema.py), so the statements that use them need no rewriting at all.
Text inside quotes is never touched.
"""

from __future__ import annotations

import functools
import re

# Tables whose key is a generated `id`: an INSERT into them returns it.
ID_TABLES = frozenset({
    "labels", "documents", "annotations", "label_attributes", "entities", "entity_aliases", "document_flags",
    "coders", "variables", "variable_choices",
})
# The conflict target of INSERT OR REPLACE/IGNORE, per table (its primary key).
KEYS: dict[str, tuple[str, ...]] = {
    "project_info": ("key",),
    "annotation_values": ("annotation_id", "attribute_id"),
    "document_metadata": ("document_id", "key"),
    "document_fingerprints": ("document_id",),
    "coded_documents": ("document_id", "coder_id"),
    "variable_values": ("document_id", "variable_id", "coder_id"),
    **{table: ("id",) for table in ID_TABLES},
}

# Quoted text first, so nothing inside a literal or a quoted name is rewritten.
_PIECES = re.compile(r"('(?:[^']|'')*')|(\"(?:[^\"]|\"\")*\")|([^'\"]+)", re.S)
_WORD_REWRITES = [
    (re.compile(r"\bBEGIN\s+IMMEDIATE\b", re.I), "BEGIN"),
    (re.compile(r"\bjson_each\s*\(", re.I), "annotator_ids("),
    (re.compile(r"\binstr\s*\(", re.I), "strpos("),
    (re.compile(r"(?<![.\w])rowid\b", re.I), "id"),
    (re.compile(r"\bAS\s+REAL\b", re.I), "AS double precision"),
    # SQLite's null-safe comparison `a IS NOT b` (b a value, not NULL) is PostgreSQL's IS DISTINCT FROM.
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", re.I), "IS DISTINCT FROM "),
    # ... and `a IS ?` (a parameter that may be a value) is IS NOT DISTINCT FROM.
    (re.compile(r"\bIS\s+(%s|%\(\w+\)s)", re.I), r"IS NOT DISTINCT FROM \1"),
]
# PRAGMAs the core also runs on a shared project, as PostgreSQL says the same thing.
_DEFER_KEYS = re.compile(r"^\s*PRAGMA\s+defer_foreign_keys\s*=\s*(ON|1|TRUE)\s*;?\s*$", re.I)
_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+(?:main\.)?table_info\s*\(\s*[\"']?(\w+)[\"']?\s*\)\s*;?\s*$", re.I)
# (cid, name, type, notnull, dflt_value, pk) as SQLite's table_info gives them.
_TABLE_INFO_SQL = """SELECT c.ordinal_position - 1, c.column_name::text, upper(c.data_type)::text,
    (c.is_nullable = 'NO')::int, c.column_default::text, coalesce(k.ordinal_position, 0)::int
FROM information_schema.columns c
LEFT JOIN information_schema.table_constraints t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    AND t.constraint_type = 'PRIMARY KEY'
LEFT JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name
    AND k.table_schema = c.table_schema AND k.column_name = c.column_name
WHERE c.table_schema = current_schema() AND c.table_name = '{table}' ORDER BY c.ordinal_position"""
_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+\"?(\w+)\"?\s*\(([^)]*)\)", re.I | re.S)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?", re.I)


# -- NULLs sort as on SQLite ------------------------------------------------------------------
# SQLite sorts NULL before every value (first in ASC, last in DESC); PostgreSQL the other way round.
# Each ORDER BY term gets the NULLS clause that keeps SQLite's order, so listings and exports come
# out in the same order on both engines; a bare column that is never NULL is left as it is so its
# index still serves the sort.
_MASK = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.S)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_TERM_END = re.compile(r"\b(LIMIT|OFFSET|ROWS|RANGE|GROUPS|FETCH|UNION|EXCEPT|INTERSECT|WINDOW|FOR)\b|[;,()]", re.I)
_HAS_NULLS = re.compile(r"\bNULLS\s+(FIRST|LAST)\s*$", re.I)
_DIRECTION = re.compile(r"\s+(ASC|DESC)\s*$", re.I)
_BARE_COLUMN = re.compile(r'^(?:\w+\.)?"?(\w+)"?(?:\s+COLLATE\s+"?\w+"?)?$', re.I)
# Statements where a column that is never NULL in its table can still be NULL in a row.
_NULLABLE_ROWS = re.compile(r"\b(LEFT|RIGHT|FULL|UNION)\b|\bNULL\s+AS\b", re.I)


# x GLOB 'pattern' (a literal pattern) as the POSIX regular expression PostgreSQL matches it with.
_GLOB = re.compile(r"([\w.]+)\s+GLOB\s+'((?:[^']|'')*)'", re.I)


def _glob_as_regex(match: re.Match) -> str:
    pattern, out, at = match.group(2).replace("''", "'"), ["^"], 0
    while at < len(pattern):
        char = pattern[at]
        if char == "[" and "]" in pattern[at + 2:]:
            close = pattern.index("]", at + 2)
            inside = pattern[at + 1:close]
            out.append("[" + ("^" + inside[1:] if inside.startswith("^") else inside) + "]")
            at = close + 1
            continue
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        at += 1
    regex = "".join(out) + "$"
    return f"{match.group(1)} ~ '{regex.replace(chr(39), chr(39) * 2)}'"


@functools.lru_cache(maxsize=1)
def never_null() -> frozenset[str]:
    """Column names that are NOT NULL (or a key) in every table that has them."""
    from annotator.core.store.pg.server_schema import _sqlite_schema

    conn = _sqlite_schema()
    found: dict[str, bool] = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for _cid, name, _kind, notnull, _default, pk in conn.execute(f'PRAGMA table_info("{table}")'):
            found[name] = found.get(name, True) and bool(notnull or pk)
    conn.close()
    return frozenset(name for name, never in found.items() if never)


def nulls_as_sqlite(sql: str) -> str:
    """`sql` with each ORDER BY term sorting NULLs where SQLite sorts them."""
    if not _ORDER_BY.search(sql):
        return sql
    masked = _MASK.sub(lambda m: "'" + "x" * (len(m.group()) - 2) + "'" if m.group()[0] == "'" else
                       '"' + "x" * (len(m.group()) - 2) + '"', sql)
    keep_bare = not _NULLABLE_ROWS.search(masked)
    inserts: list[tuple[int, str]] = []
    for order in _ORDER_BY.finditer(masked):
        at, depth, start = order.end(), 0, order.end()
        while True:
            found = _TERM_END.search(masked, at)
            end = found.start() if found else len(masked)
            token = found.group() if found else ""
            if token == "(":
                depth, at = depth + 1, found.end()
                continue
            if token == ")" and depth > 0:
                depth, at = depth - 1, found.end()
                continue
            if depth > 0 and found:
                at = found.end()
                continue
            term = masked[start:end].rstrip()
            if term.strip() and not _HAS_NULLS.search(term):
                direction = _DIRECTION.search(term)
                expression = term[:direction.start()] if direction else term
                bare = _BARE_COLUMN.match(expression.strip())
                if not (keep_bare and bare and bare.group(1) in never_null()):
                    descending = bool(direction) and direction.group(1).upper() == "DESC"
                    inserts.append((start + len(term), " NULLS LAST" if descending else " NULLS FIRST"))
            if token != ",":
                break
            at = start = found.end()
    for position, clause in sorted(inserts, reverse=True):
        sql = sql[:position] + clause + sql[position:]
    return sql


@functools.lru_cache(maxsize=4096)
def translate(sql: str, returning: bool = True, named: bool = False) -> str:
    """The statement as PostgreSQL runs it; returning=False leaves out the RETURNING id of an INSERT,
    named=True takes `:name` parameters (given as a dict) instead of `?`."""
    if _DEFER_KEYS.match(sql):
        return "SET CONSTRAINTS ALL DEFERRED"
    if info := _TABLE_INFO.match(sql):
        return _TABLE_INFO_SQL.format(table=info.group(1))
    sql = nulls_as_sqlite(sql)
    if "GLOB" in sql.upper():
        sql = _GLOB.sub(_glob_as_regex, sql)
    conflict = ""
    match = _INSERT_OR.match(sql)
    table = None
    if match:
        verb, table, columns = match.group(1).upper(), match.group(2), match.group(3)
        key = KEYS.get(table)
        if verb == "IGNORE" or key is None:
            conflict = " ON CONFLICT DO NOTHING"
        else:
            names = [name.strip().strip('"') for name in columns.split(",")]
            others = [name for name in names if name not in key]
            sets = ", ".join(f'"{name}" = excluded."{name}"' for name in others)
            conflict = f" ON CONFLICT ({', '.join(key)}) " + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING")
        sql = re.sub(r"^\s*INSERT\s+OR\s+\w+\s+INTO", "INSERT INTO", sql, count=1, flags=re.I)
    else:
        into = _INSERT_INTO.match(sql)
        table = into.group(1) if into else None
    out = []
    for literal, quoted, plain in _PIECES.findall(sql):
        if plain:
            plain = plain.replace("%", "%%").replace("?", "%s")
            if named:
                plain = _NAMED.sub(r"%(\1)s", plain)
            for pattern, replacement in _WORD_REWRITES:
                plain = pattern.sub(replacement, plain)
            out.append(plain)
        else:
            out.append((literal or quoted).replace("%", "%%"))
    text = "".join(out).rstrip().rstrip(";")
    if table is not None:
        text += conflict
        if returning and table in ID_TABLES and not re.search(r"\bRETURNING\b", text, re.I):
            text += " RETURNING id"
    return text


_EXPLICIT_ID = re.compile(r'^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"?(\w+)"?\s*\((?:[^)]*,)?\s*"?id"?\s*[,)]', re.I)


@functools.lru_cache(maxsize=1024)
def explicit_id_table(sql: str) -> str | None:
    """The table an INSERT gives ids of its own (a restore), whose id sequence must then catch up."""
    match = _EXPLICIT_ID.match(sql)
    return match.group(1) if match and match.group(1) in ID_TABLES else None


def is_insert_returning(sql: str) -> bool:
    return translate(sql).endswith(" RETURNING id")
