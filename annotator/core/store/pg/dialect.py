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
]
_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+\"?(\w+)\"?\s*\(([^)]*)\)", re.I | re.S)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?", re.I)


@functools.lru_cache(maxsize=4096)
def translate(sql: str, returning: bool = True, named: bool = False) -> str:
    """The statement as PostgreSQL runs it; returning=False leaves out the RETURNING id of an INSERT,
    named=True takes `:name` parameters (given as a dict) instead of `?`."""
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


def is_insert_returning(sql: str) -> bool:
    return translate(sql).endswith(" RETURNING id")
