"""Charts from the command line: `annotator chart KIND --out FILE.svg|png|pdf|csv` (issue 16, item 2) and
`annotator report --out FILE.html` (item 3).

A thin wrapper over core.charts: data.chart_data counts, draw.save draws and writes. matplotlib
loads only when a chart is drawn, never for another command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.store.pg.locations import project_location

KIND_HELP = {
    "stance-targets": "Favor/Against/Neutral/Mixed toward each target, stacked",
    "stance-outlets": "stance by outlet (--by FIELD, default outlet; --target NAME for one target)",
    "stance-time": "stance by the document's date, --period month or week (--target NAME for one target)",
    "entities": "the most mentioned entities: mentions and documents",
    "cooccurrence": "a network of entities found in the same documents (--within sentence: the same sentences), "
                    "edges weighted",
    "claims-verdict": "claims by verdict",
    "claims-type": "claims by type",
    "claims-source": "who claims most, and how it was judged",
    "labels": "label frequencies (--layer LAYER for one layer)",
    "matrix": "documents x labels heatmap (--layer LAYER for one layer)",
    "variable": "the answers to one document variable (--variable NAME)",
    "crosstab": "two document variables crossed (--variable ROWS --by-variable COLUMNS)",
    "agreement": "agreement per label and variable (needs two coders or more)",
}
DESCRIPTION = (
    "Draw a chart of the project's findings and write it as PNG, SVG or PDF, or write the table behind it as "
    "CSV (UTF-8 with a byte-order mark, for Excel), as --out's suffix says. Filters keep documents by metadata "
    "(--meta FIELD=VALUE, repeatable), by stance (--stance-target NAME, optionally --stance LABEL) and by a "
    "search query (--search QUERY); --coder NAME, --gold or --all-coders (the default: every coder's codes, "
    "the gold layer left out) say whose codes count. Kinds: "
    + "; ".join(f"{kind}: {text}" for kind, text in KIND_HELP.items()) + "."
)


def add_command(commands, open_existing) -> None:
    p = commands.add_parser("chart", help="draw a chart (stance, entities, claims, codes, variables, agreement)",
                            description=DESCRIPTION)
    p.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(KIND_HELP)}")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="FILE.png, .svg, .pdf or .csv")
    _filters(p)
    p.add_argument("--target", metavar="NAME", help="stance-outlets, stance-time: only stances toward NAME")
    p.add_argument("--by", default="outlet", metavar="FIELD", help="stance-outlets: the metadata field of the "
                   "outlet (default: outlet)")
    p.add_argument("--period", choices=("month", "week"), default="month", help="stance-time: month or week")
    p.add_argument("--variable", metavar="NAME", help="variable, crosstab: the document variable")
    p.add_argument("--by-variable", metavar="NAME", help="crosstab: the variable of the columns")
    p.add_argument("--layer", metavar="LAYER", help="labels, matrix: one codebook layer (entity, claim, stance...)")
    p.add_argument("--within", choices=("document", "sentence"), default="document",
                   help="cooccurrence: join entities found in the same document (the default) or sentence")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N rows or nodes (default 20)")
    p.add_argument("--size", metavar="WxH", default="1000x600", help="PNG size in pixels (default 1000x600)")
    p.set_defaults(command="chart", handler=lambda args: _run(args, open_existing))


REPORT_DESCRIPTION = (
    "Write one self-contained HTML file of the project's findings: every chart there is data for (inline SVG) "
    "with the table behind it, agreement figures when several coders coded, the codebook, and a method note "
    "(documents counted, coders, when they coded). It loads nothing from the network and runs no script. "
    "The filters of `annotator chart` apply to the whole report."
)


def add_report_command(commands, open_existing) -> None:
    p = commands.add_parser("report", help="write an HTML report of the findings (charts, tables, codebook)",
                            description=REPORT_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.html", help="the report to write")
    _filters(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N rows or nodes a chart (default 20)")
    p.set_defaults(command="report", handler=lambda args: _run_report(args, open_existing))


def _filters(p) -> None:
    p.add_argument("--meta", action="append", default=[], metavar="FIELD=VALUE",
                   help="only documents whose metadata FIELD is VALUE (repeat to require several)")
    p.add_argument("--stance-target", metavar="NAME", help="only documents with a stance toward NAME")
    p.add_argument("--stance", metavar="LABEL", help="with --stance-target: only that stance (e.g. Against)")
    p.add_argument("--search", metavar="QUERY", help="only documents matching a corpus search")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--coder", metavar="NAME", help="one coder's codes")
    who.add_argument("--gold", action="store_true", help="the adjudicated (gold) layer's codes")
    who.add_argument("--all-coders", action="store_true", help="every coder's codes (the default)")


def _chart_filter(args: argparse.Namespace):
    from annotator.core.charts.filters import ChartFilter

    return ChartFilter(metadata=_meta(args.meta), stance_target=args.stance_target, stance=args.stance,
                       search=args.search, coder=args.coder, gold=args.gold)


def _run_report(args: argparse.Namespace, open_existing) -> int:
    from annotator.core.charts.report import write_report

    if args.out.suffix.lower() not in (".html", ".htm"):
        raise ProjectError(f"Write the report to an .html file, not {args.out.name!r}.")
    if args.limit < 1:
        raise ProjectError("--limit takes a number of rows of at least 1.")
    with open_existing(args) as project:
        out = write_report(project, args.out, _chart_filter(args), limit=args.limit)
    print(f"Wrote the report to {out}.")
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ProjectError(f"--size takes WIDTHxHEIGHT in pixels, e.g. 1200x800; got {text!r}.") from None
    if not (100 <= width <= 10000 and 100 <= height <= 10000):
        raise ProjectError("--size: give a width and height between 100 and 10000 pixels.")
    return width, height


def _meta(pairs: list[str]) -> tuple[tuple[str, str], ...]:
    found = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ProjectError(f"--meta takes FIELD=VALUE, e.g. --meta outlet=Reuters; got {pair!r}.")
        found.append((key.strip(), value.strip()))
    return tuple(found)


def _run(args: argparse.Namespace, open_existing) -> int:
    from annotator.core.charts.data import ChartOptions, chart_data
    from annotator.core.charts.draw import format_of, save
    format_of(args.out)  # a wrong suffix is said before the project is opened
    width, height = _size(args.size)
    if args.limit < 1:
        raise ProjectError("--limit takes a number of rows of at least 1.")
    flt = _chart_filter(args)
    options = ChartOptions(target=args.target, by=args.by, period=args.period, variable=args.variable,
                           second=args.by_variable, layer=args.layer, limit=args.limit, within=args.within)
    with open_existing(args) as project:
        data = chart_data(project, args.kind, flt, options)
        out = save(data, args.out, width=width, height=height)
    print(f"Wrote {data.title} ({len(data.rows)} rows) to {out}.")
    return 0
