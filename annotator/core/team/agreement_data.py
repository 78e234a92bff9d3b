"""What agreement is computed over, read from a project once: who coded which document, and their codes.

A coder has coded a document when they marked it coded (coded_documents), or put any
annotation on it (a span or a whole-document code, and so any attribute value), or
answered any of its variables. This is "coded", not "done" (coders-design.md): a coder
who tagged a document but left a required variable open has still coded its spans, and
leaving them out would hide real disagreement. A coder who coded a document and marked
nothing of a label there says the label is absent, which unitizing alpha counts; a coder
who never touched a document says nothing about it and is no unit there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import Variable
from annotator.core.common.protocols import ProjectLike

NONE_GIVEN = "(none)"  # a role the coder left empty on a span they marked: a value, not a gap
READ_CHECK = 20_000  # annotation rows read between two checks for Cancel


class CodedSpan(NamedTuple):
    """One coder's span annotation with what its roles read as (folded names, or NONE_GIVEN)."""

    id: int
    document: int
    start: int
    end: int
    label: str
    layer: str
    roles: tuple[tuple[str, str], ...]  # (role, value): source for claims, target and holder for stances...


class WholeCode(NamedTuple):
    """A whole-document code: a label on the document itself (a stance toward it has a target)."""

    document: int
    coder: str
    label: str
    layer: str
    target: str | None  # folded, for stances


@dataclass
class Coded:
    coders: list[str]  # compared, in the order they joined the project
    units: list[int]  # documents at least two of them coded, in id order
    coded_by: dict[int, tuple[str, ...]]  # unit document -> the compared coders who coded it, in coder order
    lengths: dict[int, int]  # unit document -> length in code points
    titles: dict[int, str]
    spans: dict[str, list[CodedSpan]]  # coder -> spans on unit documents they coded
    whole: list[WholeCode]
    attributes: dict[int, dict[str, str]]  # annotation id -> attribute name -> value
    attribute_kinds: dict[tuple[str, str], str]  # (layer, attribute name) -> kind
    labels: dict[str, list[str]]  # layer -> its codable labels' names, codebook order
    variables: list[Variable]
    answers: dict[int, dict[int, dict[str, str]]]  # variable id -> document -> coder -> stored answer
    notes: list[str] = field(default_factory=list)

    def complete(self) -> list[int]:
        """The unit documents every compared coder coded."""
        everyone = len(self.coders)
        return [d for d in self.units if len(self.coded_by[d]) == everyone]


def _coder_names(project: ProjectLike, coders: Iterable[str] | None) -> dict[int, str] | None:
    """coder id -> name of the coders asked for; None means every coder who shares a document."""
    if coders is None:
        return None
    chosen: dict[int, str] = {}
    for name in coders:
        coder = project.coders.named(name)
        chosen[coder.id] = coder.name
    if len(chosen) < 2:
        raise ProjectError(f"Agreement compares two coders or more; {', '.join(chosen.values()) or 'none'} "
                           f"{'is' if len(chosen) == 1 else 'are'} not enough. Name at least two with --coders.")
    return chosen


def read_coded(project: ProjectLike, coders: Iterable[str] | None = None,
               documents: Iterable[int] | None = None, check: Callable[[], None] | None = None) -> Coded:
    """Who coded what, for the compared coders; check() runs between reads and every READ_CHECK rows (it may raise)."""
    check = check or _nothing
    store = project.store
    everyone = {coder.id: coder.name for coder in project.coders.list()}
    chosen = _coder_names(project, coders)
    wanted = None
    if documents is not None:
        wanted = set(documents)
        known = {row[0] for row in store.query("SELECT id FROM documents")}
        unknown = sorted(wanted - known)
        if unknown:
            raise ProjectError(f"There is no document {', '.join(map(str, unknown[:5]))}"
                               f"{' ...' if len(unknown) > 5 else ''}; `annotator search` lists their ids.")
    who: dict[int, set[int]] = defaultdict(set)
    for doc, coder in store.query("SELECT document_id, coder_id FROM coded_documents UNION "
                                  "SELECT DISTINCT document_id, coder_id FROM annotations UNION "
                                  "SELECT DISTINCT document_id, coder_id FROM variable_values"):
        # The gold layer (adjudicated codes) is no coder to agree with, unless named in --coders.
        if coder in (everyone if chosen is None else chosen) and (wanted is None or doc in wanted):
            who[doc].add(coder)
    shared = {doc: found for doc, found in who.items() if len(found) >= 2}
    if chosen is None:
        ids = sorted({coder for found in shared.values() for coder in found})
        chosen = {coder: everyone[coder] for coder in ids}
    order = sorted(chosen)  # the order coders joined the project
    names = [chosen[c] for c in order]
    units = sorted(shared)
    coded_by = {doc: tuple(chosen[c] for c in order if c in shared[doc]) for doc in units}
    lengths, titles = {}, {}
    for doc, title, length in store.query("SELECT id, title, length(text) FROM documents"):
        if doc in shared:
            lengths[doc], titles[doc] = length, title
    labels: dict[str, list[str]] = defaultdict(list)
    for label in project.codebook.codable_labels():
        labels[label.layer].append(label.name)
    coded = Coded(names, units, coded_by, lengths, titles, {name: [] for name in names}, [], {}, {}, dict(labels),
                  project.variables.list(), {})
    check()
    _read_annotations(store, coded, chosen, check)
    check()
    _read_answers(store, coded, chosen)
    return coded


def _nothing() -> None:
    return None


def _read_annotations(store, coded: Coded, chosen: dict[int, str], check: Callable[[], None]) -> None:
    entities = dict(store.query("SELECT id, name FROM entities"))

    def shown(entity_id, text):
        if entity_id is not None and entity_id in entities:
            return fold(entities[entity_id])
        return fold(text) if text else NONE_GIVEN

    def roles_of(layer, entity, source_id, source, target_id, target, holder_id, holder):
        if layer == "stance":
            return ("target", shown(target_id, target)), ("holder", shown(holder_id, holder))
        if layer == "claim":
            return (("source", shown(source_id, source)),)
        if layer == "entity":
            return (("entity link", shown(entity, None)),)
        return ()

    coded_by = coded.coded_by
    labels = {label_id: (name, layer) for label_id, name, layer in store.query("SELECT id, name, layer FROM labels")}
    rows = store.query(
        "SELECT id, document_id, coder_id, label_id, span_start, span_end, entity_id, "
        "source_entity_id, source, target_entity_id, target, holder_entity_id, holder "
        "FROM annotations")  # no order: the math sorts what it needs
    kept: list[int] = []
    known: dict[tuple, tuple] = {}  # most spans share their roles (none given, one source ...): read each once
    spans = coded.spans
    for n, (ann, doc, coder_id, label_id, start, end, *given) in enumerate(rows):
        if not n % READ_CHECK:
            check()
        if doc not in coded_by or coder_id not in chosen or label_id not in labels:
            continue
        coder = chosen[coder_id]
        label, layer = labels[label_id]
        key = layer, *given
        roles = known.get(key)
        if roles is None:
            roles = known[key] = roles_of(*key)
        if start is None:
            target_shown = dict(roles).get("target") if layer == "stance" else None
            coded.whole.append(WholeCode(doc, coder, label, layer, target_shown))
        elif end > start:  # an empty span has no extent to agree on
            spans[coder].append(CodedSpan(ann, doc, start, end, label, layer, roles))
            kept.append(ann)
    kinds: dict[tuple[str, str], str] = {}
    for label_layer, name, kind in store.query(
            "SELECT l.layer, a.name, a.kind FROM label_attributes a JOIN labels l ON l.id = a.label_id"):
        # One name in a layer is one question (intensity on Favor, Against ...); a number anywhere makes it numeric.
        kinds[label_layer, name] = kind if kinds.get((label_layer, name), kind) == kind else "text"
    coded.attribute_kinds = kinds
    if not kinds:
        return
    wanted = set(kept)
    for ann, name, value in store.query(
            "SELECT v.annotation_id, a.name, v.value FROM annotation_values v "
            "JOIN label_attributes a ON a.id = v.attribute_id"):
        if ann in wanted:
            coded.attributes.setdefault(ann, {})[name] = value


def _read_answers(store, coded: Coded, chosen: dict[int, str]) -> None:
    coded_by = coded.coded_by
    for variable_id, doc, coder_id, value in store.query(
            "SELECT variable_id, document_id, coder_id, value FROM variable_values"):
        if doc in coded_by and coder_id in chosen:
            coded.answers.setdefault(variable_id, {}).setdefault(doc, {})[chosen[coder_id]] = value
