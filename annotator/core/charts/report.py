"""One self-contained HTML report of a project's findings (issue 16, item 3).

Charts are inline SVG, tables are HTML tables, and nothing is fetched or run: the page
carries a Content-Security-Policy that forbids every script and every load, so even a
hostile title that slipped through could do nothing. Every project string (titles,
labels, targets, coder names, descriptions) is escaped; the SVGs escape their own text.
"""

from __future__ import annotations

import os
import re
from datetime import date
from html import escape
from pathlib import Path

from annotator.core.charts.data import ChartOptions, chart_data
from annotator.core.charts.filters import ChartFilter, resolve
from annotator.core.charts.table import ChartData
from annotator.core.common.errors import ProjectError
from annotator.core.common.partial_files import atomic_output
from annotator.core.common.protocols import ProjectLike

# What the report draws, in reading order; variables and their crosstab are added per codesheet.
SECTIONS = ("stance-targets", "stance-outlets", "stance-time", "entities", "cooccurrence", "claims-verdict",
            "claims-type", "claims-source", "labels", "matrix")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 2px 8px; text-align: left; } td.n { text-align: right; }
.note { color: #555; font-size: 0.9em; } .swatch { display: inline-block; width: 1em; height: 1em;
  border: 1px solid #333; vertical-align: middle; } svg { max-width: 100%; height: auto; }
"""
_SVG_HEAD = re.compile(r"^.*?(?=<svg\b)", re.S)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _charts(project: ProjectLike, flt: ChartFilter, limit: int) -> list[tuple[str, ChartData | None, str]]:
    """(kind, data or None, why there is none) for every chart the report holds."""
    wanted = [(kind, ChartOptions(limit=limit)) for kind in SECTIONS]
    variables = project.variables.list()
    wanted += [("variable", ChartOptions(variable=v.name)) for v in variables]
    if len(variables) >= 2:
        wanted.append(("crosstab", ChartOptions(variable=variables[0].name, second=variables[1].name)))
    if not (flt.coder or flt.gold) and project.coders.count() > 1:
        wanted.append(("agreement", ChartOptions()))
    found = []
    for kind, options in wanted:
        try:
            found.append((kind, chart_data(project, kind, flt, options), ""))
        except ProjectError as exc:  # nothing to chart, no date field...: said in the report, not fatal
            found.append((kind, None, str(exc)))
    return found


def _table_html(data: ChartData) -> str:
    header, rows = data.table()
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{_e(c)}</td>' if isinstance(c, (int, float)) else
                                    f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart_html(data: ChartData, index: int) -> str:
    from annotator.core.charts.draw import svg_text

    svg = _own_ids(_SVG_HEAD.sub("", svg_text(data), count=1), f"c{index}-")  # no XML declaration or DOCTYPE
    return (f"<section><h2>{_e(data.title)}</h2>{svg}<p class=\"note\">{_e(data.note)}</p>"
            f"{_table_html(data)}</section>")


_TAG = re.compile(r"<[^<>]*>")
_ID_USES = re.compile(r'(\bid="|url\(#|href="#)')


def _own_ids(svg: str, prefix: str) -> str:
    """Every id of one chart's SVG prefixed, and every reference to one: ids must be unique in the page, and a
    chart's hatch or clip path must not resolve into another chart's."""
    # Inside tags only: a label reading id="x" is text, and stays as the analyst typed it.
    return _TAG.sub(lambda tag: _ID_USES.sub(lambda m: m.group(1) + prefix, tag.group(0)), svg)


def _method(project: ProjectLike, flt: ChartFilter) -> str:
    scope = resolve(project, flt)
    conn = project.store.conn
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    kept = documents if scope.documents is None else len(scope.documents)
    coders = conn.execute(
        "SELECT c.name, c.kind, count(DISTINCT x.document_id), min(x.at), max(x.at) FROM coders c "
        "JOIN (SELECT coder_id, document_id, updated_at AS at FROM annotations "
        "UNION ALL SELECT coder_id, document_id, updated_at FROM variable_values) AS x ON x.coder_id = c.id "
        "GROUP BY c.id, c.name, c.kind ORDER BY c.id").fetchall()
    dates = conn.execute("SELECT min(value), max(value) FROM document_metadata WHERE key = 'date' "
                         "AND value LIKE '____-__-__%'").fetchone()
    rows = "".join(f"<tr><td>{_e(name)}{' (gold layer)' if kind == 'gold' else ''}</td><td class=\"n\">{n}</td>"
                   f"<td>{_e((first or '')[:10])} – {_e((last or '')[:10])}</td></tr>"
                   for name, kind, n, first, last in coders)
    published = f"<li>Documents dated {_e(dates[0][:10])} to {_e(dates[1][:10])}.</li>" if dates and dates[0] else ""
    return ("<section><h2>Method</h2><ul>"
            f"<li>{kept} of the project's {documents} documents are counted ({_e(flt.describe())}).</li>"
            f"{published}<li>With all coders, each coder's code counts as one observation; the gold layer "
            "(adjudicated codes) is counted only when it is charted alone.</li></ul>"
            "<table><thead><tr><th>coder</th><th>documents coded</th><th>coded between</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def _codebook(project: ProjectLike) -> str:
    rows = []
    for label in project.codebook.labels():
        attributes = "; ".join(f"{a.name} ({', '.join(a.choices) or a.kind})"
                               for a in project.codebook.attributes(label.id)) if not label.is_group else ""
        swatch = "" if label.is_group else f'<span class="swatch" style="background:{_e(_colour(label.color))}"></span> '
        rows.append(f"<tr><td>{_e(label.layer)}</td><td>{swatch}{_e(label.name)}</td><td>{_e(label.key or '')}</td>"
                    f"<td>{_e(label.description)}</td><td>{_e(attributes)}</td></tr>")
    variables = "".join(
        f"<tr><td>{_e(v.name)}</td><td>{_e(v.question)}</td><td>{_e(v.kind)}, {_e(v.level)}</td>"
        f"<td>{_e('; '.join(f'{c.code} = {c.label}' for c in v.choices))}</td></tr>" for v in project.variables.list())
    sheet = ("<h3>Document variables</h3><table><thead><tr><th>variable</th><th>question</th><th>type</th>"
             f"<th>choices</th></tr></thead><tbody>{variables}</tbody></table>") if variables else ""
    return ("<section><h2>Codebook</h2><table><thead><tr><th>layer</th><th>label</th><th>key</th>"
            f"<th>description</th><th>attributes</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{sheet}</section>")


def _colour(value: str) -> str:
    # Only a #RRGGBB colour reaches the style attribute; anything else is drawn grey.
    return value if re.fullmatch(r"#[0-9A-Fa-f]{6}", value or "") else "#888888"


def _agreement(project: ProjectLike, flt: ChartFilter) -> str:
    if flt.coder or flt.gold or project.coders.count() < 2:
        return ""
    from annotator.core.team.project_agreement import agreement

    report = agreement(project, documents=resolve(project, flt).documents)
    if report.problem:
        return f"<section><h2>Agreement figures</h2><p>{_e(report.problem)}</p></section>"
    rows = "".join(f"<tr><td>{_e(r.scope)}</td><td>{_e(r.name)}</td><td>{_e(r.figure.measure)}</td>"
                   f"<td class=\"n\">{'' if r.figure.value is None else f'{r.figure.value:.3f}'}</td>"
                   f"<td>{_e(r.figure.reason or '')}</td><td class=\"n\">{r.figure.documents}</td></tr>"
                   for r in report.rows)
    return ("<section><h2>Agreement figures</h2><table><thead><tr><th>scope</th><th>name</th><th>measure</th>"
            f"<th>value</th><th>why none</th><th>documents</th></tr></thead><tbody>{rows}</tbody></table></section>")


def report_html(project: ProjectLike, flt: ChartFilter = ChartFilter(), *, limit: int = 20) -> str:
    """The whole report as one HTML page."""
    name = getattr(project, "name", "") or "Project"
    charts = _charts(project, flt, limit)
    drawn = "".join(_chart_html(data, i) for i, (_, data, _) in enumerate(charts) if data is not None)
    missing = "".join(f"<li>{_e(kind)}: {_e(why)}</li>" for kind, data, why in charts if data is None)
    left_out = f"<section><h2>Not charted</h2><ul>{missing}</ul></section>" if missing else ""
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">"
            f"<title>{_e(name)}: findings</title><style>{_STYLE}</style></head><body>"
            f"<h1>{_e(name)}: findings</h1><p class=\"note\">Report made by Annotator on {date.today().isoformat()}."
            f"</p>{_method(project, flt)}{drawn}{_agreement(project, flt)}{_codebook(project)}{left_out}"
            "</body></html>\n")


def write_report(project: ProjectLike, out: str | os.PathLike, flt: ChartFilter = ChartFilter(), *,
                 limit: int = 20) -> Path:
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ProjectError(f"Write the report to an .html file, not {out.name!r}.")
    text = report_html(project, flt, limit=limit)
    with atomic_output(out) as handle:
        handle.write(text)
    return out
