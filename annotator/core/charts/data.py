"""The numbers behind each chart kind, counted by the database (GROUP BY) on either engine.

chart_data(project, kind, flt, options) answers a ChartData (table.py): a small table with
the base query behind it, so a click can list the documents and annotations of a cell.
Every count respects the ChartFilter's documents and coders (filters.py). With all coders,
each coder's code is one observation: two coders tagging the same stance count twice,
as two readings of the article (the gold layer is left out unless asked for alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.charts.filters import ChartFilter, Scope, require_key, resolve
from annotator.core.charts.network import mentions, network, top_counts
from annotator.core.charts.table import Base, ChartData, ordered
from annotator.core.coding.variables import choices_of
from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.protocols import ProjectLike

NOT_SET = "(not set)"
PERIODS = ("month", "week")


@dataclass(frozen=True)
class ChartOptions:
    """What a chart kind asks beyond the filter; each kind reads the fields it needs."""

    target: str | None = None  # stance-outlets, stance-time: only stances toward this target
    by: str = "outlet"  # stance-outlets: the metadata field that names the outlet
    period: str = "month"  # stance-time: month or week
    variable: str | None = None  # variable, crosstab
    second: str | None = None  # crosstab: the column variable
    layer: str | None = None  # labels, matrix: one codebook layer
    limit: int = 20  # most rows (targets, entities, documents...) shown; a network's nodes
    within: str = "document"  # cooccurrence: entities joined by sharing a "document" or a "sentence"


def _stance_labels(project: ProjectLike) -> list:
    return [label for label in project.codebook.in_layer("stance") if not label.is_group]


def _target_names(project: ProjectLike, target: str) -> list[str]:
    """The spellings a stance target is stored under that mean `target`: an entity's name when it or one of its
    aliases is `target`, and free-text targets equal to it (case and spacing aside)."""
    wanted = fold(target)
    names = {}
    for entity_id, name in project.store.conn.execute(
            "SELECT id, name FROM entities UNION ALL SELECT entity_id, alias FROM entity_aliases"):
        names.setdefault(entity_id, set()).add(fold(name))
    accepted = [name for (name,) in project.store.conn.execute(
        "SELECT name FROM entities WHERE id IN (SELECT value FROM json_each(?))",
        (_ids([i for i, folded in names.items() if wanted in folded]),))]
    accepted += [text for (text,) in project.store.conn.execute(
        "SELECT DISTINCT target FROM annotations WHERE target IS NOT NULL") if fold(text) == wanted]
    return accepted


def _ids(ids) -> str:
    import json

    return json.dumps(sorted(ids))


_TARGET = "COALESCE(te.name, a.target)"


def _stance_base(project: ProjectLike, scope: Scope, rk: str, joins: str = "", join_params: tuple = (),
                 where: str = "", where_params: tuple = (), target: str | None = None,
                 stance: str = "l.layer = 'stance'") -> Base:
    cond, params = scope.both("a.document_id", "a.coder_id")
    if target is not None:
        names = _target_names(project, target)
        if not names:
            raise ProjectError(f"Nothing is stanced toward {target!r}; chart stance by target to see the targets.")
        cond += f" AND {_TARGET} IN ({', '.join('?' * len(names))})"
        params += names
    sql = (f"SELECT a.document_id, a.id AS annotation_id, CAST({rk} AS TEXT) AS rk, l.name AS ck "
           "FROM annotations a JOIN labels l ON l.id = a.label_id "
           f"LEFT JOIN entities te ON te.id = a.target_entity_id {joins} "
           f"WHERE {stance} AND {_TARGET} IS NOT NULL{where}{cond}")
    return Base(sql, (*join_params, *where_params, *params))


def _stance_chart(project, kind, title, row_title, base: Base, rows_from, note) -> ChartData:
    labels = _stance_labels(project)
    values = base.grouped(project)
    totals: dict[str, float] = {}
    for (row, _), count in values.items():
        totals[row] = totals.get(row, 0) + count
    return ChartData(kind, title, "stacked", row_title, "stance", "annotations", rows_from(totals),
                     [label.name for label in labels], values, {label.name: label.color for label in labels},
                     note, base)


def stance_by_target(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                     options: ChartOptions = ChartOptions()) -> ChartData:
    scope = resolve(project, flt)
    base = _stance_base(project, scope, _TARGET)
    return _stance_chart(project, "stance-targets", "Stance by target", "target", base,
                         lambda totals: ordered(totals, options.limit),
                         f"Stance annotations toward each target, the {options.limit} most stanced-toward targets.")


def stance_by_outlet(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                     options: ChartOptions = ChartOptions()) -> ChartData:
    scope = resolve(project, flt)
    require_key(project, options.by)
    base = _stance_base(project, scope, f"COALESCE(m.value, '(no {options.by})')",
                        "LEFT JOIN document_metadata m ON m.document_id = a.document_id AND m.key = ?",
                        (options.by,), target=options.target)
    toward = f" toward {options.target}" if options.target else ""
    return _stance_chart(project, "stance-outlets", f"Stance{toward} by {options.by}", options.by, base,
                         lambda totals: ordered(totals, options.limit),
                         f"Stance annotations{toward} in each {options.by}'s documents.")


def stance_over_time(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                     options: ChartOptions = ChartOptions()) -> ChartData:
    if options.period not in PERIODS:
        raise ProjectError(f"Unknown period {options.period!r}; use month or week.")
    scope = resolve(project, flt)
    require_key(project, "date")
    day = "substr(m.value, 1, 10)"
    if options.period == "month":
        period = "substr(m.value, 1, 7)"
    elif project.store.engine == "postgresql":
        period = f"to_char(date_trunc('week', CAST({day} AS date)), 'YYYY-MM-DD')"
    else:  # the Monday of the date's week, as PostgreSQL's date_trunc('week') gives it
        period = f"date({day}, 'weekday 0', '-6 days')"
    base = _stance_base(project, scope, period,
                        "JOIN document_metadata m ON m.document_id = a.document_id AND m.key = 'date'",
                        where=f" AND m.value LIKE '____-__-__%' AND {period} IS NOT NULL", target=options.target,
                        # Named by label id, SQLite walks the label index's stance rows instead of every
                        # annotation of every dated document: 0.69 s -> 0.40 s on the bench archive. (By
                        # target and by outlet it made no gain or cost a little, so they keep the join.)
                        stance="a.label_id IN (SELECT id FROM labels WHERE layer = 'stance')")
    toward = f" toward {options.target}" if options.target else ""
    title = f"Stance{toward} by {options.period}" + (" (weeks from Monday)" if options.period == "week" else "")
    return _stance_chart(project, "stance-time", title, options.period, base, sorted,
                         f"Stance annotations{toward} by the {options.period} of the document's date; "
                         "documents without a readable date (YYYY-MM-DD) are left out.")


def top_entities(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                 options: ChartOptions = ChartOptions()) -> ChartData:
    scope = resolve(project, flt)
    base = mentions(scope)
    counts = top_counts(project, scope, "mentions", options.limit)
    rows = ordered({name: float(m) for name, (m, _) in counts.items()}, options.limit)
    values = {}
    for name in rows:
        values[(name, "mentions")], values[(name, "documents")] = counts[name]
    return ChartData("entities", "Most mentioned entities", "bars", "entity", "count", "count", rows,
                     ["mentions", "documents"], values, {}, f"Entity mentions (a registry entity under its name, "
                     f"else the tagged text) and the documents they are in; the {options.limit} most mentioned.",
                     base)


def entity_network(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                   options: ChartOptions = ChartOptions()) -> ChartData:
    """Entities as nodes, joined by the documents (or, options.within, the sentences) they share."""
    return network(project, flt, options)


def _attribute_base(scope: Scope, attribute: str, rk: str, ck: str, joins: str = "") -> Base:
    cond, params = scope.both("a.document_id", "a.coder_id")
    return Base(f"SELECT a.document_id, a.id AS annotation_id, CAST({rk} AS TEXT) AS rk, CAST({ck} AS TEXT) AS ck "
                "FROM annotations a JOIN labels l ON l.id = a.label_id "
                "LEFT JOIN label_attributes t ON t.label_id = a.label_id AND t.name = ? "
                f"LEFT JOIN annotation_values v ON v.annotation_id = a.id AND v.attribute_id = t.id {joins}"
                f"WHERE l.layer = 'claim' AND l.id IN (SELECT label_id FROM label_attributes WHERE name = ?){cond}",
                (attribute, attribute, *params))


def _choices(project: ProjectLike, name: str) -> list[str]:
    """The choices of the claim attribute `name` in codebook order (several labels: their union)."""
    found: list[str] = []
    for label in project.codebook.in_layer("claim"):
        for attribute in project.codebook.attributes(label.id) if not label.is_group else ():
            if attribute.name == name:
                found += [c for c in attribute.choices if c not in found]
    return found


def _claim_attribute(project: ProjectLike, name: str) -> list[str]:
    choices = _choices(project, name)
    if not choices and not any(a.name == name for label in project.codebook.in_layer("claim") if not label.is_group
                               for a in project.codebook.attributes(label.id)):
        raise ProjectError(f"No claim label has the attribute {name!r}; add it to the codebook "
                           "(the default codebook's Claim has type and verdict).")
    return choices


def claims_by(attribute: str) -> Callable[..., ChartData]:
    def chart(project: ProjectLike, flt: ChartFilter = ChartFilter(),
              options: ChartOptions = ChartOptions()) -> ChartData:
        choices = _claim_attribute(project, attribute)
        base = _attribute_base(resolve(project, flt), attribute, f"COALESCE(v.value, '{NOT_SET}')", "l.name")
        values = base.grouped(project)
        labels = [label for label in project.codebook.in_layer("claim") if not label.is_group
                  and (label.name in {c for _, c in values})]
        seen = {row for row, _ in values}
        rows = [c for c in choices if c in seen] + sorted(seen - set(choices))
        return ChartData(f"claims-{attribute}", f"Claims by {attribute}", "stacked", attribute, "label", "claims",
                         rows, [label.name for label in labels], values, {l.name: l.color for l in labels},
                         f"Claim annotations by their {attribute}; {NOT_SET}: not filled in.", base)
    return chart


def claims_by_source(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                     options: ChartOptions = ChartOptions()) -> ChartData:
    choices = _claim_attribute(project, "verdict")
    base = _attribute_base(resolve(project, flt), "verdict", "COALESCE(se.name, a.source, '(no source)')",
                           f"COALESCE(v.value, '{NOT_SET}')", "LEFT JOIN entities se ON se.id = a.source_entity_id ")
    values = base.grouped(project)
    totals: dict[str, float] = {}
    for (row, _), count in values.items():
        totals[row] = totals.get(row, 0) + count
    seen = {column for _, column in values}
    columns = [c for c in choices if c in seen] + sorted(seen - set(choices))
    return ChartData("claims-source", "Claims by source and verdict", "stacked", "source", "verdict", "claims",
                     ordered(totals, options.limit), columns, values, {},
                     f"Who claims most (the claim's source), split by verdict; the {options.limit} sources "
                     "with most claims.", base)


def _labels_base(project: ProjectLike, scope: Scope, rk: str, layer: str | None, joins: str = "") -> Base:
    cond, params = scope.both("a.document_id", "a.coder_id")
    if layer is not None:
        layers = sorted({label.layer for label in project.codebook.labels()})
        if layer not in layers:
            raise ProjectError(f"No layer {layer!r} in the codebook; its layers are: {', '.join(layers)}.")
        cond += " AND l.layer = ?"
        params.append(layer)
    return Base(f"SELECT a.document_id, a.id AS annotation_id, CAST({rk} AS TEXT) AS rk, l.name AS ck "
                f"FROM annotations a JOIN labels l ON l.id = a.label_id {joins}WHERE 1 = 1{cond}", tuple(params))


def label_frequencies(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                      options: ChartOptions = ChartOptions()) -> ChartData:
    scope = resolve(project, flt)
    base = _labels_base(project, scope, "l.name", options.layer)
    # Counted by label id, not name: the (label_id, document_id ...) index answers it without reading a row.
    cond, params = scope.both("a.document_id", "a.coder_id")
    found = {label_id: (n, d) for label_id, n, d in project.store.conn.execute(
        f"SELECT a.label_id, count(*), count(DISTINCT a.document_id) FROM annotations a WHERE 1 = 1{cond} "
        "GROUP BY a.label_id", tuple(params))}
    labels = [label for label in project.codebook.labels() if label.id in found
              and (options.layer is None or label.layer == options.layer)]
    values = {}
    for label in labels:
        values[(label.name, "annotations")], values[(label.name, "documents")] = found[label.id]
    return ChartData("labels", "Label frequencies", "bars", "label", "count", "count", [l.name for l in labels],
                     ["annotations", "documents"], values, {l.name: l.color for l in labels},
                     "Annotations with each label (spans and whole-document codes), and the documents they are in.",
                     base)


def document_label_matrix(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                          options: ChartOptions = ChartOptions()) -> ChartData:
    scope = resolve(project, flt)
    base = _labels_base(project, scope, "'#' || CAST(d.id AS TEXT) || ' ' || d.title", options.layer,
                        "JOIN documents d ON d.id = a.document_id ")
    # The most coded documents first (the document_id index counts them), then their cells alone:
    # naming a million annotations' documents to keep twenty would cost seconds.
    cond, params = scope.both("a.document_id", "a.coder_id")
    if options.layer is not None:
        cond += " AND a.label_id IN (SELECT id FROM labels WHERE layer = ?)"
        params.append(options.layer)
    top = [doc for doc, _ in project.store.conn.execute(
        f"SELECT a.document_id, count(*) FROM annotations a WHERE 1 = 1{cond} GROUP BY a.document_id "
        "ORDER BY count(*) DESC, a.document_id LIMIT ?", (*params, options.limit))]
    kept = Base(f"{base.sql} AND a.document_id IN (SELECT value FROM json_each(?))", (*base.params, _ids(top)))
    values = kept.grouped(project)
    used = {column for _, column in values}
    labels = [label for label in project.codebook.labels() if label.name in used]
    rows = sorted({row for row, _ in values}, key=lambda r: int(r[1:].split(" ", 1)[0]))
    return ChartData("matrix", "Documents × labels", "heatmap", "document", "label", "annotations", rows,
                     [l.name for l in labels], values, {l.name: l.color for l in labels},
                     f"Annotations of each label in each document; the {options.limit} most coded documents.", base)


def _variable(project: ProjectLike, name: str | None):
    if not name:
        raise ProjectError("Name the variable: --variable NAME (`annotator variables list` shows them).")
    return project.variables.named(name)


def _answers(variable, scope: Scope) -> tuple[str, list, list[str]]:
    """SQL of (document_id, coder_id, label) for each answer to `variable` in the scope, and the order of labels."""
    cond, params = scope.both("vv.document_id", "vv.coder_id")
    head = "SELECT vv.document_id, vv.coder_id, "
    where = f"WHERE vv.variable_id = {int(variable.id)}{cond}"
    if variable.kind == "single_choice":
        sql = (f"{head}c.label AS label FROM variable_values vv JOIN variable_choices c "
               f"ON c.variable_id = vv.variable_id AND CAST(c.code AS TEXT) = vv.value {where}")
    elif variable.kind == "multiple_choice":  # stored as a JSON list of codes: one row per chosen code
        listed = "(',' || replace(replace(replace(vv.value, '[', ''), ']', ''), ' ', '') || ',')"
        sql = (f"{head}c.label AS label FROM variable_values vv JOIN variable_choices c "
               f"ON c.variable_id = vv.variable_id AND {listed} LIKE ('%,' || CAST(c.code AS TEXT) || ',%') {where}")
    elif variable.kind == "yes_no":
        sql = f"{head}CASE vv.value WHEN '1' THEN 'yes' WHEN '0' THEN 'no' ELSE vv.value END AS label " \
              f"FROM variable_values vv {where}"
    else:
        sql = f"{head}vv.value AS label FROM variable_values vv {where}"
    return sql, params, [choice.label for choice in choices_of(variable)]


def _answer_order(labels: list[str], seen: set[str]) -> list[str]:
    def natural(text: str):
        try:
            return (0, float(text), text)
        except ValueError:
            return (1, 0.0, text.casefold())
    return [label for label in labels if label in seen] + sorted(seen - set(labels), key=natural)


def variable_distribution(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                          options: ChartOptions = ChartOptions()) -> ChartData:
    variable = _variable(project, options.variable)
    sql, params, labels = _answers(variable, resolve(project, flt))
    base = Base(f"SELECT document_id, CAST(NULL AS INTEGER) AS annotation_id, CAST(label AS TEXT) AS rk, "
                f"'answers' AS ck FROM ({sql}) AS x", tuple(params))
    values = base.grouped(project)
    rows = _answer_order(labels, {row for row, _ in values})
    return ChartData("variable", f"{variable.name}: answers", "bars", variable.name, "count", "answers", rows,
                     ["answers"], values, {}, "Codesheet answers (a coder's answer to one document is one); "
                     "a multiple choice counts each choice ticked.", base)


def variable_crosstab(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                      options: ChartOptions = ChartOptions()) -> ChartData:
    first, second = _variable(project, options.variable), _variable(project, options.second)
    scope = resolve(project, flt)
    sql1, params1, labels1 = _answers(first, scope)
    sql2, params2, labels2 = _answers(second, scope)
    base = Base(f"SELECT x.document_id, CAST(NULL AS INTEGER) AS annotation_id, CAST(x.label AS TEXT) AS rk, "
                f"CAST(y.label AS TEXT) AS ck FROM ({sql1}) AS x JOIN ({sql2}) AS y "
                "ON y.document_id = x.document_id AND y.coder_id = x.coder_id", (*params1, *params2))
    values = base.grouped(project)
    return ChartData("crosstab", f"{first.name} × {second.name}", "heatmap", first.name, second.name, "answers",
                     _answer_order(labels1, {r for r, _ in values}), _answer_order(labels2, {c for _, c in values}),
                     values, {}, "Documents by their answers to two variables, each coder's answers paired "
                     "with their own.", base)


AGREEMENT_MEASURES = ("alpha", "u_alpha", "f1_overlap")


def agreement_chart(project: ProjectLike, flt: ChartFilter = ChartFilter(),
                    options: ChartOptions = ChartOptions()) -> ChartData:
    """Per variable and label: alpha (variables), u-alpha and F1 with overlapping boundaries (labels)."""
    from annotator.core.team.project_agreement import agreement

    if flt.coder or flt.gold:
        raise ProjectError("Agreement compares coders: chart it with all coders (leave out --coder and --gold).")
    scope = resolve(project, flt)
    report = agreement(project, documents=scope.documents)
    if report.problem:
        raise ProjectError(f"nothing to chart: {report.problem}")
    values, rows = {}, []
    for row in report.rows:
        if row.scope not in ("variable", "label") or row.figure.measure not in AGREEMENT_MEASURES:
            continue
        if row.figure.value is None:
            continue
        name = f"{row.scope}: {row.name}"
        if name not in rows:
            rows.append(name)
        values[(name, row.figure.measure)] = row.figure.value
    columns = [m for m in AGREEMENT_MEASURES if any(c == m for _, c in values)]
    return ChartData("agreement", f"Agreement of {', '.join(report.coders)}", "bars", "variable or label",
                     "measure", "agreement", rows, columns, values, {},
                     f"Over the {len(report.units)} documents two or more coders coded; alphas read by "
                     "Krippendorff's bands (.800 reliable, .667 tentative).", absent_is_zero=False,
                     shared_scale=True)


KINDS: dict[str, Callable[..., ChartData]] = {
    "stance-targets": stance_by_target,
    "stance-outlets": stance_by_outlet,
    "stance-time": stance_over_time,
    "entities": top_entities,
    "cooccurrence": entity_network,
    "claims-verdict": claims_by("verdict"),
    "claims-type": claims_by("type"),
    "claims-source": claims_by_source,
    "labels": label_frequencies,
    "matrix": document_label_matrix,
    "variable": variable_distribution,
    "crosstab": variable_crosstab,
    "agreement": agreement_chart,
}


def chart_data(project: ProjectLike, kind: str, flt: ChartFilter = ChartFilter(),
               options: ChartOptions = ChartOptions()) -> ChartData:
    """The table behind chart `kind`; a ProjectError for an unknown kind or filter, or when there is nothing to chart."""
    if kind not in KINDS:
        raise ProjectError(f"Unknown chart {kind!r}; choose one of: {', '.join(KINDS)}.")
    data = KINDS[kind](project, flt, options)
    if data.empty:
        raise ProjectError(f"nothing to chart: {data.title.lower()} finds nothing"
                           f"{' for ' + flt.describe() if flt != ChartFilter() else ''}. {data.note}")
    return data
