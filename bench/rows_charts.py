"""Row 12: each chart of issue 16 over the archive, from the project to a drawn figure.

Timed: chart_data (the SQL aggregate and the table) plus figure() (matplotlib lays it out and draws
it on the Agg canvas). Reference, in the same run: the bare aggregate query, a GROUP BY of the
same rows with no filter, no coder scope and no drawing. Each chart's numbers are checked against
its reference's.
"""

from __future__ import annotations

import gc

from .common import Context, check
from .report import RowResult

# kind, what the reference counts, and its SQL: (row, column, count) with names the chart shows.
_STANCE = "SELECT id FROM labels WHERE layer = 'stance'"
_ENTITY = "SELECT id FROM labels WHERE layer = 'entity'"
_NAME = "COALESCE(e.name, a.text)"  # a linked mention counts under its entity's name, whatever its text
_NODES = (f"SELECT {_NAME}, '', count(DISTINCT a.document_id) FROM annotations a "
          f"LEFT JOIN entities e ON e.id = a.entity_id WHERE a.label_id IN ({_ENTITY}) GROUP BY {_NAME}")
CHARTS = [
    ("stance-targets", "stance annotations by target and label",
     f"SELECT a.target, l.name, count(*) FROM annotations a JOIN labels l ON l.id = a.label_id "
     f"WHERE a.label_id IN ({_STANCE}) GROUP BY a.target, l.name"),
    ("stance-outlets", "stance annotations by outlet and label",
     f"SELECT m.value, l.name, count(*) FROM annotations a JOIN labels l ON l.id = a.label_id "
     f"JOIN document_metadata m ON m.document_id = a.document_id AND m.key = 'outlet' "
     f"WHERE a.label_id IN ({_STANCE}) GROUP BY m.value, l.name"),
    ("stance-time", "stance annotations by month and label",
     f"SELECT substr(m.value, 1, 7), l.name, count(*) FROM annotations a JOIN labels l ON l.id = a.label_id "
     f"JOIN document_metadata m ON m.document_id = a.document_id AND m.key = 'date' "
     f"WHERE a.label_id IN ({_STANCE}) GROUP BY substr(m.value, 1, 7), l.name"),
    ("entities", "entity mentions by their entity's name, else their text",
     f"SELECT {_NAME}, 'mentions', count(*) FROM annotations a LEFT JOIN entities e ON e.id = a.entity_id "
     f"WHERE a.label_id IN ({_ENTITY}) GROUP BY {_NAME}"),
    ("labels", "annotations by label",
     "SELECT l.name, 'annotations', n FROM (SELECT label_id, count(*) AS n FROM annotations GROUP BY label_id) AS c "
     "JOIN labels l ON l.id = c.label_id"),
    ("matrix", "annotations per document, the most coded",
     "SELECT document_id, '', count(*) FROM annotations GROUP BY document_id ORDER BY count(*) DESC LIMIT 20"),
    ("cooccurrence", "documents of each entity's mentions (the network's nodes)", _NODES),
    ("cooccurrence --within sentence", "documents of each entity's mentions (the network's nodes)", _NODES),
]


def _chart(project, kind: str):
    from annotator.core.charts.data import ChartOptions, chart_data

    name, _, within = kind.partition(" --within ")
    return chart_data(project, name, options=ChartOptions(within=within or "document"))


def row_charts(ctx: Context, results: list[RowResult]) -> None:
    from annotator.core.charts.data import chart_data
    from annotator.core.charts.draw import figure
    from annotator.core.project import Project

    path = ctx.shared_archive()
    with Project(path) as project:
        figure(chart_data(project, "labels"))  # matplotlib's import and font cache: paid once, before the rounds
        conn = project.store.conn
        for result, (kind, _, sql) in zip(results, CHARTS):
            data = None
            for i in ctx.timed_rounds():
                gc.collect()
                with ctx.clock(profile=i >= ctx.warmup) as c:
                    data = _chart(project, kind)
                    figure(data)
                gc.collect()
                with ctx.clock() as r:
                    reference = conn.execute(sql).fetchall()
                if i >= ctx.warmup:
                    result.samples.append(c.ms)
                    result.reference.append(r.ms)
            _check(kind, data, reference)
            result.checked = True
            result.notes.append(f"{kind}: {len(data.rows)} rows x {len(data.columns)} columns, "
                                f"{int(sum(data.values.values())):,} counted")


def _check(kind: str, data, reference: list[tuple]) -> None:
    counted = {(str(r), str(c)): n for r, c, n in reference}
    if kind.startswith("stance"):  # every archive stance has a free-text target and every document a date
        for (row, column), n in data.values.items():
            want = counted.get((row, column), 0)
            check(n == want, f"{kind}: {row} / {column} is {n}, the reference counts {want}")
    elif kind == "entities":
        top = sorted((n for (name, _), n in counted.items() if name), reverse=True)[:len(data.rows)]
        for row in data.rows:
            check(data.value(row, "mentions") == counted.get((row, "mentions"), 0),
                  f"entities: {row} has {data.value(row, 'mentions')} mentions, the reference counts "
                  f"{counted.get((row, 'mentions'), 0)}")
        check(sorted((data.value(row, "mentions") for row in data.rows), reverse=True) == top,
              f"entities: the chart's rows are not the {len(top)} most mentioned")
    elif kind == "labels":
        for row in data.rows:
            check(data.value(row, "annotations") == counted[(row, "annotations")],
                  f"labels: {row} counts {data.value(row, 'annotations')}, the reference {counted[(row, 'annotations')]}")
    elif kind == "matrix":
        top = sorted(n for (_, _), n in counted.items())
        shown = sorted(sum(data.value(row, c) for c in data.columns) for row in data.rows)
        check(shown == top, f"matrix: the documents' totals {shown[-3:]} are not the most coded {top[-3:]}")
    elif kind.startswith("cooccurrence"):
        top = sorted((n for (name, _), n in counted.items() if name), reverse=True)[:len(data.rows)]
        for row in data.rows:
            check(data.value(row, row) == counted.get((row, ""), 0),
                  f"{kind}: {row} is in {data.value(row, row)} documents, the reference counts "
                  f"{counted.get((row, ''), 0)}")
        check(sorted((data.value(row, row) for row in data.rows), reverse=True) == top,
              f"{kind}: the nodes are not the {len(top)} entities in most documents")
    check(not data.empty, f"{kind}: the chart is empty")
