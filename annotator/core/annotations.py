"""Annotations: a label on a code-point span of a document, or on the whole document."""

from __future__ import annotations

import getpass
from collections.abc import Iterator

from .errors import AnnotationError
from .model import ROLE_LAYERS, Annotation, Label
from .store import Change, Store, now

_COLUMNS = (
    "id, document_id, label_id, span_start, span_end, text, target, note, annotator, created_at, updated_at, "
    "entity_id, source_entity_id, source, target_entity_id, holder_entity_id, holder, cue_start, cue_end"
)
# Document-level rows (no span: NULL sorts first) lead, then spans in reading order;
# longer first at a tie so an outer span lists before the span nested in it. The
# (document_id, span_start, span_end DESC) index serves this order without a sort.
_ORDER = "ORDER BY span_start, span_end DESC, id"


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes and services
        return "analyst"


class Annotations:
    def __init__(self, store: Store, labels):
        self._store = store
        self._labels = labels  # Codebook
        self.annotator = default_annotator()

    def for_document(self, doc_id: int) -> list[Annotation]:
        rows = self._store.query(f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? {_ORDER}", (doc_id,))
        return [Annotation(*row) for row in rows]

    def document_level(self, doc_id: int) -> list[Annotation]:
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM annotations WHERE document_id = ? AND span_start IS NULL ORDER BY id", (doc_id,)
        )
        return [Annotation(*row) for row in rows]

    def get(self, annotation_id: int) -> Annotation:
        row = self._store.conn.execute(f"SELECT {_COLUMNS} FROM annotations WHERE id = ?", (annotation_id,)).fetchone()
        if row is None:
            raise KeyError(annotation_id)
        return Annotation(*row)

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
        """Names an analyst may pick as a stance target: tagged entities and earlier targets."""
        rows = self._store.query(
            "SELECT a.text FROM annotations a JOIN labels l ON l.id = a.label_id "
            "WHERE l.layer = 'entity' AND a.text != '' "
            "UNION SELECT target FROM annotations WHERE target IS NOT NULL AND target != ''"
        )
        seen: dict[str, str] = {}
        for (name,) in rows:
            clean = " ".join(name.split())
            seen.setdefault(clean.casefold(), clean)
        return sorted(seen.values(), key=str.casefold)

    def add(
        self,
        doc_id: int,
        label: Label,
        start: int | None = None,
        end: int | None = None,
        *,
        target: str | None = None,
        note: str = "",
    ) -> Annotation:
        """Tag [start, end) of the document, or the whole document when both are None."""
        text = self._check(doc_id, label, start, end, target)
        stamp = now()
        with self._store.write() as db:
            cursor = db.execute(
                "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, target, note, "
                "annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, label.id, start, end, text, _clean_target(target), note, self.annotator, stamp, stamp),
            )
            annotation_id = cursor.lastrowid
            self._store.notify(Change("annotation_added", doc_id, annotation_id))
        return self.get(annotation_id)

    def delete(self, annotation_id: int) -> Annotation:
        annotation = self.get(annotation_id)
        with self._store.write() as db:
            db.execute("DELETE FROM annotation_values WHERE annotation_id = ?", (annotation_id,))
            db.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
            self._store.notify(Change("annotation_removed", annotation.document_id, annotation_id))
        return annotation

    def update(self, annotation_id: int, *, target: str | None = ..., note: str | None = None,
               label: Label | None = None) -> Annotation:
        """Change the target, note or label of an annotation; its span never moves."""
        current = self.get(annotation_id)
        if current.is_document_level:
            if label is not None and label.layer != "stance":
                raise AnnotationError("Only stance labels can code a whole document.")
            if target is not ... and not _clean_target(target):
                raise AnnotationError("A document-level stance needs a target.")
        fields: dict[str, object] = {}
        if target is not ...:
            fields["target"] = _clean_target(target)
        if note is not None:
            fields["note"] = note
        if label is not None and label.id != current.label_id:
            fields["label_id"] = label.id
        if not fields:
            return current
        fields["updated_at"] = now()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._store.write() as db:
            db.execute(f"UPDATE annotations SET {assignments} WHERE id = ?", (*fields.values(), annotation_id))
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    def relabel(self, annotation_id: int, label: Label) -> Annotation:
        """Give an annotation another label; what only made sense for the old one goes.

        Attribute values of the old label are dropped; an entity link stays only on
        entity labels, a source and cue only on claims, a target and holder only on
        stances. A whole-document annotation can only take another stance label.
        """
        current = self.get(annotation_id)
        old = self._labels.label(current.label_id)
        if label.id == old.id:
            return current
        if getattr(label, "is_group", False):
            raise AnnotationError(f"{label.name} is a group of labels; choose one of its labels.")
        if current.is_document_level and label.layer != "stance":
            raise AnnotationError("Only stance labels can code a whole document.")
        fields: dict[str, object] = {"label_id": label.id, "updated_at": now()}
        if label.layer != "entity":
            fields["entity_id"] = None
        if label.layer != "claim":
            fields.update(source_entity_id=None, source=None, cue_start=None, cue_end=None)
        if label.layer != "stance":
            fields.update(target_entity_id=None, target=None, holder_entity_id=None, holder=None)
        with self._store.write() as db:
            db.execute("DELETE FROM annotation_values WHERE annotation_id = ?", (annotation_id,))
            self._set(db, annotation_id, fields)
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    def set_span(self, annotation_id: int, start: int, end: int) -> Annotation:
        """Move an annotation's boundaries (its text follows); whole-document ones have none."""
        current = self.get(annotation_id)
        if current.is_document_level:
            raise AnnotationError("A whole-document annotation has no span to adjust.")
        text = self._check(current.document_id, self._labels.label(current.label_id), start, end, None)
        if (start, end) == (current.start, current.end):
            return current
        with self._store.write() as db:
            self._set(db, annotation_id, {"span_start": start, "span_end": end, "text": text, "updated_at": now()})
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    def set_role(self, annotation_id: int, role: str, *, entity_id: int | None = None,
                 text: str | None = None) -> Annotation:
        """Say who makes a claim (source) or what a stance is toward (target) and who holds it.

        A role is either a registry entity or free text; setting one clears the other.
        Passing neither clears the role, except a whole-document stance's target.
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
        if role == "target" and current.is_document_level and entity_id is None and text is None:
            raise AnnotationError("A document-level stance needs a target.")
        fields = {f"{role}_entity_id": entity_id, role: text}
        if all(getattr(current, name) == value for name, value in fields.items()):
            return current
        with self._store.write() as db:
            self._set(db, annotation_id, {**fields, "updated_at": now()})
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    def set_cue(self, annotation_id: int, start: int | None, end: int | None) -> Annotation:
        """Mark the words that attribute a claim ("according to"), or clear them with None."""
        current = self.get(annotation_id)
        label = self._labels.label(current.label_id)
        if label.layer != "claim":
            raise AnnotationError("Only claims have an attribution cue.")
        if start is not None or end is not None:
            self._check(current.document_id, label, start, end, None)
        with self._store.write() as db:
            self._set(db, annotation_id, {"cue_start": start, "cue_end": end, "updated_at": now()})
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    def link_entity(self, annotation_id: int, entity_id: int | None) -> Annotation:
        """Link an entity span to a registry entity (or unlink it with None)."""
        current = self.get(annotation_id)
        if self._labels.label(current.label_id).layer != "entity":
            raise AnnotationError("Only entity annotations link to the entity registry.")
        if current.entity_id == entity_id:
            return current
        with self._store.write() as db:
            self._set(db, annotation_id, {"entity_id": entity_id, "updated_at": now()})
            self._store.notify(Change("annotation_changed", current.document_id, annotation_id))
        return self.get(annotation_id)

    @staticmethod
    def _set(db, annotation_id: int, fields: dict[str, object]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        db.execute(f"UPDATE annotations SET {assignments} WHERE id = ?", (*fields.values(), annotation_id))

    def _check(self, doc_id: int, label: Label, start: int | None, end: int | None, target: str | None) -> str:
        row = self._store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise AnnotationError(f"There is no document {doc_id}.")
        if (start is None) != (end is None):
            raise AnnotationError("A span needs both a start and an end.")
        if start is None:
            if label.layer != "stance":
                raise AnnotationError("Only stance labels can code a whole document.")
            if not _clean_target(target):
                raise AnnotationError("A document-level stance needs a target.")
            return ""
        # Sliced in Python: SQLite's length() and substr() stop at a NUL character.
        text = row[0]
        if not (0 <= start < end <= len(text)):
            raise AnnotationError(f"Span {start}-{end} is outside the document (0-{len(text)}).")
        return text[start:end]


def _clean_target(target: str | None) -> str | None:
    if target is None:
        return None
    cleaned = " ".join(target.split())
    return cleaned or None
