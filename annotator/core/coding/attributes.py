"""Attribute values: what the analyst fills in on an annotation (a claim's verdict, is it checkworthy...).

The attributes themselves are defined per label in the codebook. A value is
stored as text in a normal form, so exports and filters compare like with like:
a choice exactly as the codebook spells it, a number without padding ("3.5",
"1200"), a yes/no as "yes" or "no".
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.common.errors import AnnotationError
from annotator.core.common.model import Attribute
from annotator.core.store.database import Change, ChangeKind, Store, now

# SQLite refuses statements with too many bound parameters; ask in slices.
_CHUNK = 500
_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}


class AttributeValues:
    def __init__(self, store: Store, codebook):
        self._store = store
        self._codebook = codebook

    def of(self, annotation_id: int) -> dict[int, str]:
        """The annotation's stored values: attribute id -> value."""
        rows = self._store.query(
            "SELECT attribute_id, value FROM annotation_values WHERE annotation_id = ?", (annotation_id,)
        )
        return {attribute_id: value for attribute_id, value in rows}

    def set(self, annotation_id: int, attribute_id: int, value: object) -> None:
        """Fill in (or, with None or "", clear) one attribute of an annotation, as one edit."""
        document_id, label_id = self._annotation(annotation_id)
        attribute = self._attribute_of(label_id, attribute_id)
        stored = normalise(attribute, value)
        current = self.of(annotation_id).get(attribute_id)
        if stored == current:
            return
        with self._store.write() as db:
            if stored is None:
                db.execute("DELETE FROM annotation_values WHERE annotation_id = ? AND attribute_id = ?",
                           (annotation_id, attribute_id))
            else:
                db.execute(
                    "INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?) "
                    "ON CONFLICT(annotation_id, attribute_id) DO UPDATE SET value = excluded.value",
                    (annotation_id, attribute_id, stored),
                )
            db.execute("UPDATE annotations SET updated_at = ? WHERE id = ?", (now(), annotation_id))
            self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, document_id, annotation_id))

    def missing_required(self, annotation_id: int) -> list[Attribute]:
        """Required attributes of the annotation's label that have no value yet."""
        _document_id, label_id = self._annotation(annotation_id)
        filled = self.of(annotation_id)
        return [a for a in self._codebook.attributes(label_id) if a.required and a.id not in filled]

    def for_annotations(self, ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Values of many annotations by attribute name, in the codebook's order, for exports and tables.

        Every id asked for gets an entry, empty when nothing is filled in.
        """
        ids = list(dict.fromkeys(ids))
        found: dict[int, dict[str, str]] = {annotation_id: {} for annotation_id in ids}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            rows = self._store.query(
                "SELECT v.annotation_id, a.name, v.value FROM annotation_values v "
                "JOIN label_attributes a ON a.id = v.attribute_id "
                f"WHERE v.annotation_id IN ({', '.join('?' * len(chunk))}) ORDER BY a.sort_order, a.id",
                tuple(chunk),
            )
            for annotation_id, name, value in rows:
                found[annotation_id][name] = value
        return found

    def _annotation(self, annotation_id: int) -> tuple[int, int]:
        row = self._store.conn.execute(
            "SELECT document_id, label_id FROM annotations WHERE id = ?", (annotation_id,)
        ).fetchone()
        if row is None:
            raise AnnotationError(f"There is no annotation {annotation_id}; it may have been deleted.")
        return row[0], row[1]

    def _attribute_of(self, label_id: int, attribute_id: int) -> Attribute:
        for attribute in self._codebook.attributes(label_id):
            if attribute.id == attribute_id:
                return attribute
        label = self._codebook.label(label_id)
        row = self._store.conn.execute(
            "SELECT a.name, l.name FROM label_attributes a JOIN labels l ON l.id = a.label_id WHERE a.id = ?",
            (attribute_id,),
        ).fetchone()
        if row is None:
            raise AnnotationError(f"There is no attribute {attribute_id} in the codebook.")
        raise AnnotationError(
            f"{row[0]!r} is an attribute of {row[1]}, not of {label.name}; "
            f"choose one of {label.name}'s attributes or relabel the annotation first."
        )


def normalise(attribute: Attribute, value: object) -> str | None:
    """The stored form of a value for an attribute, None to clear; refuses what does not fit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if attribute.kind == "bool":
        if isinstance(value, bool):
            return "yes" if value else "no"
        word = str(value).strip().casefold()
        if word in _YES:
            return "yes"
        if word in _NO:
            return "no"
        raise AnnotationError(f"{attribute.name} is a yes/no attribute; {value!r} is neither yes nor no.")
    if attribute.kind == "number":
        return _number(attribute, value)
    if not isinstance(value, str):
        raise AnnotationError(f"{attribute.name} takes text; got {value!r}.")
    if attribute.kind == "choice":
        folded = value.strip().casefold()
        for choice in attribute.choices:
            if choice.casefold() == folded:
                return choice
        raise AnnotationError(
            f"{value.strip()!r} is not a choice of {attribute.name}; choose one of: {', '.join(attribute.choices)}."
        )
    return value  # free text, kept exactly as typed


def _number(attribute: Attribute, value: object) -> str:
    from decimal import Decimal, InvalidOperation  # lazy: ~1.5 ms of every start-up for a number's first check

    if isinstance(value, bool):
        raise AnnotationError(f"{attribute.name} is a number; got yes/no.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise AnnotationError(f"{attribute.name} is a number; {value!r} is not one. Type digits, e.g. 12 or 3.5.")
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")
