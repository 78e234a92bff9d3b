"""The core's SQL, written for SQLite, as PostgreSQL takes it.

The core writes one dialect: SQLite's, with `?` parameters. Most of it is standard SQL
that PostgreSQL runs as it is; what differs is small and regular, so it is rewritten
here once per distinct statement (cached), not by hand in every module:

- `?` parameters become psycopg's `%s` (and a literal `%` becomes `%%`);
- `BEGIN IMMEDIATE` is plain `BEGIN` (PostgreSQL locks rows, not the file);
- `INSERT OR IGNORE` / `INSERT OR REPLACE` become `ON CONFLICT` clauses on the table's key;
- an INSERT into a table with an `id` gets `RETURNING id`, which gives `lastrowid`;
- `json_each(?)` over a JSON array of ids, `instr`, `rowid` and `CAST(... AS REAL)`
  take their PostgreSQL names; `a IS b` / `a IS NOT b` (any values, NULL-safe) become
  `IS [NOT] DISTINCT FROM`; `WHERE 1` (any number is a condition) is `WHERE TRUE`;
  a subquery in FROM without an alias gets one; each ORDER BY term puts NULLs first
  when ascending and last when descending, as SQLite sorts them; `PRAGMA data_version`
  (the cache stamp of annotation_query) becomes the server's current snapshot, which
  changes whenever another transaction ends.

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
    # SQLite's IS / IS NOT compare any two values, NULL-safe; PostgreSQL spells that DISTINCT FROM.
    (re.compile(r"\bIS\s+NOT\s+(?!\s|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I), "IS DISTINCT FROM "),
    (re.compile(r"\bIS\s+(?!\s|NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I), "IS NOT DISTINCT FROM "),
    # SQLite takes any number as a condition; the core's "match everything" is `WHERE 1 [AND ...]`.
    (re.compile(r"\bWHERE\s+1(?=\s*(?:$|\)|AND\b|OR\b|ORDER\b|GROUP\b|LIMIT\b|UNION\b))", re.I), "WHERE TRUE"),
    # What moves with every commit of another connection: any transaction's end changes the snapshot.
    (re.compile(r"^\s*PRAGMA\s+data_version\s*$", re.I), "SELECT pg_current_snapshot()::text"),
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


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.S)
_FROM_SUBQUERY = re.compile(r"\bFROM\s*\(\s*(?:SELECT|WITH|VALUES)\b", re.I)
# What may follow a subquery in FROM when it has no alias of its own.
_NO_ALIAS = re.compile(r"\s*(?:$|[),;]|(?:WHERE|ORDER|GROUP|HAVING|LIMIT|OFFSET|UNION|EXCEPT|INTERSECT|JOIN|LEFT|"
                       r"RIGHT|INNER|CROSS|FULL|NATURAL|ON|WINDOW)\b)", re.I)


def _alias_subqueries(text: str) -> str:
    """Give every subquery in FROM an alias: SQLite needs none, PostgreSQL before 16 refuses it without."""
    # Read with every quoted piece blanked out, so nothing inside one counts as SQL.
    masked = _QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)
    ends = []
    for match in _FROM_SUBQUERY.finditer(masked):
        depth, i = 0, masked.index("(", match.start())
        while i < len(masked):
            depth += {"(": 1, ")": -1}.get(masked[i], 0)
            if depth == 0:
                break
            i += 1
        if i < len(masked) and _NO_ALIAS.match(masked, i + 1):
            ends.append(i + 1)
    for n, end in enumerate(sorted(ends, reverse=True), 1):
        text = f"{text[:end]} AS annotator_from_{n}{text[end:]}"
    return text


_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_ORDER_END = re.compile(r"(?:LIMIT|OFFSET|UNION|EXCEPT|INTERSECT|FOR|ROWS|RANGE|GROUPS)\b", re.I)
_DESC = re.compile(r"\bDESC\s*$", re.I)
_HAS_NULLS = re.compile(r"\bNULLS\s+(?:FIRST|LAST)\s*$", re.I)


def _nulls_like_sqlite(text: str) -> str:
    """NULLs sort first in SQLite (last in PostgreSQL): every ORDER BY term says so, as document-level
    codes (no span) come before the spans of their document on both engines."""
    masked = _QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)
    inserts = []
    for match in _ORDER_BY.finditer(masked):
        i, depth, term_start = match.end(), 0, match.end()
        while True:
            at_end = i >= len(masked)
            char = "" if at_end else masked[i]
            if not at_end and depth == 0 and char.isalpha() and not masked[i - 1].isalnum() \
                    and masked[i - 1] != "_" and _ORDER_END.match(masked, i):
                at_end = True
            if at_end or (depth == 0 and char in ",);"):
                term = masked[term_start:i].rstrip()
                if term.strip() and not _HAS_NULLS.search(term):
                    inserts.append((term_start + len(term), " NULLS LAST" if _DESC.search(term) else " NULLS FIRST"))
                if at_end or char != ",":
                    break
                term_start = i + 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            i += 1
    for at, words in sorted(inserts, reverse=True):
        text = text[:at] + words + text[at:]
    return text


@functools.lru_cache(maxsize=4096)
def translate(sql: str, returning: bool = True, named: bool = False) -> str:
    """The statement as PostgreSQL runs it; returning=False leaves out the RETURNING id of an INSERT,
    named=True takes `:name` parameters (given as a dict) instead of `?`."""
    if _DEFER_KEYS.match(sql):
        return "SET CONSTRAINTS ALL DEFERRED"
    if info := _TABLE_INFO.match(sql):
        return _TABLE_INFO_SQL.format(table=info.group(1))
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
    if _FROM_SUBQUERY.search(text):
        text = _alias_subqueries(text)
    if _ORDER_BY.search(text):
        text = _nulls_like_sqlite(text)
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
