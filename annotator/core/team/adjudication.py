"""Adjudication: every coder's version of a document side by side, settled into the gold layer.

The gold layer (Coders.gold) is a coder row whose codes are the adjudicated ones; it is never one
of the coders compared here. The coders of a document are those (gold aside) with an annotation
in it, an answer for it, or their mark that they coded it.

How codes are matched (versions):

* A span's code is its boundaries, its label and its roles: source, target and holder, each the
  registry entity or the free text (case and spacing aside). A span every coder of the document
  has with the same code is agreed ("agree"): exact boundaries, because that is what a reader can
  check by eye and what exact F1 counts. What rides on an agreed span (entity link, claim cue,
  attribute values) is compared one by one; Unit.differs_in names those the coders gave apart.
* The spans left over are grouped by overlap within a layer: a group holding spans of two or more
  coders is the same unit coded differently ("differ": other boundaries, label or roles); one
  coder's alone is "alone". Gold spans no group holds are "gold" units.
* Whole-document codes match the same way, their code being label and roles; the ones left over
  are grouped by what they are toward (the target), so Favor and Against toward Amazon are one
  unit coded differently.
* An answer to a document variable is agreed when every coder gave the same one; "differ" when
  two or more answered differently (or some left it blank); "alone" when one coder answered.

With fewer than two coders nothing can be agreed: every unit is "alone".

take, take_agreed and clear_gold each change the gold layer as one undoable edit (Store.write).
A code taken into gold replaces gold's conflicting codes: spans of the same layer that overlap it,
whole-document codes toward the same target, the answer to the same variable. A gold code that
is already exactly what would be taken is left as it is, so taking twice changes nothing. Taking
anything marks the document as coded by gold (adjudicated).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import Annotation, Coder, Variable
from annotator.core.common.protocols import ProjectLike
from annotator.core.store.database import Change, ChangeKind, now

AGREE, DIFFER, ALONE, GOLD_ONLY, BLANK = "agree", "differ", "alone", "gold", "blank"
_ROLES = ("source_entity_id", "source", "target_entity_id", "target", "holder_entity_id", "holder")


@dataclass(frozen=True)
class Coded:
    """One coder's annotation with its attribute values (attribute id -> value)."""

    annotation: Annotation
    values: dict[int, str]


@dataclass
class Unit:
    """One place in the document as each coder coded it.

    versions holds each coder's codes here (coder id -> codes; a coder with none is absent);
    gold, the gold layer's codes here. start and end cover the unit's spans (None for
    whole-document codes), for a view to reveal the place."""

    status: str  # AGREE, DIFFER, ALONE or GOLD_ONLY
    layer: str
    document_level: bool
    start: int | None
    end: int | None
    versions: dict[int, list[Coded]] = field(default_factory=dict)
    gold: list[Coded] = field(default_factory=list)
    differs_in: list = field(default_factory=list)  # an agreed unit's details coders gave apart, by name

    def codes(self) -> list[Coded]:
        return [coded for codes in self.versions.values() for coded in codes]


@dataclass(frozen=True)
class Answer:
    """A document variable as each coder answered it (coder id -> stored value) and as gold has it."""

    variable: Variable
    status: str  # AGREE, DIFFER, ALONE or BLANK
    values: dict[int, str]
    gold: str | None


@dataclass(frozen=True)
class Versions:
    document_id: int
    coders: list[Coder]
    gold: Coder | None
    units: list[Unit]  # whole-document codes first, then spans in reading order
    answers: list[Answer]  # every variable, in codesheet order


@dataclass(frozen=True)
class Outcome:
    """What an adjudication step changed in gold."""

    spans: int = 0
    document_codes: int = 0
    answers: int = 0
    removed: int = 0  # gold codes and answers replaced or cleared

    @property
    def changed(self) -> bool:
        return bool(self.spans or self.document_codes or self.answers or self.removed)


# -- reading -------------------------------------------------------------------------------------


def document_coders(project: ProjectLike, doc_id: int) -> list[Coder]:
    """The coders (gold aside) with an annotation in, an answer for, or a coded mark on the document."""
    rows = project.store.query(
        "SELECT c.id, c.name FROM coders c WHERE c.kind = 'coder' AND c.id IN ("
        "SELECT coder_id FROM annotations WHERE document_id = :d UNION "
        "SELECT coder_id FROM variable_values WHERE document_id = :d UNION "
        "SELECT coder_id FROM coded_documents WHERE document_id = :d) ORDER BY c.id", {"d": doc_id})
    return [Coder(coder_id, name) for coder_id, name in rows]


def versions(project: ProjectLike, doc_id: int) -> Versions:
    """Every coder's spans, whole-document codes and answers for the document, matched (see above)."""
    _check_document(project, doc_id)
    coders = document_coders(project, doc_id)
    gold = project.coders.gold()
    coder_ids = [c.id for c in coders]
    mine, gold_codes = _codes_by_coder(project, doc_id, coder_ids, gold)
    layers = {label.id: label.layer for label in project.codebook.labels()}
    attributes = dict(project.store.query("SELECT id, name FROM label_attributes"))
    units: list[Unit] = []
    for document_level in (True, False):
        picked = {cid: [c for c in codes if c.annotation.is_document_level == document_level]
                  for cid, codes in mine.items()}
        in_gold = [c for c in gold_codes if c.annotation.is_document_level == document_level]
        units += _units(picked, in_gold, coder_ids, layers, document_level)
    for unit in units:
        unit.differs_in = [attributes.get(name[1], "attribute") if isinstance(name, tuple) else name
                           for name in unit.differs_in]
    return Versions(doc_id, coders, gold, units, _answers(project, doc_id, coder_ids, gold))


def _codes_by_coder(project: ProjectLike, doc_id: int, coder_ids: list[int],
                    gold: Coder | None) -> tuple[dict[int, list[Coded]], list[Coded]]:
    annotations = project.annotations.for_document(doc_id)
    by_id = _values_by_attribute_id(project, [a.id for a in annotations])
    mine: dict[int, list[Coded]] = {cid: [] for cid in coder_ids}
    gold_codes: list[Coded] = []
    for a in annotations:
        coded = Coded(a, by_id.get(a.id, {}))
        if gold is not None and a.coder_id == gold.id:
            gold_codes.append(coded)
        elif a.coder_id in mine:
            mine[a.coder_id].append(coded)
    return mine, gold_codes


def _values_by_attribute_id(project: ProjectLike, annotation_ids: list[int]) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    for start in range(0, len(annotation_ids), 500):
        chunk = annotation_ids[start:start + 500]
        for annotation_id, attribute_id, value in project.store.query(
            f"SELECT annotation_id, attribute_id, value FROM annotation_values "
            f"WHERE annotation_id IN ({', '.join('?' * len(chunk))})", tuple(chunk)):
            found.setdefault(annotation_id, {})[attribute_id] = value
    return found


def code_key(a: Annotation) -> tuple:
    """What must be equal for two coders to agree on a span or whole-document code."""
    roles = tuple(fold(value) if isinstance(value, str) else value for value in (getattr(a, r) for r in _ROLES))
    return (a.start, a.end, a.label_id, roles)


def _details(coded: Coded) -> dict[str, object]:
    a = coded.annotation
    details: dict[str, object] = {"entity link": a.entity_id, "cue": (a.cue_start, a.cue_end)}
    details.update({("attribute", attribute_id): value for attribute_id, value in coded.values.items()})
    return details


def _signature(coded: Coded) -> tuple:
    """Equal for exactly the same code: nothing would change by taking one over the other."""
    a = coded.annotation
    return (code_key(a), a.entity_id, a.cue_start, a.cue_end, a.note, tuple(sorted(coded.values.items())))


class _Places:
    """Which of many codes overlap a span in its layer, or are toward a whole-document code's target,
    found by bisection: a document may hold thousands of spans per coder."""

    def __init__(self, codes: Iterable[tuple[Coded, object]], layers: dict[int, str]):
        self._layers = layers
        self._toward: dict[object, list[object]] = {}
        spans: dict[str, list[tuple[int, int, object]]] = {}
        for coded, payload in codes:
            a = coded.annotation
            if a.is_document_level:
                self._toward.setdefault(_toward(a), []).append(payload)
            else:
                spans.setdefault(layers.get(a.label_id, ""), []).append((a.start, a.end, payload))
        self._spans = {}
        for layer, items in spans.items():
            items.sort(key=lambda item: item[0])
            self._spans[layer] = ([s for s, _e, _p in items], [e for _s, e, _p in items], [p for _s, _e, p in items],
                                  max(e - s for s, e, _p in items))

    def at(self, a: Annotation) -> list[object]:
        """The payloads of the codes in `a`'s place, in start order: spans of its layer overlapping
        it, or whole-document codes toward the same target."""
        if a.is_document_level:
            return self._toward.get(_toward(a), [])
        found = self._spans.get(self._layers.get(a.label_id, ""))
        if found is None:
            return []
        starts, ends, payloads, longest = found
        last = bisect.bisect_left(starts, a.end)  # every code from here on starts at or after a's end
        first = bisect.bisect_right(starts, a.start - longest)  # none before here reaches a's start
        return [payloads[i] for i in range(first, last) if ends[i] > a.start]


def _units(mine: dict[int, list[Coded]], gold: list[Coded], coder_ids: list[int], layers: dict[int, str],
           document_level: bool) -> list[Unit]:
    by_key: dict[tuple, dict[int, list[Coded]]] = {}
    for coder_id, codes in mine.items():
        for coded in codes:
            by_key.setdefault(code_key(coded.annotation), {}).setdefault(coder_id, []).append(coded)
    units: list[Unit] = []
    rest: list[tuple[int, Coded]] = []
    for key, holders in by_key.items():
        if len(coder_ids) >= 2 and len(holders) == len(coder_ids):
            start, end, label_id, _roles = key
            unit = Unit(AGREE, layers.get(label_id, ""), document_level, start, end, holders)
            unit.differs_in = _detail_differences(unit)  # attribute ids are named by versions()
            units.append(unit)
        else:
            rest += [(coder_id, coded) for coder_id, codes in holders.items() for coded in codes]
    units += _grouped(rest, layers, document_level)
    _attach_gold(units, gold, layers, document_level)
    order = (lambda u: (u.layer, u.start or 0)) if document_level else (lambda u: (u.start, -u.end, u.layer))
    return sorted(units, key=order)


def _detail_differences(unit: Unit) -> list[str]:
    per_coder = [_details(codes[0]) for codes in unit.versions.values()]
    names = dict.fromkeys(name for details in per_coder for name in details)
    return [name for name in names if any(details.get(name) != per_coder[0].get(name) for details in per_coder)]


def _grouped(rest: list[tuple[int, Coded]], layers: dict[int, str], document_level: bool) -> list[Unit]:
    """Group codes that overlap in a layer (spans) or are toward the same target (whole-document codes)."""
    groups: list[list[tuple[int, Coded]]] = []
    if document_level:
        by_target: dict[object, list[tuple[int, Coded]]] = {}
        for item in rest:
            a = item[1].annotation
            by_target.setdefault(_toward(a), []).append(item)
        groups = list(by_target.values())
    else:
        ordered = sorted(rest, key=lambda item: (layers.get(item[1].annotation.label_id, ""), item[1].annotation.start))
        current_layer, reach = None, -1
        for item in ordered:
            a = item[1].annotation
            layer = layers.get(a.label_id, "")
            if groups and layer == current_layer and a.start < reach:
                groups[-1].append(item)
                reach = max(reach, a.end)
            else:
                groups.append([item])
                current_layer, reach = layer, a.end
    units = []
    for group in groups:
        versions: dict[int, list[Coded]] = {}
        for coder_id, coded in group:
            versions.setdefault(coder_id, []).append(coded)
        first = group[0][1].annotation
        starts = [c.annotation.start for _, c in group if c.annotation.start is not None]
        ends = [c.annotation.end for _, c in group if c.annotation.end is not None]
        units.append(Unit(DIFFER if len(versions) >= 2 else ALONE, layers.get(first.label_id, ""), document_level,
                          min(starts) if starts else None, max(ends) if ends else None, versions))
    return units


def _toward(a: Annotation) -> object:
    if a.target_entity_id is not None:
        return ("entity", a.target_entity_id)
    return ("text", fold(a.target)) if a.target else ("label", a.label_id)


def _attach_gold(units: list[Unit], gold: list[Coded], layers: dict[int, str], document_level: bool) -> None:
    by_key: dict[tuple, Unit] = {}
    for unit in units:
        for c in unit.codes():
            by_key.setdefault(code_key(c.annotation), unit)
    places = _Places(((c, unit) for unit in units for c in unit.codes()), layers)
    for coded in gold:
        home = by_key.get(code_key(coded.annotation)) or next(iter(places.at(coded.annotation)), None)
        if home is None:
            a = coded.annotation
            home = Unit(GOLD_ONLY, layers.get(a.label_id, ""), document_level, a.start, a.end)
            units.append(home)
        home.gold.append(coded)


def _answers(project: ProjectLike, doc_id: int, coder_ids: list[int], gold: Coder | None) -> list[Answer]:
    given: dict[int, dict[int, str]] = {}
    for variable_id, coder_id, value in project.store.query(
            "SELECT variable_id, coder_id, value FROM variable_values WHERE document_id = ?", (doc_id,)):
        given.setdefault(variable_id, {})[coder_id] = value
    answers = []
    for variable in project.variables.list():
        stored = given.get(variable.id, {})
        values = {cid: stored[cid] for cid in coder_ids if cid in stored}
        if not values:
            status = BLANK
        elif len(values) == 1:
            status = ALONE
        else:
            status = AGREE if len(values) == len(coder_ids) and len(set(values.values())) == 1 else DIFFER
        answers.append(Answer(variable, status, values, stored.get(gold.id) if gold else None))
    return answers


# -- writing -------------------------------------------------------------------------------------


def take(project: ProjectLike, doc_id: int, coder: str | Coder, items: Iterable[int | str] | None = None) -> Outcome:
    """Copy a coder's version of the document into gold, as one edit.

    items chooses what to take: annotation ids (the coder's spans and whole-document codes) and
    variable names (their answers); None takes everything the coder has in the document."""
    _check_document(project, doc_id)
    who = _coder(project, coder)
    view = versions(project, doc_id)
    if who.id not in {c.id for c in view.coders}:
        raise ProjectError(f"{who.name} has not coded document {doc_id}; "
                           f"its coders are: {', '.join(c.name for c in view.coders) or 'none yet'}.")
    codes = [c for u in view.units for c in u.versions.get(who.id, [])]
    answers = {a.variable.name: a.values[who.id] for a in view.answers if who.id in a.values}
    if items is not None:
        codes, answers = _chosen(project, who, doc_id, codes, answers, list(items))
    return _into_gold(project, doc_id, view, codes, {project.variables.named(n).id: v for n, v in answers.items()})


def take_agreed(project: ProjectLike, doc_id: int) -> Outcome:
    """Copy into gold every code all the document's coders agree on, as one edit: agreed spans and
    whole-document codes with the entity link, cue and attribute values they agree on, and agreed answers."""
    view = versions(project, doc_id)
    if len(view.coders) < 2:
        who = view.coders[0].name if view.coders else None
        raise ProjectError(
            f"Only {who} coded document {doc_id}, so nothing is agreed; take their version instead."
            if who else f"Nobody has coded document {doc_id} yet, so there is nothing to take.")
    codes = [_agreed_code(unit) for unit in view.units if unit.status == AGREE]
    answers = {a.variable.id: next(iter(a.values.values())) for a in view.answers if a.status == AGREE}
    return _into_gold(project, doc_id, view, codes, answers)


def clear_gold(project: ProjectLike, doc_id: int) -> Outcome:
    """Remove the gold layer's codes, answers and adjudicated mark from the document, as one edit."""
    _check_document(project, doc_id)
    gold = project.coders.gold()
    if gold is None:
        return Outcome()
    ids = [i for (i,) in project.store.query(
        "SELECT id FROM annotations WHERE document_id = ? AND coder_id = ?", (doc_id, gold.id))]
    with project.store.write() as db:
        _delete(project, db, doc_id, ids)
        answers = db.execute("DELETE FROM variable_values WHERE document_id = ? AND coder_id = ?",
                             (doc_id, gold.id)).rowcount
        marked = db.execute("DELETE FROM coded_documents WHERE document_id = ? AND coder_id = ?",
                            (doc_id, gold.id)).rowcount
        if answers or marked:
            project.store.notify(Change(ChangeKind.CODESHEET_CHANGED, doc_id))
    return Outcome(removed=len(ids) + answers)


def _agreed_code(unit: Unit) -> Coded:
    """An agreed unit as gold takes it: the code, with only the details every coder gave alike."""
    firsts = [codes[0] for codes in unit.versions.values()]
    base = firsts[0].annotation
    same = lambda get: len({get(c) for c in firsts}) == 1
    fields = {"entity_id": base.entity_id if same(lambda c: c.annotation.entity_id) else None,
              "note": base.note if same(lambda c: c.annotation.note) else ""}
    if not same(lambda c: (c.annotation.cue_start, c.annotation.cue_end)):
        fields.update(cue_start=None, cue_end=None)
    values = {attribute_id: value for attribute_id, value in firsts[0].values.items()
              if all(c.values.get(attribute_id) == value for c in firsts)}
    return Coded(replace(base, **fields), values)


def _chosen(project: ProjectLike, who: Coder, doc_id: int, codes: list[Coded], answers: dict[str, str],
            items: list[int | str]) -> tuple[list[Coded], dict[str, str]]:
    by_id = {c.annotation.id: c for c in codes}
    picked_codes, picked_answers = [], {}
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            if item not in by_id:
                raise ProjectError(f"Annotation {item} is not one of {who.name}'s codes in document {doc_id}; "
                                   "choose among the ids the versions list.")
            picked_codes.append(by_id[item])
        else:
            name = project.variables.named(str(item)).name
            if name not in answers:
                raise ProjectError(f"{who.name} did not answer {name} for document {doc_id}; nothing to take.")
            picked_answers[name] = answers[name]
    return picked_codes, picked_answers


def _into_gold(project: ProjectLike, doc_id: int, view: Versions, codes: list[Coded],
               answers: dict[int, str]) -> Outcome:
    layers = {label.id: label.layer for label in project.codebook.labels()}
    in_gold = [c for u in view.units for c in u.gold]
    taking = {_signature(c) for c in codes}
    there = {_signature(g) for g in in_gold}
    kept = {g.annotation.id for g in in_gold if _signature(g) in taking}
    new = [c for c in codes if _signature(c) not in there]
    places = _Places(((c, True) for c in new), layers)
    replaced = [g.annotation.id for g in in_gold if g.annotation.id not in kept and places.at(g.annotation)]
    gold_answers = {a.variable.id: a.gold for a in view.answers if a.gold is not None}
    answers = {vid: value for vid, value in answers.items() if gold_answers.get(vid) != value}
    with project.store.write() as db:
        gold_id = project.coders.gold_id(db)
        gold_name = project.coders.get(gold_id).name
        _delete(project, db, doc_id, replaced)
        for coded in new:
            _insert(project, db, coded, gold_id, gold_name)
        stamp = now()
        for variable_id, value in answers.items():
            db.execute("INSERT INTO variable_values(document_id, variable_id, coder_id, value, updated_at) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id, variable_id, coder_id) DO UPDATE "
                       "SET value = excluded.value, updated_at = excluded.updated_at",
                       (doc_id, variable_id, gold_id, value, stamp))
        marked = db.execute("INSERT OR IGNORE INTO coded_documents(document_id, coder_id, coded_at) VALUES (?, ?, ?)",
                            (doc_id, gold_id, stamp)).rowcount
        if answers or marked:
            project.store.notify(Change(ChangeKind.CODESHEET_CHANGED, doc_id))
    spans = sum(1 for c in new if not c.annotation.is_document_level)
    return Outcome(spans=spans, document_codes=len(new) - spans, answers=len(answers),
                   removed=len(replaced) + sum(1 for vid in answers if vid in gold_answers))


def _insert(project: ProjectLike, db, coded: Coded, gold_id: int, gold_name: str) -> None:
    a, stamp = coded.annotation, now()
    row = {"document_id": a.document_id, "label_id": a.label_id, "span_start": a.start, "span_end": a.end,
           "text": a.text, "target": a.target, "note": a.note, "annotator": gold_name, "created_at": stamp,
           "updated_at": stamp, "entity_id": a.entity_id, "source_entity_id": a.source_entity_id,
           "source": a.source, "target_entity_id": a.target_entity_id, "holder_entity_id": a.holder_entity_id,
           "holder": a.holder, "cue_start": a.cue_start, "cue_end": a.cue_end, "coder_id": gold_id}
    annotation_id = db.execute(f"INSERT INTO annotations({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                               tuple(row.values())).lastrowid
    db.executemany("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)",
                   [(annotation_id, attribute_id, value) for attribute_id, value in coded.values.items()])
    project.store.notify(Change(ChangeKind.ANNOTATION_ADDED, a.document_id, annotation_id))


def _delete(project: ProjectLike, db, doc_id: int, annotation_ids: list[int]) -> None:
    for annotation_id in annotation_ids:
        db.execute("DELETE FROM annotation_values WHERE annotation_id = ?", (annotation_id,))
        db.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
        project.store.notify(Change(ChangeKind.ANNOTATION_REMOVED, doc_id, annotation_id))


def _coder(project: ProjectLike, coder: str | Coder) -> Coder:
    found = project.coders.get(coder.id) if isinstance(coder, Coder) else project.coders.named(coder)
    if found.is_gold:
        raise ProjectError("The gold layer is what is taken into; choose a coder to take from.")
    return found


def _check_document(project: ProjectLike, doc_id: int) -> None:
    if project.store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
        raise ProjectError(f"There is no document {doc_id}; the coding table or `annotator search` lists their ids.")
