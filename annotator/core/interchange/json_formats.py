"""JSON exports: JSON Lines for NLP pipelines, and W3C Web Annotation (JSON-LD).

JSON Lines (``export_jsonl``): one document per line, UTF-8, non-ASCII written as is.
Each object carries the document's ``text``, its ``meta``data and its annotations as
spaCy/Prodigy-style ``spans`` ({"start", "end", "label", ...}); whole-document codes
(stances on the article) are in ``document_codes``. Offsets count Unicode code points,
which is what Python, spaCy (``doc.char_span``) and Prodigy call characters, so
``text[start:end] == span["text"]`` for every span. Attribute values are the stored
strings, exactly as the CSV export writes them.

Web Annotation (``export_webanno``): one AnnotationCollection holding one
AnnotationPage with every annotation, per the W3C Web Annotation Data Model. The
``@context`` is the string "http://www.w3.org/ns/anno.jsonld"; nothing is fetched.

* target.source is the document's ``url`` metadata when it is an absolute IRI, else
  ``urn:annotator:document:<sha256 of its text>``. A span's target has a
  TextQuoteSelector (exact, and 32 code points of prefix and suffix) and a
  TextPositionSelector (start, end in code points, as the model requires); a
  whole-document code targets the document itself, with no selector.
* Bodies: the label is a TextualBody with purpose ``tagging``; the note, ``commenting``;
  the linked registry entity, ``identifying``; source, target and holder, ``describing``
  with ``annotator:role``; attribute values, ``classifying`` with ``annotator:attribute``;
  a claim's attribution cue, a SpecificResource with its own selectors and
  ``annotator:role`` "cue".
* Keys starting ``annotator:`` are our extension. The context defines no ``annotator``
  prefix, so JSON-LD reads each such key as an absolute IRI and keeps it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from decimal import Decimal
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.coding.variables import answer_codes, choices_of
from annotator.core.common.model import Annotation, Coder, Variable
from annotator.core.common.partial_files import atomic_output
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.metadata import key_order
from annotator.core.interchange.coder_scope import CoderScope, coded_by, coder_scope, document_rows
from annotator.core.interchange.files import ROW_FILTER, check_target, is_exported, streamed
from annotator.core.store.database import now

WEB_ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32
"""Code points of prefix and suffix around a TextQuoteSelector's exact text."""

SPAN_FIELDS = [
    "start", "end", "label", "layer", "text", "id", "entity", "entity_id", "target", "target_entity_id",
    "holder", "holder_entity_id", "source", "source_entity_id", "cue_start", "cue_end", "attributes", "note",
]
CODE_FIELDS = ["id", "label", "layer", "target", "target_entity_id", "holder", "holder_entity_id",
               "attributes", "note"]
JSONL_FIELDS = (["id", "title", "text", "meta", "status", "memo", "coder", "variables"] + [f"spans[].{f}" for f in SPAN_FIELDS]
                + [f"document_codes[].{f}" for f in CODE_FIELDS])
"""Every field of a JSON Lines record, spans' and codes' fields as spans[].<name>."""
WEBANNO_FIELDS = [
    "id", "type", "created", "modified", "creator.nickname", "body[tagging].value (label)",
    "body[tagging].annotator:layer", "body[identifying] (entity)", "body[describing] (source, target, holder)",
    "body[classifying] (attributes)", "body[commenting] (note)", "body[cue].selector",
    "target.source", "target.annotator:document_id", "target.selector[TextQuoteSelector].exact/prefix/suffix",
    "target.selector[TextPositionSelector].start/end",
]
"""What each annotation in the Web Annotation export carries."""

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


# -- JSON Lines ----------------------------------------------------------------------


def export_jsonl(project: ProjectLike, out: str | os.PathLike, *, labels: bool = False,
                 coder: str | None = None) -> int:
    """Write one JSON object per document to `out` (per document and coder with several coders: see
    coder_scope); return the number of records. labels writes choice answers as their labels.

    Each line is written in pieces, a span at a time, so a document with a million
    annotations never has its record, or its line, in memory whole.
    """
    out = check_target(project, out)
    context = _Context(project)
    scope = coder_scope(project, coder)
    answers = _Answers(project, labels)
    records = _limited(_records(project, context, scope))

    def pieces() -> Iterator[str]:
        for (doc_id, title, text, status, memo, _sha), who in records:
            head = {"id": doc_id, "title": title, "text": text, "meta": context.metadata(doc_id), "status": status,
                    "memo": memo, "coder": who.name if who is not None else None,
                    "variables": answers.of(doc_id, who)}
            # json.dumps writes a list as "[" + items joined by ", " + "]": the same bytes as the whole record.
            yield json.dumps(head, ensure_ascii=False)[:-1] + ', "spans": ['
            for n, (a, values) in enumerate(_coded(project, doc_id, who, scope, document_level=False)):
                yield (", " if n else "") + json.dumps(_span(context, a, values), ensure_ascii=False)
            yield '], "document_codes": ['
            for n, (a, values) in enumerate(_coded(project, doc_id, who, scope, document_level=True)):
                yield (", " if n else "") + json.dumps(_code(context, a, values), ensure_ascii=False)
            yield "]}\n"

    return write_text(out, pieces(), records)


def jsonl_records(project: ProjectLike, *, labels: bool = False,
                  coder: str | None = None) -> Iterator[dict[str, Any]]:
    """The JSON Lines records in export order (each whole: export_jsonl streams instead)."""
    context = _Context(project)
    scope = coder_scope(project, coder)
    answers = _Answers(project, labels)
    for (doc_id, title, text, status, memo, _sha), who in _records(project, context, scope):
        spans = [_span(context, a, v) for a, v in _coded(project, doc_id, who, scope, document_level=False)]
        codes = [_code(context, a, v) for a, v in _coded(project, doc_id, who, scope, document_level=True)]
        yield {"id": doc_id, "title": title, "text": text, "meta": context.metadata(doc_id), "status": status,
               "memo": memo, "coder": who.name if who is not None else None, "variables": answers.of(doc_id, who),
               "spans": spans, "document_codes": codes}


def _records(project: ProjectLike, context: "_Context", scope: CoderScope) -> Iterator[tuple[tuple, Coder | None]]:
    """(document row, coder) per record: the coder is None for a document that coder (or anyone) has not coded."""
    coded = coded_by(project, scope)
    for row, who in document_rows(project, scope, context.documents()):
        yield row, (who if who is not None and who in coded.get(row[0], ()) else None)


def _coded(project: ProjectLike, doc_id: int, who: Coder | None, scope: CoderScope, *,
           document_level: bool) -> Iterator[tuple[Annotation, dict[str, str]]]:
    """The record's annotations: the chosen coder's, or with several coders the record's coder's."""
    pairs = _with_values(project, doc_id, document_level=document_level)
    if not (scope.chosen or scope.split):
        return pairs  # one coder has coded anything: every annotation is theirs
    wanted = scope.coders[0].id if scope.chosen else who.id if who is not None else None
    return ((a, values) for a, values in pairs if a.coder_id == wanted)


class _Answers:
    """A record's `variables`: its coder's answers by variable name, as JSON values."""

    def __init__(self, project: ProjectLike, labels: bool):
        self._conn = project.store.conn
        self._variables = {variable.id: variable for variable in project.variables.list()}
        self._labels = labels

    def of(self, doc_id: int, who: Coder | None) -> dict[str, Any]:
        if who is None or not self._variables:
            return {}
        stored = dict(self._conn.execute("SELECT variable_id, value FROM variable_values WHERE document_id = ? "
                                         "AND coder_id = ?", (doc_id, who.id)))
        return {variable.name: answer_json(variable, stored[variable_id], labels=self._labels)
                for variable_id, variable in self._variables.items() if variable_id in stored}


def answer_json(variable: Variable, stored: str, *, labels: bool = False) -> Any:
    """A stored answer as JSON: a choice's code (or label), a multiple choice's list of them, yes/no 1 or 0
    (or "yes"/"no"), a number as a number, a date or text as text. normalise_value reads each back."""
    if variable.kind in ("single_choice", "multiple_choice", "yes_no"):
        codes = answer_codes(variable, stored)
        meaning = {choice.code: choice.label for choice in choices_of(variable)}
        shown = [meaning.get(code, code) for code in codes] if labels else codes
        return shown if variable.kind == "multiple_choice" else shown[0]
    if variable.kind == "number":
        number = Decimal(stored)
        return int(number) if number == number.to_integral_value() and "e" not in stored.lower() else float(number)
    return stored


def _roles(context: "_Context", a: Annotation) -> dict[str, Any]:
    return {"target": context.name(a.target_entity_id, a.target), "target_entity_id": a.target_entity_id,
            "holder": context.name(a.holder_entity_id, a.holder), "holder_entity_id": a.holder_entity_id}


def _span(context: "_Context", a: Annotation, values: dict[str, str]) -> dict[str, Any]:
    label, layer = context.labels[a.label_id]
    return {
        "start": a.start, "end": a.end, "label": label, "layer": layer, "text": a.text, "id": a.id,
        "entity": context.name(a.entity_id, None), "entity_id": a.entity_id, **_roles(context, a),
        "source": context.name(a.source_entity_id, a.source), "source_entity_id": a.source_entity_id,
        "cue_start": a.cue_start, "cue_end": a.cue_end, "attributes": values, "note": a.note,
    }


def _code(context: "_Context", a: Annotation, values: dict[str, str]) -> dict[str, Any]:
    label, layer = context.labels[a.label_id]
    return {"id": a.id, "label": label, "layer": layer, **_roles(context, a), "attributes": values, "note": a.note}


def _with_values(project: ProjectLike, doc_id: int, *, document_level: bool,
                 batch: int = 500) -> Iterator[tuple[Annotation, dict[str, str]]]:
    """A document's spans (or whole-document codes) in reading order with their attribute values,
    fetched a batch at a time, so memory holds a batch however many the document has."""
    annotations = filter(lambda a: is_exported(a.coder_id),
                         project.annotations.stream_document(doc_id, document_level=document_level))
    while chunk := list(itertools.islice(annotations, batch)):
        values = project.values.for_annotations(a.id for a in chunk)
        for a in chunk:
            yield a, values[a.id]


# -- W3C Web Annotation --------------------------------------------------------------


def export_webanno(project: ProjectLike, out: str | os.PathLike, *, coder: str | None = None) -> int:
    """Write every annotation (or `coder`'s) as a W3C Web Annotation collection (JSON-LD); return the count.

    Each annotation names its coder as its creator, so several coders' need no more than that."""
    out = check_target(project, out)
    conn = project.store.conn
    scope = coder_scope(project, coder)
    total = conn.execute(f"SELECT count(*) FROM annotations a WHERE 1 = 1{scope.where()}").fetchone()[0]
    corpus = hashlib.sha256()
    for (sha,) in conn.execute("SELECT sha256 FROM documents ORDER BY sha256"):
        corpus.update(sha.encode("ascii"))
    collection = {
        "@context": WEB_ANNOTATION_CONTEXT,
        # The same corpus gets the same id, whichever file or machine exports it.
        "id": f"urn:annotator:collection:{corpus.hexdigest()}",
        "type": "AnnotationCollection",
        "label": project.name,
        "total": total,
        "generator": {"type": "Software", "name": "Annotator"},
        "generated": _xsd_datetime(now()),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": []},
    }
    head, _, tail = json.dumps(collection, ensure_ascii=False, indent=2).rpartition('"items": []')
    items = _limited(web_annotations(project, coder=coder))

    def pieces() -> Iterator[str]:
        yield head + '"items": ['
        for n, item in enumerate(items):
            body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n      ")
            yield ("," if n else "") + "\n      " + body
        yield "\n    ]" + tail + "\n"

    return write_text(out, pieces(), items)


def web_annotations(project: ProjectLike, *, coder: str | None = None) -> Iterator[dict[str, Any]]:
    """Every annotation (or `coder`'s) as a Web Annotation object, documents in id order, each in reading order."""
    context = _Context(project)
    only = coder_scope(project, coder).only if coder is not None else None
    for doc_id, _title, text, _status, _memo, sha in context.documents():
        url = context.metadata(doc_id).get("url", "").strip()
        source = url if _IRI.fullmatch(url) else f"urn:annotator:document:{sha}"
        # Whole-document codes first, then spans in reading order: the order for_document gives.
        for document_level in (True, False):
            for a, values in _with_values(project, doc_id, document_level=document_level):
                if only is None or a.coder_id == only.id:
                    yield _web_annotation(context, a, text, source, sha, values)


def _web_annotation(context: "_Context", a: Annotation, text: str, source: str, sha: str,
                    values: dict[str, str]) -> dict[str, Any]:
    label, layer = context.labels[a.label_id]
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": label, "annotator:layer": layer}]
    if a.entity_id is not None:
        entity = {"annotator:role": "entity", "annotator:entity_id": a.entity_id}
        bodies.append(_textual("identifying", context.name(a.entity_id, None), entity))
    for role in ("source", "target", "holder"):
        entity_id = getattr(a, f"{role}_entity_id")
        name = context.name(entity_id, getattr(a, role))
        if name is not None:
            extra = {"annotator:role": role} | ({"annotator:entity_id": entity_id} if entity_id is not None else {})
            bodies.append(_textual("describing", name, extra))
    for name, value in values.items():
        bodies.append(_textual("classifying", value, {"annotator:attribute": name}))
    if a.note:
        bodies.append(_textual("commenting", a.note, {}))
    if a.cue_start is not None and a.cue_end is not None:
        bodies.append({"type": "SpecificResource", "purpose": "describing", "annotator:role": "cue",
                       "source": source, "selector": selectors(text, a.cue_start, a.cue_end)})
    target: dict[str, Any] = {"source": source, "annotator:document_id": a.document_id}
    if not a.is_document_level:
        target["selector"] = selectors(text, a.start, a.end)
    item: dict[str, Any] = {
        "id": f"urn:annotator:annotation:{sha}:{a.id}",
        "type": "Annotation",
        "created": _xsd_datetime(a.created_at),
        "modified": _xsd_datetime(a.updated_at),
    }
    if a.annotator:
        item["creator"] = {"type": "Person", "nickname": a.annotator}
    return item | {"body": bodies, "target": target}


def selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """The two ways to find text[start:end] again: by quote with context, and by position."""
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - QUOTE_CONTEXT):start], "suffix": text[end:end + QUOTE_CONTEXT]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _textual(purpose: str, value: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": purpose, "value": value, **extra}


def _xsd_datetime(stamp: str) -> str:
    # The model asks for UTC written with a Z; stored stamps end in +00:00.
    return stamp[:-6] + "Z" if stamp.endswith("+00:00") else stamp


# -- shared --------------------------------------------------------------------------


class _Context:
    """Small lookups both JSON exports need, loaded once; texts stream one document at a time."""

    def __init__(self, project: ProjectLike):
        self._conn = conn = project.store.conn
        self.labels = {label_id: (name, layer) for label_id, name, layer in conn.execute(
            "SELECT id, name, layer FROM labels")}
        self._entities = dict(conn.execute("SELECT id, name FROM entities"))

    def documents(self) -> Iterator[tuple[int, str, str, str, str, str]]:
        yield from streamed(self._conn, "SELECT id, title, text, status, memo, sha256 FROM documents ORDER BY id")

    def metadata(self, doc_id: int) -> dict[str, str]:
        rows = self._conn.execute("SELECT key, value FROM document_metadata WHERE document_id = ?", (doc_id,))
        return dict(sorted(rows, key=lambda row: key_order(row[0])))

    def name(self, entity_id: int | None, text: str | None) -> str | None:
        """A role as it reads: the linked entity's name, else the free text."""
        return self._entities.get(entity_id, text) if entity_id is not None else text


class _limited:
    """Items through ROW_FILTER (the preview's first rows, a progress watch), counted."""

    def __init__(self, items: Iterable[Any]):
        row_filter = ROW_FILTER.get()
        self._items = iter(items if row_filter is None else row_filter(items))
        self.count = 0

    def __iter__(self) -> "_limited":
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        self.count += 1
        return item


def write_text(out: Path, pieces: Iterable[str], counted: _limited) -> int:
    """Write `pieces` to `out` as UTF-8, replacing it only once all is written; return counted.count.

    Like write_csv: a temporary file beside `out` is renamed over it at the end and
    removed if anything fails, so `out` is whole or untouched.
    """
    with atomic_output(out) as f:
        f.writelines(pieces)
    return counted.count
