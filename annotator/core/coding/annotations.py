"""Annotations: a label on a code-point span of a document, or on the whole document."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from annotator.core.coding.coders import Coders
from annotator.core.coding.doc_spans import SpanRow, StoredSpans, coder_clause
from annotator.core.coding.words import snap_to_words
from annotator.core.common.errors import AnnotationError
from annotator.core.common.folding import fold
from annotator.core.common.model import ROLE_LAYERS, Annotation, Label
from annotator.core.corpus.documents import document_text
from annotator.core.store.database import Change, ChangeKind, Store, now

_COLUMNS = (
    "id, document_id, label_id, span_start, span_end, text, target, note, annotator, created_at, updated_at, "
    "entity_id, source_entity_id, source, target_entity_id, holder_entity_id, holder, cue_start, cue_end, coder_id"
)
# Document-level rows (no span: NULL sorts first) lead, then spans in reading order;
# longer first at a tie so an outer span lists before the span nested in it. The
# (document_id, span_start, span_end DESC) index serves this order without a sort.
_ORDER = "ORDER BY span_start, span_end DESC, id"




class Annotations:
    def __init__(self, store: Store, labels, coders: Coders | None = None):
        self._store = store
        self._labels = labels  # Codebook
        self.coders = coders or Coders(store)

    @property
    def annotator(self) -> str:
        """The name new annotations are signed with: the current coder's (Coders.current_name)."""
        return self.coders.current_name

    @annotator.setter
    def annotator(self, name: str) -> None:
        self.coders.current_name = name

    def for_document(self, doc_id: int, coders: Iterable[int] | None = None) -> list[Annotation]:
        """The document's annotations; with coders (coder ids), only theirs."""
        chosen = None if coders is None else tuple(coders)
        rows = self._store.query(f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ?{coder_clause(chosen)} "
                                 f"{_ORDER}", (doc_id, *(chosen or ())))
        return [Annotation(*row) for row in rows]

    def stream_document(self, doc_id: int, *, document_level: bool) -> Iterator[Annotation]:
        """for_document's spans (or its whole-document codes), one at a time from a cursor of their own.

        Exports walk a document this way: it may carry a million annotations, too many to hold as records.
        """
        where = "span_start IS NULL" if document_level else "span_start IS NOT NULL"
        cursor = self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND {where} {_ORDER}", (doc_id,))
        return (Annotation(*row) for row in cursor)

    def spans_for_document(self, doc_id: int) -> list[SpanRow]:
        """The document's span annotations in reading order, as light rows: a 1 MB article may
        carry 10,000 spans, and a full record for each costs more than opening it should."""
        return list(map(SpanRow._make, self._store.query(
            "SELECT id, label_id, span_start, span_end, cue_start, cue_end, coder_id FROM annotations "
            f"WHERE document_id = ? AND span_start IS NOT NULL {_ORDER}", (doc_id,))))

    def spans_of(self, doc_id: int, coders: Iterable[int] | None = None) -> StoredSpans:
        """The document's spans read a range or a page at a time (a StoredSpans): what views of a long
        document ask, instead of spans_for_document's every row. With coders (coder ids), only theirs."""
        return StoredSpans(self._store, doc_id, coders)

    def document_level(self, doc_id: int, coders: Iterable[int] | None = None) -> list[Annotation]:
        """The document's whole-document codes; with coders (coder ids), only theirs."""
        chosen = None if coders is None else tuple(coders)
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND span_start IS NULL{coder_clause(chosen)} "
            "ORDER BY id", (doc_id, *(chosen or ()))
        )
        return [Annotation(*row) for row in rows]

    def get(self, annotation_id: int) -> Annotation:
        found = self.find(annotation_id)
        if found is None:
            raise KeyError(annotation_id)
        return found

    def find(self, annotation_id: int) -> Annotation | None:
        """The annotation, or None when there is none (deleted, or its tagging undone)."""
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM annotations WHERE id = ?", (annotation_id,)).fetchone()
        return row and Annotation(*row)

    def get_many(self, annotation_ids: list[int]) -> list[Annotation]:
        """The annotations with these ids that exist, in no particular order (one query for a screenful)."""
        sql = f"SELECT {_COLUMNS} FROM annotations WHERE id IN (SELECT value FROM json_each(?))"
        return [Annotation(*row) for row in self._store.query(sql, (json.dumps(list(annotation_ids)),))]

    def iter_rows(self) -> Iterator[tuple]:
        """Every annotation as a plain row in reading order, for bulk export.

        Columns as the Annotation record's fields, in order (skips building a
        record per row).
        """
        yield from self._store.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations ORDER BY document_id, {_ORDER.removeprefix('ORDER BY ')}"
        )

    def iter_all(self) -> Iterator[Annotation]:
        cursor = self._store.conn.execute(f"SELECT {_COLUMNS} FROM annotations ORDER BY document_id, {_ORDER.removeprefix('ORDER BY ')}")
        for row in cursor:
            yield Annotation(*row)

    def count(self) -> int:
        return self._store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]

    def targets(self) -> list[str]:
        """Names an analyst may pick as a stance target or a source: registry entities
        and their aliases, tagged entities and earlier free-text targets."""
        rows = self._store.query(
            "SELECT a.text FROM annotations a JOIN labels l ON l.id = a.label_id "
            "WHERE l.layer = 'entity' AND a.text != '' "
            "UNION SELECT target FROM annotations WHERE target IS NOT NULL AND target != '' "
            "UNION SELECT name FROM entities UNION SELECT alias FROM entity_aliases"
        )
        seen: dict[str, str] = {}
        for (name,) in rows:
            clean = " ".join(name.split())
            if clean:
                seen.setdefault(fold(clean), clean)
        return sorted(seen.values(), key=fold)

    def display_role(self, annotation: Annotation, role: str) -> str | None:
        """What a role reads as: the linked entity's name, else the free text, else None.

        role is one of source, target, holder, or "entity" for an entity span's link.
        """
        if role == "entity":
            entity_id, text = annotation.entity_id, None
        elif role in ROLE_LAYERS:
            entity_id, text = getattr(annotation, f"{role}_entity_id"), getattr(annotation, role)
        else:
            raise AnnotationError(f"Unknown role {role!r}; use one of {', '.join(ROLE_LAYERS)} or entity.")
        if entity_id is None:
            return text
        row = self._store.conn.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return row[0] if row else text

    def documents_with_stance(self, target: str, label_id: int | None = None) -> list[int]:
        """Documents with a stance (on a span or the whole document) toward a target.

        The target matches a registry entity by name or alias, and free-text targets
        equal to it or to any name of that entity; case and spacing do not matter.
        With label_id, only stances of that label (e.g. Against) count.
        """
        wanted = fold(target)
        if not wanted:
            return []
        names: dict[int, set[str]] = {}
        for entity_id, name in self._store.query(
            "SELECT id, name FROM entities UNION ALL SELECT entity_id, alias FROM entity_aliases"
        ):
            names.setdefault(entity_id, set()).add(fold(name))
        entity_ids = [entity_id for entity_id, folded in names.items() if wanted in folded]
        accepted = {wanted}.union(*(names[entity_id] for entity_id in entity_ids))
        stance = "SELECT a.document_id FROM annotations a JOIN labels l ON l.id = a.label_id WHERE l.layer = 'stance'"
        params: list[object] = []
        if label_id is not None:
            stance += " AND a.label_id = ?"
            params.append(label_id)
        # Free text is folded here, not in SQL: SQLite's lower() knows only ASCII.
        distinct = stance.replace("a.document_id", "DISTINCT a.target", 1) + " AND a.target IS NOT NULL"
        texts = [text for (text,) in self._store.query(distinct, tuple(params)) if fold(text) in accepted]
        found: set[int] = set()
        for column, values in (("a.target", texts), ("a.target_entity_id", entity_ids)):
            for chunk in _chunks(values):
                marks = ", ".join("?" * len(chunk))
                rows = self._store.query(f"{stance} AND {column} IN ({marks})", (*params, *chunk))
                found.update(doc_id for (doc_id,) in rows)
        return sorted(found)

    def selection_span(self, doc_id: int, start: int | None, end: int | None, *,
                       exact: bool = False) -> tuple[int | None, int | None]:
        """Where a selection the analyst made lands: out to whole words, unless exact.

        The last word's Korean particle stays out (월마트가 lands on 월마트). A whole-document
        code (None, None) and a document that is not there are left as they are, for
        add() to accept or refuse. Tagging (Entities.tag_and_link) and setting a cue snap here.
        """
        if exact or start is None or end is None:
            return start, end
        text = document_text(self._store, doc_id)
        return (start, end) if text is None else snap_to_words(text, start, end)

    def add(
        self,
        doc_id: int,
        label: Label,
        start: int | None = None,
        end: int | None = None,
        *,
        target: str | None = None,
        target_entity_id: int | None = None,
        holder: str | None = None,
        holder_entity_id: int | None = None,
        source: str | None = None,
        source_entity_id: int | None = None,
        note: str = "",
        coder: str | None = None,
    ) -> Annotation:
        """Tag [start, end) of the document, or the whole document when both are None.

        A stance is always toward something: it needs a target, a registry entity
        (target_entity_id) or free text. Claims may name their source, stances
        their holder, each as an entity or free text (an entity wins over text).
        The annotation is the current coder's, or `coder`'s (added if new: an import's).
        """
        text = self._check(doc_id, label, start, end)
        if getattr(label, "is_group", False):
            raise AnnotationError(f"{label.name} is a group of labels; choose one of its labels.")
        roles = {"source": (source_entity_id, source), "target": (target_entity_id, target),
                 "holder": (holder_entity_id, holder)}
        fields: dict[str, object] = {}
        for role, (entity_id, role_text) in roles.items():
            role_text = None if entity_id is not None else _clean_target(role_text)
            if entity_id is None and role_text is None:
                continue
            if label.layer != ROLE_LAYERS[role]:
                raise AnnotationError(
                    f"A {label.layer} annotation has no {role}; only {ROLE_LAYERS[role]} annotations do."
                )
            self._check_entity(entity_id)
            fields.update({f"{role}_entity_id": entity_id, role: role_text})
        if label.layer == "stance" and "target" not in fields:
            raise AnnotationError(_DOCUMENT_NEEDS_TARGET if start is None else _SPAN_NEEDS_TARGET)
        stamp = now()
        row = {"document_id": doc_id, "label_id": label.id, "span_start": start, "span_end": end, "text": text,
               "note": note, "annotator": self.annotator, "created_at": stamp, "updated_at": stamp, **fields}
        with self._store.write() as db:
            if coder is None:
                row["coder_id"] = self.coders.current_id(db)
            else:  # signed with the coder's name as the project spells it
                row["coder_id"] = self.coders.id_for(db, coder)
                row["annotator"] = self.coders.get(row["coder_id"]).name
            cursor = db.execute(
                f"INSERT INTO annotations({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
            annotation_id = cursor.lastrowid
            self._store.notify(Change(ChangeKind.ANNOTATION_ADDED, doc_id, annotation_id))
        return self.get(annotation_id)

    def delete(self, annotation_id: int) -> Annotation:
        annotation = self.get(annotation_id)
        with self._store.write() as db:
            db.execute("DELETE FROM annotation_values WHERE annotation_id = ?", (annotation_id,))
            db.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
            self._store.notify(Change(ChangeKind.ANNOTATION_REMOVED, annotation.document_id, annotation_id))
        return annotation

    def update(self, annotation_id: int, *, target: str | None = ..., note: str | None = None,
               label: Label | None = None) -> Annotation:
        """Change the target, note or label of an annotation; its span never moves.

        The older, lenient edit: roles stay as they are across a label change (use
        relabel() to drop what no longer fits), but attribute values, which belong
        to the old label, go. A target given here is free text and replaces an
        entity target; a stance never loses its target.
        """
        current = self.get(annotation_id)
        new_label = label if label is not None else self._labels.label(current.label_id)
        fields: dict[str, object] = {}
        if label is not None and label.id != current.label_id:
            fields["label_id"] = self._relabel_fields(current, label)["label_id"]
        if target is not ...:
            fields.update(target=_clean_target(target), target_entity_id=None)
        if note is not None:
            fields["note"] = note
        self._require_target(current, new_label, fields)
        return self._apply(current, fields)

    def relabel(self, annotation_id: int, label: Label, *, target: str | None = None,
                target_entity_id: int | None = None) -> Annotation:
        """Give an annotation another label; what only made sense for the old one goes.

        Attribute values of the old label are dropped; an entity link stays only on
        entity labels, a source and cue only on claims, a target and holder only on
        stances. A whole-document annotation can only take another stance label.
        Something that becomes a stance needs a target: pass it here.
        """
        current = self.get(annotation_id)
        fields: dict[str, object] = {}
        if label.id != current.label_id:
            fields.update(self._relabel_fields(current, label))
        if target_entity_id is not None or _clean_target(target) is not None:
            if label.layer != "stance":
                raise AnnotationError(f"Only stance annotations have a target; {label.name} is a {label.layer} label.")
            self._check_entity(target_entity_id)
            fields.update(target_entity_id=target_entity_id,
                          target=None if target_entity_id is not None else _clean_target(target))
        self._require_target(current, label, fields)
        return self._apply(current, fields)

    def _relabel_fields(self, current: Annotation, label: Label) -> dict[str, object]:
        if getattr(label, "is_group", False):
            raise AnnotationError(f"{label.name} is a group of labels; choose one of its labels.")
        if current.is_document_level and label.layer != "stance":
            raise AnnotationError("Only stance labels can code a whole document.")
        fields: dict[str, object] = {"label_id": label.id}
        if label.layer != "entity":
            fields["entity_id"] = None
        if label.layer != "claim":
            fields.update(source_entity_id=None, source=None, cue_start=None, cue_end=None)
        if label.layer != "stance":
            fields.update(target_entity_id=None, target=None, holder_entity_id=None, holder=None)
        return fields

    @staticmethod
    def _require_target(current: Annotation, label: Label, fields: dict[str, object]) -> None:
        if label.layer != "stance":
            return
        if fields.get("target", current.target) is None and fields.get("target_entity_id", current.target_entity_id) is None:
            raise AnnotationError(_DOCUMENT_NEEDS_TARGET if current.is_document_level else _SPAN_NEEDS_TARGET)

    def _apply(self, current: Annotation, fields: dict[str, object]) -> Annotation:
        """Write the fields that differ from the stored row, as one edit; nothing when none do."""
        changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
        if not changed:
            return current
        with self._store.write() as db:
            if "label_id" in changed:  # values belong to the old label's attributes
                db.execute("DELETE FROM annotation_values WHERE annotation_id = ?", (current.id,))
            self._set(db, current.id, {**changed, "updated_at": now()})
            self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, current.document_id, current.id))
        return self.get(current.id)

    def set_span(self, annotation_id: int, start: int, end: int) -> Annotation:
        """Move an annotation's boundaries (its text follows); whole-document ones have none."""
        current = self.get(annotation_id)
        if current.is_document_level:
            raise AnnotationError("A whole-document annotation has no span to adjust.")
        text = self._check(current.document_id, self._labels.label(current.label_id), start, end)
        if (start, end) == (current.start, current.end):
            return current
        with self._store.write() as db:
            self._set(db, annotation_id, {"span_start": start, "span_end": end, "text": text, "updated_at": now()})
            self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, current.document_id, annotation_id))
        return self.get(annotation_id)

    def set_role(self, annotation_id: int, role: str, *, entity_id: int | None = None,
                 text: str | None = None) -> Annotation:
        """Say who makes a claim (source) or what a stance is toward (target) and who holds it.

        A role is either a registry entity or free text; setting one clears the other.
        Passing neither clears the role, except a stance's target, which it always keeps.
        """
        if role not in ROLE_LAYERS:
            raise AnnotationError(f"Unknown role {role!r}; use one of {', '.join(ROLE_LAYERS)}.")
        current = self.get(annotation_id)
        layer = self._labels.label(current.label_id).layer
        if layer != ROLE_LAYERS[role]:
            raise AnnotationError(f"A {layer} annotation has no {role}; only {ROLE_LAYERS[role]} annotations do.")
        text = _clean_target(text)
        if entity_id is not None:
            text = None
        if role == "target" and entity_id is None and text is None:
            raise AnnotationError(_DOCUMENT_NEEDS_TARGET if current.is_document_level else _SPAN_NEEDS_TARGET)
        self._check_entity(entity_id)
        return self._apply(current, {f"{role}_entity_id": entity_id, role: text})

    def set_cue(self, annotation_id: int, start: int | None, end: int | None, *, exact: bool = True) -> Annotation:
        """Mark the words that attribute a claim ("according to"), or clear them with None.

        exact=False takes [start, end) as a selection and snaps it to whole words (selection_span).
        """
        current = self.get(annotation_id)
        label = self._labels.label(current.label_id)
        if label.layer != "claim":
            raise AnnotationError("Only claims have an attribution cue.")
        start, end = self.selection_span(current.document_id, start, end, exact=exact)
        if start is not None or end is not None:
            self._check(current.document_id, label, start, end)
        return self._apply(current, {"cue_start": start, "cue_end": end})

    def link_entity(self, annotation_id: int, entity_id: int | None) -> Annotation:
        """Link an entity span to a registry entity (or unlink it with None)."""
        current = self.get(annotation_id)
        if self._labels.label(current.label_id).layer != "entity":
            raise AnnotationError("Only entity annotations link to the entity registry.")
        self._check_entity(entity_id)
        return self._apply(current, {"entity_id": entity_id})

    @staticmethod
    def _set(db, annotation_id: int, fields: dict[str, object]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        db.execute(f"UPDATE annotations SET {assignments} WHERE id = ?", (*fields.values(), annotation_id))

    def _check(self, doc_id: int, label: Label, start: int | None, end: int | None) -> str:
        text = document_text(self._store, doc_id)
        if text is None:
            raise AnnotationError(f"There is no document {doc_id}.")
        if (start is None) != (end is None):
            raise AnnotationError("A span needs both a start and an end.")
        if start is None:
            if label.layer != "stance":
                raise AnnotationError("Only stance labels can code a whole document.")
            return ""
        # Sliced in Python: SQLite's length() and substr() stop at a NUL character.
        if not (0 <= start < end <= len(text)):
            raise AnnotationError(f"Span {start}-{end} is outside the document (0-{len(text)}).")
        return text[start:end]

    def _check_entity(self, entity_id: int | None) -> None:
        if entity_id is None:
            return
        if self._store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone() is None:
            raise AnnotationError(f"There is no entity {entity_id} in the registry; choose or create one first.")


_DOCUMENT_NEEDS_TARGET = "A document-level stance needs a target."
_SPAN_NEEDS_TARGET = "A stance needs a target: name the entity or topic it is toward (e.g. Amazon)."


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    """Slices small enough for SQLite's limit on bound parameters."""
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _clean_target(target: str | None) -> str | None:
    if target is None:
        return None
    cleaned = " ".join(target.split())
    return cleaned or None
