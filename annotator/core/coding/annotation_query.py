"""The corpus-wide annotation table's queries: filter, count and page every annotation.

A page is read in two steps: the ids of its rows in the asked order, then just those
rows. Where an index serves the order (reading order, also within a label or a layer)
the ids come from LIMIT/OFFSET over it, a page past the middle read from the far end,
so the last of a million rows costs what the first does. Where SQLite would have to
sort (text, label, dates) or the text filter must read every row, the ordered ids
(8 bytes each, never whole rows) are worked out once and kept until the file changes.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# The filter bar's choices live in annotation_choices; the table and search reach them from here.
from annotator.core.coding.annotation_choices import (
    fold,
)  # noqa: F401
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYERS
from annotator.core.common.protocols import ProjectLike

SORTS = ("document", "label", "layer", "start", "text", "target", "annotator", "created_at", "updated_at")
MAX_PAGE = 5000
_CHUNK = 500  # ids per IN (...) list, well under SQLite's bound-parameter limit
_MERGED_LABELS = 24  # up to this many labels (a layer, a group) are read in reading order label by label


@dataclass(frozen=True)
class AnnotationFilter:
    """Which annotations the table shows; an empty filter shows every one.

    label_ids may name label groups: a group stands for every label under it.
    entity_id matches an entity span's link and a source, target or holder link.
    text_contains ignores case and looks in the text, target, source, holder and note.
    attributes are (name, value) pairs, all of which must hold; an empty value
    means "has any value for this attribute".
    """

    layer: str | None = None
    label_ids: tuple[int, ...] = ()
    entity_id: int | None = None
    text_contains: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    document_id: int | None = None
    coder_ids: tuple[int, ...] | None = None  # only these coders' annotations (None: every coder's)

    def __post_init__(self) -> None:
        # Filters key the caches below, so lists given by callers become tuples.
        object.__setattr__(self, "label_ids", tuple(self.label_ids))
        if self.coder_ids is not None:
            object.__setattr__(self, "coder_ids", tuple(self.coder_ids))
        object.__setattr__(self, "attributes", tuple((str(n), str(v)) for n, v in self.attributes))
        object.__setattr__(self, "text_contains", " ".join((self.text_contains or "").split()))


@dataclass(frozen=True)
class AnnotationRow:
    """One line of the annotation table. Roles read as the linked entity's name, else their free text."""

    id: int
    document_id: int
    document_title: str
    layer: str
    label_name: str
    label_color: str
    start: int | None
    end: int | None
    text: str
    target: str | None
    source: str | None
    holder: str | None
    entity_name: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""
    created_at: str = ""
    updated_at: str = ""

    @property
    def role_text(self) -> str:
        """What the table's Target/Source column shows (and sorts by): the stance's target,
        the claim's source or the entity span's registry entity; a layer has only its own."""
        return self.target or self.source or self.entity_name or ""


def count(project: ProjectLike, flt: AnnotationFilter) -> int:
    """How many annotations the filter lets through."""
    state = _state(project)
    if flt not in state.counts:  # a sorted list of ids, once made, has already counted them
        joins, where, params = _conditions(project, flt)
        # With no WHERE at all SQLite counts the index's entries page by page without reading them.
        sql = f"SELECT count(*) FROM annotations a {joins}" + (f" WHERE {where}" if where != "1" else "")
        state.counts[flt] = project.store.conn.execute(sql, params).fetchone()[0]
    return state.counts[flt]


def page(project: ProjectLike, flt: AnnotationFilter, *, sort: str = "document", descending: bool = False,
         offset: int = 0, limit: int = 200) -> list[AnnotationRow]:
    """Rows offset..offset+limit of the filtered annotations in the given order.

    Every order ends in a unique key, so pages never overlap or skip a row, and
    descending is exactly the ascending order reversed.
    """
    if sort not in SORTS:
        raise ProjectError(f"Cannot sort the annotation table by {sort!r}; use one of {', '.join(SORTS)}.")
    if offset < 0 or limit < 0:
        raise ProjectError("A page of the annotation table needs an offset and a size of 0 or more.")
    if limit > MAX_PAGE:
        raise ProjectError(f"Ask for at most {MAX_PAGE} rows of the annotation table at a time.")
    ids = _page_ids(project, flt, sort, descending, offset, limit)
    return rows_by_id(project, ids)


def rows_by_id(project: ProjectLike, ids: list[int]) -> list[AnnotationRow]:
    """The table rows of these annotations, in the order given; ids no longer there are left out."""
    conn = project.store.conn
    found: dict[int, tuple] = {}
    values: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found.update((row[0], row) for row in conn.execute(f"{_ROW_SELECT} WHERE a.id IN ({marks})", chunk))
        for annotation_id, name, value in conn.execute(
            "SELECT v.annotation_id, la.name, v.value FROM annotation_values v JOIN label_attributes la "
            f"ON la.id = v.attribute_id WHERE v.annotation_id IN ({marks}) ORDER BY la.sort_order, la.id", chunk
        ):
            values.setdefault(annotation_id, {})[name] = value
    return [AnnotationRow(*found[i][:13], values.get(i, {}), *found[i][13:]) for i in ids if i in found]


# -- building the SQL ---------------------------------------------------------------------

_JOINS = {
    "l": "JOIN labels l ON l.id = a.label_id",
    "te": "LEFT JOIN entities te ON te.id = a.target_entity_id",
    "se": "LEFT JOIN entities se ON se.id = a.source_entity_id",
    "he": "LEFT JOIN entities he ON he.id = a.holder_entity_id",
    "me": "LEFT JOIN entities me ON me.id = a.entity_id",
}
_ROW_SELECT = (
    "SELECT a.id, a.document_id, d.title, l.layer, l.name, l.color, a.span_start, a.span_end, a.text, "
    "coalesce(te.name, a.target), coalesce(se.name, a.source), coalesce(he.name, a.holder), me.name, "
    "a.note, a.annotator, a.created_at, a.updated_at FROM annotations a JOIN documents d ON d.id = a.document_id "
    + " ".join(_JOINS.values())
)

# Reading order; the (document_id, span_start, span_end DESC) index serves it without a sort.
_DOCUMENT_ORDER = [("a.document_id", True), ("a.span_start", True), ("a.span_end", False), ("a.id", True)]
_LAYER_RANK = "CASE l.layer " + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(LAYERS)) + " ELSE 9 END"
# NOCASE folds ASCII letters only, like a spreadsheet's quick sort; scripts without case sort as they are.
_ORDERS: dict[str, tuple[list[tuple[str, bool]], set[str]]] = {
    "document": (_DOCUMENT_ORDER, set()),
    "start": ([("a.span_start", True), ("a.span_end", False), ("a.document_id", True), ("a.id", True)], set()),
    "label": ([("l.name COLLATE NOCASE", True), ("l.id", True), *_DOCUMENT_ORDER], {"l"}),
    "layer": ([(_LAYER_RANK, True), ("l.name COLLATE NOCASE", True), ("l.id", True), *_DOCUMENT_ORDER], {"l"}),
    "text": ([("a.text COLLATE NOCASE", True), *_DOCUMENT_ORDER], set()),
    "target": ([("coalesce(te.name, a.target, se.name, a.source, me.name, '') COLLATE NOCASE", True),
                *_DOCUMENT_ORDER], {"te", "se", "me"}),
    "annotator": ([("a.annotator COLLATE NOCASE", True), *_DOCUMENT_ORDER], set()),
    # Ties within a second: the older row (smaller id) first.
    "created_at": ([("a.created_at", True), ("a.id", True)], set()),
    "updated_at": ([("a.updated_at", True), ("a.id", True)], set()),
}


def _order_by(sort: str, descending: bool) -> tuple[str, set[str]]:
    terms, joins = _ORDERS[sort]
    # Flipping every term (the unique id included) makes descending the exact reverse.
    return ", ".join(f"{expr} {'ASC' if asc != descending else 'DESC'}" for expr, asc in terms), joins


def _conditions(project: ProjectLike, flt: AnnotationFilter, extra_joins: set[str] = frozenset(),
                labels: set[int] | None = None) -> tuple[str, str, list]:
    """(joins, WHERE clause, parameters) for a filter checked to name real things; `labels` replaces its own."""
    conn = project.store.conn
    joins: set[str] = set(extra_joins)
    clauses: list[str] = []
    params: list[object] = []
    labels = _label_set(conn, flt) if labels is None else labels
    if labels is not None:
        clauses.append(f"a.label_id IN ({', '.join('?' * len(labels))})" if labels else "FALSE")
        params.extend(sorted(labels))
    if flt.document_id is not None:
        clauses.append("a.document_id = ?")
        params.append(flt.document_id)
    if flt.coder_ids is not None:
        clauses.append(f"a.coder_id IN ({', '.join('?' * len(flt.coder_ids))})" if flt.coder_ids else "FALSE")
        params.extend(flt.coder_ids)
    if flt.entity_id is not None:
        if conn.execute("SELECT 1 FROM entities WHERE id = ?", (flt.entity_id,)).fetchone() is None:
            raise ProjectError(f"There is no entity {flt.entity_id} in the registry; choose one from the list.")
        clauses.append("(a.entity_id = ? OR a.source_entity_id = ? OR a.target_entity_id = ? OR a.holder_entity_id = ?)")
        params.extend([flt.entity_id] * 4)
    if flt.text_contains:
        # Matched once per search and shared by the count and every order (see _text_matches).
        clauses.append("a.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(_text_matches(project, fold(flt.text_contains)).tolist()))
    for name, value in flt.attributes:
        attribute_ids = _attribute_ids(conn, name)
        marks = ", ".join("?" * len(attribute_ids))
        _install_functions(project)
        test, extra = ("annotator_fold(value) = ?", [fold(value)]) if fold(value) else ("annotator_fold(value) != ''", [])
        clauses.append(f"a.id IN (SELECT annotation_id FROM annotation_values WHERE attribute_id IN ({marks}) AND {test})")
        params.extend([*attribute_ids, *extra])
    return " ".join(_JOINS[alias] for alias in _JOINS if alias in joins), " AND ".join(clauses) or "1", params


def _label_set(conn: sqlite3.Connection, flt: AnnotationFilter) -> set[int] | None:
    """The labels an annotation may carry to pass the filter; None when any label will do."""
    if flt.layer is None and not flt.label_ids:
        return None
    if flt.layer is not None and flt.layer not in LAYERS:
        raise ProjectError(f"Unknown layer {flt.layer!r}; use one of {', '.join(LAYERS)}.")
    rows = conn.execute("SELECT id, parent_id, layer FROM labels").fetchall()
    allowed = {label_id for label_id, _parent, layer in rows if flt.layer in (None, layer)}
    if not flt.label_ids:
        return allowed
    children: dict[int | None, list[int]] = {}
    for label_id, parent, _layer in rows:
        children.setdefault(parent, []).append(label_id)
    chosen: set[int] = set()
    pending = list(flt.label_ids)
    while pending:
        label_id = pending.pop()
        if label_id not in {row[0] for row in rows}:
            raise ProjectError(f"There is no label {label_id} in the codebook; choose a label from the list.")
        chosen.add(label_id)
        pending.extend(children.get(label_id, []))  # a group stands for the labels under it
    return allowed & chosen


def _attribute_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    wanted = fold(name)
    if not wanted:
        raise ProjectError("An attribute filter needs the attribute's name; choose one from the list.")
    ids = [attribute_id for attribute_id, attribute_name in conn.execute("SELECT id, name FROM label_attributes")
           if fold(attribute_name) == wanted]
    if not ids:
        raise ProjectError(f"No label in the codebook has an attribute named {name.strip()!r}; "
                           "choose one from the list.")
    return ids


def _text_matches(project: ProjectLike, needle: str) -> array:
    """Ids of the annotations whose text, target, source, holder or note contains the needle.

    Case-folding is Python's (SQLite's lower() knows only ASCII), so this reads
    every row once; the answer is kept until the project changes.
    """
    state = _state(project)
    if needle in state.matches:
        return state.matches[needle]
    _install_functions(project)
    conn = project.store.conn
    named = [entity_id for entity_id, name in conn.execute("SELECT id, name FROM entities") if needle in fold(name)]
    # A linked role reads as its entity's name, so its free text (if any) is not what the analyst sees.
    sql = ("SELECT a.id FROM annotations a WHERE annotator_contains(?, a.text, "
           "CASE WHEN a.target_entity_id IS NULL THEN a.target END, "
           "CASE WHEN a.source_entity_id IS NULL THEN a.source END, "
           "CASE WHEN a.holder_entity_id IS NULL THEN a.holder END, a.note)")
    params: list[object] = [needle]
    if named:
        marks = ", ".join("?" * len(named))
        for role in ("target", "source", "holder"):
            sql += f" OR a.{role}_entity_id IN ({marks})"
            params.extend(named)
    found = state.matches[needle] = array("q", (row[0] for row in conn.execute(f"{sql} ORDER BY a.id", params)))
    return found


def _contains(needle: str, *values: str | None) -> int:
    for value in values:  # a plain loop: this runs once per annotation
        if value and needle in fold(value):
            return 1
    return 0


def _install_functions(project: ProjectLike) -> None:
    state = _state(project)
    if not state.functions:
        # Python's casefold, not SQLite's lower(), which knows only ASCII (Ä, Σ, Ǆ...).
        conn = project.store.conn
        conn.create_function("annotator_contains", -1, _contains, deterministic=True)
        conn.create_function("annotator_fold", 1, fold, deterministic=True)
        state.functions = True


# -- page ids, and what is kept between pages -----------------------------------------------


@dataclass
class _State:
    stamp: tuple = ()
    functions: bool = False
    counts: dict = field(default_factory=dict)
    orders: OrderedDict = field(default_factory=OrderedDict)  # (filter, sort, descending) -> array of ids
    plans: dict = field(default_factory=dict)  # (filter, sort, descending) -> whether an index serves it
    matches: dict = field(default_factory=dict)  # folded search text -> array of matching ids


_STATES: "weakref.WeakKeyDictionary[Any, _State]" = weakref.WeakKeyDictionary()
_KEPT_ORDERS = 2  # the current order and the previous one, so flipping a header back is free


def _state(project: ProjectLike) -> _State:
    """What this project's queries remember, dropped the moment the file changes.

    total_changes moves with every write on our connection (undo included) and
    data_version with every commit from another one, so a stale answer is never served.
    """
    state = _STATES.setdefault(project.store, _State())
    conn = project.store.conn
    stamp = (conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0])
    if stamp != state.stamp:
        functions = state.functions  # functions stay registered on the connection
        state = _STATES[project.store] = _State(stamp, functions)
    return state


def _page_ids(project: ProjectLike, flt: AnnotationFilter, sort: str, descending: bool, offset: int, limit: int) -> list[int]:
    state = _state(project)
    key = (flt, sort, descending)
    kept = state.orders.get(key)
    if kept is not None:
        state.orders.move_to_end(key)
        return kept[offset:offset + limit].tolist()
    if _index_serves(project, flt, sort, descending):
        return _walk(project, flt, sort, descending, offset, limit)
    sql, params = _id_query(project, flt, sort, descending)
    ids = state.orders[key] = array("q", (row[0] for row in project.store.conn.execute(sql, params)))
    while len(state.orders) > _KEPT_ORDERS:
        state.orders.popitem(last=False)
    state.counts[flt] = len(ids)
    return ids[offset:offset + limit].tolist()


def _index_serves(project: ProjectLike, flt: AnnotationFilter, sort: str, descending: bool) -> bool:
    """Whether SQLite reads this order straight from an index, so that a page costs only its rows."""
    state = _state(project)
    key = (flt, sort, descending)
    if key not in state.plans:
        if project.store.engine == "postgresql":
            # A server round trip per page costs more than fetching the order's ids once and slicing them.
            state.plans[key] = False
            return False
        sql, params = _id_query(project, flt, sort, descending)
        plan = project.store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        state.plans[key] = not flt.text_contains and not any("TEMP B-TREE" in row[-1] for row in plan)
    return state.plans[key]


def _walk(project: ProjectLike, flt: AnnotationFilter, sort: str, descending: bool, offset: int, limit: int) -> list[int]:
    """A page by LIMIT/OFFSET over the index; past the middle, from the far end in the reverse order.

    OFFSET steps over every row before the page: backwards, the last page is a first page.
    Every order ends in a unique key, so its reverse is exactly this one reversed.
    """
    conn = project.store.conn
    if offset > 0:
        total = count(project, flt)
        size = min(limit, total - offset)
        if size <= 0:
            return []
        if offset + size / 2 > total / 2 and _index_serves(project, flt, sort, not descending):
            sql, params = _id_query(project, flt, sort, not descending)
            ids = [row[0] for row in conn.execute(f"{sql} LIMIT ? OFFSET ?", (*params, size, total - offset - size))]
            ids.reverse()
            return ids
    sql, params = _id_query(project, flt, sort, descending)
    return [row[0] for row in conn.execute(f"{sql} LIMIT ? OFFSET ?", (*params, limit, offset))]


def _id_query(project: ProjectLike, flt: AnnotationFilter, sort: str, descending: bool) -> tuple[str, list]:
    if sort == "document" and not flt.text_contains:
        labels = _label_set(project.store.conn, flt)
        if labels is not None and 1 < len(labels) <= _MERGED_LABELS:
            return _merged_id_query(project, flt, sorted(labels), descending)
    order, order_joins = _order_by(sort, descending)
    joins, where, params = _conditions(project, flt, order_joins)
    return f"SELECT a.id FROM annotations a {joins} WHERE {where} ORDER BY {order}", params


def _merged_id_query(project: ProjectLike, flt: AnnotationFilter, labels: list[int], descending: bool) -> tuple[str, list]:
    """Reading order over several labels as one arm per label, merged by SQLite.

    No index holds a layer's or a group's rows in reading order, but the
    (label_id, document_id, span_start, span_end DESC) index holds each label's,
    and SQLite merges ordered arms of a UNION ALL without sorting them.
    """
    arms, params = [], []
    for label_id in labels:
        joins, where, arm_params = _conditions(project, flt, labels={label_id})
        arms.append(f"SELECT a.id, a.document_id, a.span_start, a.span_end FROM annotations a {joins} WHERE {where}")
        params.extend(arm_params)
    # A compound query orders by its result columns: 2, 3, 4 and 1 are the _DOCUMENT_ORDER terms.
    order = ", ".join(f"{column} {'ASC' if asc != descending else 'DESC'}"
                      for column, (_expr, asc) in zip((2, 3, 4, 1), _DOCUMENT_ORDER))
    return f"{' UNION ALL '.join(arms)} ORDER BY {order}", params


def query_plan(project: ProjectLike, flt: AnnotationFilter, *, sort: str = "document", descending: bool = False) -> list[str]:
    """SQLite's plan for a page's ids, to check which orders an index serves."""
    sql, params = _id_query(project, flt, sort, descending)
    return [row[-1] for row in project.store.conn.execute(f"EXPLAIN QUERY PLAN {sql} LIMIT 1 OFFSET 0", params)]
