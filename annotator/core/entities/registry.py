"""The entity registry: one canonical record per real-world referent, across all documents.

An entity has a name, a type (one of the entity-layer labels), aliases in any
language (Walmart = 월마트), an optional external identifier (a Wikidata QID)
and a memo. Entity spans link to it; claims and stances can name it as their
source, target or holder. Names are compared folded (see `fold`), and two
entities of one type never share a name, so a name always says which entity
it means within its type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.core.coding.annotations import Annotations
from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import Annotation, Entity, Label
from annotator.core.entities.mentions import (
    clean_name,
    context_line,
    distinct_names,
    find_names,
    name_in_span,
)
from annotator.core.entities.records import Candidate, EntityUsage, Mention, Use
from annotator.core.store.database import Change, ChangeKind, Store, now

__all__ = ["Candidate", "Entities", "EntitySummary", "EntityUsage", "Mention", "Use", "fold"]

# Every column through which an annotation points at an entity, by the role it plays.
# Entity-layer labels that tag values, not referents: a date or an amount is coded
# where it occurs, and the registry (who and what, across documents) has no record for it.
# Matched by name, folded: the codebook has no field for it, and these are the names
# value types go by in the default codebook and in common NER schemes.
VALUE_TYPES = frozenset({"date", "time", "date or time", "period", "duration", "figure", "number", "amount",
                         "money", "percent", "percentage", "quantity", "ordinal", "cardinal", "statistic"})

LINK_COLUMNS = {"mentions": "entity_id", "sources": "source_entity_id", "targets": "target_entity_id",
                "holders": "holder_entity_id"}


@dataclass(frozen=True)
class EntitySummary:
    """A row of the entity list."""

    id: int
    name: str
    label_id: int
    mention_count: int
    document_count: int


class Entities:
    def __init__(self, store: Store, codebook, annotations: Annotations | None = None):
        self._store = store
        self._codebook = codebook
        # Tags are added through the project's Annotations, so they carry its annotator name.
        self._annotations = annotations or Annotations(store, codebook)

    # -- reading -------------------------------------------------------------------

    def all(self) -> list[EntitySummary]:
        rows = self._store.query(
            "SELECT e.id, e.name, e.label_id, count(a.id), count(DISTINCT a.document_id) "
            "FROM entities e LEFT JOIN annotations a ON a.entity_id = e.id GROUP BY e.id"
        )
        return sorted((EntitySummary(*row) for row in rows), key=lambda s: (s.name.casefold(), s.id))

    def get(self, entity_id: int) -> Entity:
        row = self._store.conn.execute(
            "SELECT id, name, label_id, external_id, memo, created_at FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        if row is None:
            raise KeyError(entity_id)
        aliases = self._store.query("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY id", (entity_id,))
        return Entity(*row, aliases=tuple(alias for (alias,) in aliases))

    def aliases_by_entity(self) -> dict[int, tuple[str, ...]]:
        """Every entity's aliases at once, for filtering the entity list by any name."""
        found: dict[int, tuple[str, ...]] = {}
        for entity_id, alias in self._store.query("SELECT entity_id, alias FROM entity_aliases ORDER BY id"):
            found[entity_id] = found.get(entity_id, ()) + (alias,)
        return found

    def is_registry_type(self, label: Label | int) -> bool:
        """Whether spans of this label name registry entities: an entity-layer label, not a group, not a value."""
        found = self._codebook.label(label if isinstance(label, int) else label.id)
        return found.layer == "entity" and not found.is_group and fold(found.name) not in VALUE_TYPES

    def offer_for(self, annotation: Annotation) -> str | None:
        """The name to offer creating an entity under for a tagged span, or None when there is nothing to offer.

        Nothing for a value (a Date, a Figure), a document-level tag, a span already
        linked, or a name that already is an entity of the span's type.
        """
        if annotation.is_document_level or annotation.entity_id is not None \
                or not self.is_registry_type(annotation.label_id):
            return None
        name = name_in_span(annotation.text)
        if not name or self.match(name, label=annotation.label_id) is not None:
            return None
        return name

    def names(self) -> list[str]:
        rows = self._store.query("SELECT name FROM entities UNION SELECT alias FROM entity_aliases")
        return sorted({name for (name,) in rows}, key=lambda name: (name.casefold(), name))

    def match(self, text: str, *, label: Label | int | None = None) -> Entity | None:
        """The entity one of whose names folds equal to the text (of that type, when given).

        Two entities of different types may share a name; the one mentioned most
        wins, then the oldest.
        """
        folded = fold(text)
        if not folded:
            return None
        sql = ("SELECT e.id FROM entities e WHERE (e.folded = :f OR e.id IN "
               "(SELECT entity_id FROM entity_aliases WHERE folded = :f))")
        params: dict[str, object] = {"f": folded}
        if label is not None:
            sql += " AND e.label_id = :label"
            params["label"] = label if isinstance(label, int) else label.id
        sql += " ORDER BY (SELECT count(*) FROM annotations a WHERE a.entity_id = e.id) DESC, e.id LIMIT 1"
        row = self._store.conn.execute(sql, params).fetchone()
        return self.get(row[0]) if row else None

    def mentions(self, entity_id: int) -> list[Mention]:
        rows = self._store.query(
            "SELECT a.id, a.document_id, d.title, a.span_start, a.span_end, a.text FROM annotations a "
            "JOIN documents d ON d.id = a.document_id WHERE a.entity_id = ? "
            "ORDER BY a.document_id, a.span_start, a.span_end DESC, a.id",
            (entity_id,),
        )
        texts: dict[int, str] = {}
        found = []
        for annotation_id, doc_id, title, start, end, text in rows:
            if doc_id not in texts:
                texts[doc_id] = self._document_text(doc_id)
            found.append(Mention(annotation_id, doc_id, title, start, end, text,
                                 context_line(texts[doc_id], start, end)))
        return found

    def usage(self, entity_id: int) -> EntityUsage:
        uses = {}
        for role, column in LINK_COLUMNS.items():
            rows = self._store.query(
                f"SELECT a.id, a.document_id, d.title FROM annotations a JOIN documents d ON d.id = a.document_id "
                f"WHERE a.{column} = ? ORDER BY a.document_id, a.span_start, a.id",
                (entity_id,),
            )
            uses[role] = tuple(Use(*row) for row in rows)
        return EntityUsage(**uses)

    def find_mentions(self, entity_id: int, document_id: int | None = None) -> list[Candidate]:
        """Every occurrence of the entity's name and aliases, in one document or the whole corpus."""
        entity = self._require(entity_id)
        needles = {fold(name) for name in (entity.name, *entity.aliases)}
        if document_id is None:
            doc_ids = [row[0] for row in self._store.query("SELECT id FROM documents ORDER BY id")]
        else:
            doc_ids = [document_id]
        found = []
        for doc_id in doc_ids:
            row = self._store.conn.execute("SELECT title, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise ProjectError(f"There is no document {doc_id}; choose one from the document list.")
            title, text = row
            spans = find_names(text, needles)
            if not spans:
                continue
            tagged = self._entity_spans(doc_id)
            found.extend(Candidate(doc_id, title, start, end, text[start:end], context_line(text, start, end),
                                   (start, end) in tagged) for start, end in spans)
        return found

    # -- editing the registry ----------------------------------------------------------

    def create(self, name: str, label: Label | int, *, aliases: Iterable[str] = (), external_id: str = "") -> Entity:
        """Add an entity. Untagged-to-any-entity spans of its type whose text is one of its names link to it."""
        label = self._entity_type(label)
        name = clean_name(name)
        if not name:
            raise ProjectError("An entity needs a name, e.g. ‘Walmart’. Type one and try again.")
        names = distinct_names([name, *(clean_name(alias) for alias in aliases)])
        self._refuse_taken(names, label, keep=())
        with self._store.write() as db:
            entity_id = db.execute(
                "INSERT INTO entities(name, folded, label_id, external_id, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, fold(name), label.id, external_id.strip(), now()),
            ).lastrowid
            for alias in names[1:]:
                self._insert_alias(db, entity_id, alias)
            self._link_unlinked(db, entity_id)
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def rename(self, entity_id: int, name: str) -> Entity:
        entity = self._require(entity_id)
        name = clean_name(name)
        if not name:
            raise ProjectError(f"A name cannot be empty; ‘{entity.name}’ keeps its name.")
        if name == entity.name:
            return entity
        self._refuse_taken([name], self._codebook.label(entity.label_id), keep=(entity_id,))
        with self._store.write() as db:
            db.execute("UPDATE entities SET name = ?, folded = ? WHERE id = ?", (name, fold(name), entity_id))
            # An alias the new name now spells out adds nothing.
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ? AND folded = ?", (entity_id, fold(name)))
            self._link_unlinked(db, entity_id)
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def set_type(self, entity_id: int, label: Label | int) -> Entity:
        entity = self._require(entity_id)
        label = self._entity_type(label)
        if label.id == entity.label_id:
            return entity
        self._refuse_taken([entity.name, *entity.aliases], label, keep=(entity_id,))
        with self._store.write() as db:
            db.execute("UPDATE entities SET label_id = ? WHERE id = ?", (label.id, entity_id))
            self._link_unlinked(db, entity_id)
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def set_external_id(self, entity_id: int, value: str) -> Entity:
        return self._set_field(entity_id, "external_id", (value or "").strip())

    def set_memo(self, entity_id: int, memo: str) -> Entity:
        return self._set_field(entity_id, "memo", memo or "")

    def add_alias(self, entity_id: int, alias: str) -> Entity:
        """Give the entity another name; untagged-to-any-entity spans with that text link to it."""
        entity = self._require(entity_id)
        alias = clean_name(alias)
        if not alias:
            raise ProjectError("An alias cannot be empty; type another name for the entity, e.g. ‘AWS’.")
        if fold(alias) in {fold(name) for name in (entity.name, *entity.aliases)}:
            return entity  # already one of its names
        self._refuse_taken([alias], self._codebook.label(entity.label_id), keep=(entity_id,))
        with self._store.write() as db:
            self._insert_alias(db, entity_id, alias)
            self._link_unlinked(db, entity_id)
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def remove_alias(self, entity_id: int, alias: str) -> Entity:
        entity = self._require(entity_id)
        if fold(alias) not in {fold(a) for a in entity.aliases}:
            raise ProjectError(f"‘{alias}’ is not an alias of {entity.name}; nothing was removed.")
        with self._store.write() as db:
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ? AND folded = ?", (entity_id, fold(alias)))
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def merge(self, keep_id: int, drop_id: int) -> Entity:
        """Make two entities one: every link, alias and the memo move to keep; drop's name becomes an alias."""
        if keep_id == drop_id:
            raise ProjectError("Choose two different entities to merge.")
        keep, drop = self._require(keep_id), self._require(drop_id)
        own = {fold(name) for name in (keep.name, *keep.aliases)}
        moved = [name for name in distinct_names([drop.name, *drop.aliases]) if fold(name) not in own]
        self._refuse_taken(moved, self._codebook.label(keep.label_id), keep=(keep_id, drop_id))
        memo = "\n\n".join(part for part in (keep.memo, drop.memo) if part.strip())
        with self._store.write() as db:
            self._move_links(db, drop_id, keep_id)
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (drop_id,))
            db.execute("DELETE FROM entities WHERE id = ?", (drop_id,))
            for name in moved:
                self._insert_alias(db, keep_id, name)
            db.execute("UPDATE entities SET memo = ?, external_id = ? WHERE id = ?",
                       (memo, keep.external_id or drop.external_id, keep_id))
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(keep_id)

    def split_mention(self, annotation_id: int, name: str | None = None) -> Entity:
        """Give one mention an entity of its own, of the same type, named after the mention (or `name`)."""
        annotation = self._annotation(annotation_id)
        label = self._codebook.label(annotation.label_id)
        if label.layer != "entity" or annotation.is_document_level:
            raise ProjectError(f"Only entity spans mention registry entities; this is a {label.name} annotation.")
        # A mention already linked keeps its entity's type; an unlinked one takes its label.
        kind = self._require(annotation.entity_id).label_id if annotation.entity_id is not None else label.id
        with self._store.write():
            entity = self.create(name if name is not None else annotation.text, kind)
            self._annotations.link_entity(annotation_id, entity.id)
        return self.get(entity.id)

    def delete(self, entity_id: int, *, reassign_to: int | None = None) -> None:
        """Remove an entity. Claims and stances that name it need another entity first (reassign_to)."""
        entity = self._require(entity_id)
        if reassign_to is not None:
            if reassign_to == entity_id:
                raise ProjectError(f"Choose another entity than {entity.name} to move its links to.")
            self._require(reassign_to)
        else:
            usage = self.usage(entity_id)
            if usage.in_roles:
                raise ProjectError(
                    f"{entity.name} is {usage.describe_roles()}. Choose an entity to reassign these to, "
                    "or change those annotations first."
                )
        with self._store.write() as db:
            self._move_links(db, entity_id, reassign_to)
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (entity_id,))
            db.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))

    # -- tagging -------------------------------------------------------------------------

    def tag_and_link(self, doc_id: int, label: Label, start: int | None, end: int | None, *,
                     exact: bool = False, create_entity: bool = False, **roles: Any) -> Annotation:
        """Tag a selection (or the whole document, with None, None) as the analyst means it, as one edit.

        The span snaps out to whole words, leaving a Korean particle out, unless exact
        (Annotations.selection_span). An entity span is then linked to the registry entity
        of its type that its words name; with create_entity, when none does, an entity is
        created under the name the registry offers for it (offer_for) and linked. roles are
        Annotations.add's target, holder, source and note options. Being one store edit,
        one undo takes back the tag with its link (and the entity it created).
        """
        start, end = self._annotations.selection_span(doc_id, start, end, exact=exact)
        with self._store.write():
            added = self._annotations.add(doc_id, label, start, end, **roles)
            if label.layer != "entity":
                return added
            if self.link_new_annotation(added) is None and create_entity:
                name = self.offer_for(added)
                if name is not None:
                    self.split_mention(added.id, name)
            return self._annotations.get(added.id)


    def tag_mentions(self, entity_id: int, candidates: Iterable[Candidate], label: Label | int | None = None
                     ) -> list[Annotation]:
        """Tag every candidate not tagged yet (with the entity's type unless `label`), linked to the entity."""
        entity = self._require(entity_id)
        label = self._entity_type(label if label is not None else entity.label_id)
        added = []
        with self._store.write():
            for candidate in candidates:
                # Checked against the file, not the flag: the list may be stale or hold a span twice.
                if (candidate.start, candidate.end) in self._entity_spans(candidate.document_id):
                    continue
                annotation = self._annotations.add(candidate.document_id, label, candidate.start, candidate.end)
                added.append(self._annotations.link_entity(annotation.id, entity_id))
        return added

    def link_new_annotation(self, annotation: Annotation) -> Entity | None:
        """Link an unlinked entity span to the entity of its type its text names; None when there is none."""
        label = self._codebook.label(annotation.label_id)
        if label.layer != "entity" or annotation.entity_id is not None or annotation.is_document_level:
            return None
        # 월마트가 tagged exactly names 월마트 as much as 월마트 tagged alone.
        entity = self.match(annotation.text, label=label) or self.match(name_in_span(annotation.text), label=label)
        if entity is not None:
            self._annotations.link_entity(annotation.id, entity.id)
        return entity

    # -- helpers -----------------------------------------------------------------------

    def _require(self, entity_id: int) -> Entity:
        try:
            return self.get(entity_id)
        except KeyError:
            raise ProjectError(f"There is no entity {entity_id}; it may have been merged or deleted.") from None

    def _annotation(self, annotation_id: int) -> Annotation:
        try:
            return self._annotations.get(annotation_id)
        except KeyError:
            raise ProjectError(f"There is no annotation {annotation_id}; it may have been deleted.") from None

    def _entity_type(self, label: Label | int) -> Label:
        try:
            found = self._codebook.label(label if isinstance(label, int) else label.id)
        except KeyError:
            raise ProjectError("That label is not in the codebook; choose one of the entity labels.") from None
        if found.layer != "entity" or found.is_group:
            kinds = ", ".join(l.name for l in self._codebook.in_layer("entity") if not l.is_group)
            what = "a group of labels" if found.is_group else f"a {found.layer} label"
            raise ProjectError(f"‘{found.name}’ is {what}; an entity's type is one of: {kinds}.")
        return found

    def _refuse_taken(self, names: list[str], label: Label, keep: tuple[int, ...]) -> None:
        """Refuse a name another entity of the same type already answers to."""
        for name in names:
            folded = fold(name)
            rows = self._store.query(
                "SELECT e.id, e.name FROM entities e WHERE e.label_id = ? AND (e.folded = ? OR e.id IN "
                "(SELECT entity_id FROM entity_aliases WHERE folded = ?)) ORDER BY e.id",
                (label.id, folded, folded),
            )
            clash = [other for other_id, other in rows if other_id not in keep]
            if clash:
                raise ProjectError(
                    f"‘{name}’ is already a name of the {label.name} ‘{clash[0]}’. Use that entity, merge the two, "
                    "or tell them apart in the name (e.g. ‘Amazon (river)’)."
                )

    @staticmethod
    def _insert_alias(db, entity_id: int, alias: str) -> None:
        db.execute("INSERT INTO entity_aliases(entity_id, alias, folded) VALUES (?, ?, ?)",
                   (entity_id, alias, fold(alias)))

    def _set_field(self, entity_id: int, column: str, value: str) -> Entity:
        entity = self._require(entity_id)
        if getattr(entity, column) == value:
            return entity
        with self._store.write() as db:
            db.execute(f"UPDATE entities SET {column} = ? WHERE id = ?", (value, entity_id))
            self._store.notify(Change(ChangeKind.ENTITIES_CHANGED))
        return self.get(entity_id)

    def _move_links(self, db, old_id: int, new_id: int | None) -> None:
        """Point every annotation that refers to old_id at new_id; with None, only mention links may go."""
        stamp = now()
        touched: dict[int, int] = {}
        for column in LINK_COLUMNS.values():
            for annotation_id, doc_id in db.execute(
                    f"SELECT id, document_id FROM annotations WHERE {column} = ?", (old_id,)).fetchall():
                touched[annotation_id] = doc_id
            db.execute(f"UPDATE annotations SET {column} = ?, updated_at = ? WHERE {column} = ?",
                       (new_id, stamp, old_id))
        for annotation_id, doc_id in sorted(touched.items()):
            self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, doc_id, annotation_id))

    def _link_unlinked(self, db, entity_id: int) -> None:
        """Link the entity spans of the entity's type that name it but link to no entity yet."""
        entity = self.get(entity_id)
        names = {fold(name) for name in (entity.name, *entity.aliases)}
        rows = db.execute(
            "SELECT id, document_id, text FROM annotations "
            "WHERE entity_id IS NULL AND label_id = ? AND span_start IS NOT NULL",
            (entity.label_id,),
        ).fetchall()
        stamp = now()
        for annotation_id, doc_id, text in rows:
            if fold(text) in names:
                db.execute("UPDATE annotations SET entity_id = ?, updated_at = ? WHERE id = ?",
                           (entity_id, stamp, annotation_id))
                self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, doc_id, annotation_id))

    def _entity_spans(self, doc_id: int) -> set[tuple[int, int]]:
        rows = self._store.query(
            "SELECT a.span_start, a.span_end FROM annotations a JOIN labels l ON l.id = a.label_id "
            "WHERE a.document_id = ? AND l.layer = 'entity' AND a.span_start IS NOT NULL",
            (doc_id,),
        )
        return {(start, end) for start, end in rows}

    def _document_text(self, doc_id: int) -> str:
        return self._store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]

