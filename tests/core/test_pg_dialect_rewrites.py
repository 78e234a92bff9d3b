"""The rewrites that let the core's SQLite SQL mean the same on PostgreSQL (issue 15, item 3).

Each is also exercised by the both-engine tests of the feature that needed it; these pin
the edges the features do not reach: quoted text untouched, spacing, nesting.
"""

from __future__ import annotations

import pytest

from annotator.core.store.pg.dialect import translate


@pytest.mark.parametrize(("sqlite", "postgresql"), [
    ("UPDATE documents SET status = ? WHERE id = ? AND status IS NOT ?",
     "UPDATE documents SET status = %s WHERE id = %s AND status IS DISTINCT FROM %s"),
    ("SELECT 1 FROM labels WHERE parent_id IS ?", "SELECT 1 FROM labels WHERE parent_id IS NOT DISTINCT FROM %s"),
    ("SELECT 1 FROM v WHERE (name, kind) IS NOT (?, ?)", "SELECT 1 FROM v WHERE (name, kind) IS DISTINCT FROM (%s, %s)"),
    # NULL tests keep their own words however they are spaced.
    ("SELECT 1 FROM a WHERE x IS  NOT NULL AND y IS\n NULL AND z IS NOT TRUE",
     "SELECT 1 FROM a WHERE x IS  NOT NULL AND y IS\n NULL AND z IS NOT TRUE"),
    ("SELECT count(*) FROM annotations a WHERE 1 AND a.coder_id IN (1)",
     "SELECT count(*) FROM annotations a WHERE TRUE AND a.coder_id IN (1)"),
    ("SELECT id FROM annotations WHERE 1 = 1", "SELECT id FROM annotations WHERE 1 = 1"),
    ("PRAGMA data_version", "SELECT pg_current_snapshot()::text"),
])
def test_sqlite_comparisons_and_conditions_take_postgresql_words(sqlite, postgresql):
    assert translate(sqlite) == postgresql


def test_null_order_is_sqlite_s_in_every_order_by_but_not_inside_quotes():
    sql = ("SELECT a, string_agg(b, ',' ORDER BY c DESC) FROM t WHERE d = 'ORDER BY e' "
           "GROUP BY a ORDER BY a COLLATE nocase, f DESC, g NULLS LAST LIMIT ? OFFSET ?")
    assert translate(sql) == (
        "SELECT a, string_agg(b, ',' ORDER BY c DESC NULLS LAST) FROM t WHERE d = 'ORDER BY e' "
        "GROUP BY a ORDER BY a COLLATE nocase NULLS FIRST, f DESC NULLS LAST, g NULLS LAST LIMIT %s OFFSET %s")


def test_every_subquery_in_from_gets_an_alias_unless_it_has_one():
    sql = ("SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM t WHERE x = 'FROM (SELECT 1)') LIMIT ?) "
           "UNION ALL SELECT n FROM (SELECT 2 AS n) AS kept")
    assert translate(sql) == (
        "SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM t WHERE x = 'FROM (SELECT 1)') AS annotator_from_2 "
        "LIMIT %s) AS annotator_from_1 UNION ALL SELECT n FROM (SELECT 2 AS n) AS kept")


def test_marks_and_percent_signs_inside_quotes_stay_text():
    assert translate("SELECT '?', '%', ':x', 'it''s ?' WHERE a = ?") == "SELECT '?', '%%', ':x', 'it''s ?' WHERE a = %s"
    assert translate("SELECT ':x', :x", named=True) == "SELECT ':x', %(x)s"
