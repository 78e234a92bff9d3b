"""Writing an import plan into a project, inside the caller's transaction.

Two ways: `restore` fills a project that holds nothing yet (no documents, no
entities, the untouched default codebook) with exactly what an Annotator export
held, ids and timestamps included, so export and import round-trip to an
identical database. Otherwise the plan is merged: codes map to labels of the same
name (created when missing), entities to registry entities of the same name and
type, documents whose text is already in the project are skipped, and everything
gets new ids. Either way every row is checked against the same rules as an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.coding.attributes import normalise
from annotator.core.coding.codebook_files import (
    GROUP_COLOR,
    clean_attribute,
    clean_color,
    clean_key,
    stored_attribute,
    validate_codebook,
)
from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LAYER_NAMES, LAYERS, ROLE_LAYERS, STATUSES, Label
from annotator.core.common.names import shown_text
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.documents import text_sha256
from annotator.core.interchange.refi.codes import PlanLabel
from annotator.core.interchange.refi.dates import utc
from annotator.core.interchange.refi.ids import INFO_KEY
from annotator.core.interchange.refi.plan import Plan, PlanAnnotation, PlanDocument
from annotator.core.search.index import add_to_index
from annotator.core.store.database import Change, ChangeKind, now


@dataclass
class RefiImport:
    """What an import did, for the analyst to read."""

    file: str
    mode: str  # "restored", "merged" or "codebook"
    documents: int = 0
    annotations: int = 0
    labels_added: int = 0
    labels_matched: int = 0
    entities: int = 0
    skipped: list[str] = field(default_factory=list)
    kept_as_memos: int = 0
    notes: list[str] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)  # the documents this import added

    def summary_lines(self) -> list[str]:
        if self.mode == "codebook":
            head = (f"{self.file}: added {_count(self.labels_added, 'label')}, "
                    f"matched {_count(self.labels_matched, 'existing label')}.")
        else:
            how = "Restored the exported project" if self.mode == "restored" else "Imported"
            head = (f"{self.file}: {how}: {_count(self.documents, 'document')}, "
                    f"{_count(self.annotations, 'annotation')}, {_count(self.entities, 'entity', 'entities')}, "
                    f"{_count(self.labels_added, 'new label')}.")
        lines = [head]
        # Notes name the file's titles and codes: each stays on its line, quoted if it holds a control character.
        lines += [f"  skipped {shown_text(line)}" for line in self.skipped]
        if self.kept_as_memos:
            lines.append(f"  {_count(self.kept_as_memos, 'part')} Annotator has no place for "
                         f"{'was' if self.kept_as_memos == 1 else 'were'} kept as text in document memos.")
        lines += [f"  {shown_text(line)}" for line in self.notes]
        return lines


class Writer:
    def __init__(self, project: ProjectLike, db, report: RefiImport, *, restore: bool = False):
        self.project = project
        self.book = project.codebook
        self.db = db
        self.report = report
        self.restore = restore
        self.label_ids: dict[str, int] = {}  # code guid -> label id
        self.attribute_ids: dict[tuple[str, Any], int] = {}  # (code guid, file attribute id) -> attribute id
        self.entity_ids: dict[int, int] = {}  # file entity id -> entity id
        self.values: list[tuple[int, int, int, str]] = []
        self.metadata: list[tuple[int, int, str, str]] = []
        self.own_groups: dict[str, int] = {}  # layer -> group of the file's codes renamed for a clash
        self.undated = 0  # annotations whose date could not be read, dated at the import instead

    # -- labels -------------------------------------------------------------------------

    def labels(self, labels: list[PlanLabel]) -> None:
        if self.restore:
            self._restore_labels(labels)
        else:
            for label in labels:
                self._merge_label(label)
        self.project.store.notify(Change(ChangeKind.CODEBOOK_CHANGED))

    def _restore_labels(self, labels: list[PlanLabel]) -> None:
        validate_codebook(_codebook_file(labels))  # names, keys, colours and attributes follow the rules
        self.db.execute("DELETE FROM label_attributes")
        self.db.execute("DELETE FROM labels")
        for label in labels:
            self.db.execute(
                "INSERT INTO labels(id, name, layer, key, color, description, sort_order, parent_id, is_group, memo) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (label.id, label.name, label.layer, clean_key(label.key, label.name),
                 clean_color(label.color, label.name), label.description.strip(), label.sort_order or 0,
                 self.label_ids[label.parent] if label.parent else None, int(label.is_group), label.memo))
            self.label_ids[label.guid] = label.id
            for attribute in label.attributes:
                clean = clean_attribute(attribute.name, attribute.kind, attribute.choices, attribute.required,
                                        attribute.description)
                self.db.execute("INSERT INTO label_attributes(id, label_id, name, kind, choices, required, "
                                "description, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                (attribute.id, label.id, *stored_attribute(clean), attribute.sort_order))
                self.attribute_ids[(label.guid, attribute.id)] = attribute.id
        self.report.labels_added = len(labels)

    def _merge_label(self, label: PlanLabel) -> None:
        book = self.book
        parent_id = self.label_ids.get(label.parent) if label.parent else None
        name = label.name
        existing = book.by_name(name)
        if existing is not None and not _fits(existing, label):
            # Never refuse a file for a name: the file's code comes in beside the project's, renamed.
            mine, name = existing, self._apart(label)
            existing = book.by_name(name)  # the same file imported again finds what the first import made
            if parent_id is None:
                parent_id = self._own_group(label.layer)
            self.report.notes.append(f"‘{label.name}’ is a {_kind(mine)} in this project but a {_kind(label)} in "
                                     f"the file; the file's came in as ‘{name}’ in the group "
                                     f"‘{book.label(parent_id).name}’.")
        if existing is not None:
            label_id = existing.id
            self.report.labels_matched += 1
        elif label.is_group:
            label_id = book.add_group(name, label.layer, parent_id=parent_id, description=label.description,
                                      memo=label.memo, color=label.color or GROUP_COLOR).id
            self.report.labels_added += 1
        else:
            label_id = book.add_label(name, label.layer, color=label.color, description=label.description,
                                      memo=label.memo, parent_id=parent_id).id
            self.report.labels_added += 1
            key = clean_key(label.key, label.name) if label.key else None
            holder = book.by_key(key) if key else None
            if key and holder is None:
                book.set_key(label_id, key)
            elif key:
                self.report.notes.append(f"Key {key} stays with ‘{holder.name}’; ‘{label.name}’ has no key.")
        self.label_ids[label.guid] = label_id
        present = {attribute.name.casefold(): attribute.id for attribute in book.attributes(label_id)}
        for attribute in label.attributes:
            attribute_id = present.get(" ".join(attribute.name.split()).casefold())
            if attribute_id is None:
                attribute_id = book.add_attribute(label_id, attribute.name, attribute.kind, attribute.choices,
                                                  attribute.required, attribute.description).id
            self.attribute_ids[(label.guid, attribute.id)] = attribute_id

    def _apart(self, label: PlanLabel) -> str:
        """A name for a code whose name the project uses for something else: free, or made by an earlier import."""
        number = 1
        while True:
            name = f"{label.name} ({self.report.file}{'' if number == 1 else f', {number}'})"
            found = self.book.by_name(name)
            if found is None or (found.is_group == label.is_group and found.layer == label.layer):
                return name
            number += 1

    def _own_group(self, layer: str) -> int:
        """The group, in that layer, holding the codes of this file that could not join the project's own."""
        if layer not in self.own_groups:
            number = 1
            while True:
                name = f"From {self.report.file} ({LAYER_NAMES[layer]}{'' if number == 1 else f', {number}'})"
                found = self.book.by_name(name)
                if found is None:
                    self.own_groups[layer] = self.book.add_group(name, layer, color=GROUP_COLOR).id
                    self.report.labels_added += 1
                    break
                if found.is_group and found.layer == layer:
                    self.own_groups[layer] = found.id
                    break
                number += 1
        return self.own_groups[layer]

    # -- entities -----------------------------------------------------------------------

    def entities(self, plan: Plan) -> None:
        for entity in plan.entities:
            label = self._label(entity.label, f"entity ‘{entity.name}’")
            if label.layer != "entity" or label.is_group:
                raise ProjectError(f"The type of entity ‘{entity.name}’ is ‘{label.name}’, which is not an entity "
                                   "label; the file is damaged.")
            name = " ".join(entity.name.split())
            if not name:
                raise ProjectError("An entity in the file has no name; the file is damaged.")
            if self.restore:
                self.db.execute("INSERT INTO entities(id, name, folded, label_id, external_id, memo, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)", (entity.id, entity.name, fold(entity.name), label.id,
                                                                 entity.external_id, entity.memo,
                                                                 entity.created_at or now()))
                for alias_id, alias in entity.aliases:
                    self.db.execute("INSERT INTO entity_aliases(id, entity_id, alias, folded) VALUES (?, ?, ?, ?)",
                                    (alias_id, entity.id, alias, fold(alias)))
                self.entity_ids[entity.id] = entity.id
            else:
                self.entity_ids[entity.id] = self._merge_entity(entity, name, label)
            self.report.entities += 1
        self.project.store.notify(Change(ChangeKind.ENTITIES_CHANGED))

    def _merge_entity(self, entity, name: str, label: Label) -> int:
        registry = self.project.entities
        found = registry.match(name, label=label)
        if found is not None:
            return found.id
        aliases = []
        for _alias_id, alias in entity.aliases:
            other = registry.match(alias, label=label)
            if other is None:
                aliases.append(alias)
            else:
                self.report.notes.append(f"‘{alias}’ stays a name of ‘{other.name}’, not of ‘{name}’.")
        created = registry.create(name, label, aliases=aliases, external_id=entity.external_id)
        if entity.memo:
            registry.set_memo(created.id, entity.memo)
        return created.id

    # -- documents ----------------------------------------------------------------------

    def documents(self, plan: Plan) -> None:
        first: int | None = None
        texts: dict[str, str] = {}  # sha256 -> title of the first source of this file with that text
        for document in plan.documents:
            if not self.restore and not self._merging(document, texts):
                continue
            doc_id = self._document(document)
            first = doc_id if first is None else first
            self.report.documents += 1
            self.report.document_ids.append(doc_id)
            for annotation in document.annotations:
                self._annotation(doc_id, document, annotation)
            self._keep(doc_id, document.leftovers)
            self.project.store.notify(Change(ChangeKind.DOCUMENTS_ADDED, document_id=doc_id))
        if self.undated:
            self.report.notes.append(f"{_count(self.undated, 'annotation')} had a date in a form Annotator does not "
                                     f"read; {'it carries' if self.undated == 1 else 'they carry'} the import time.")
        if first is not None and plan.leftovers:
            self._keep(first, [f"From the REFI-QDA project {self.report.file} (not tied to one document):",
                               *plan.leftovers])
            self.report.kept_as_memos -= 1  # the heading is not a part
        elif plan.leftovers:
            self.report.notes += [f"not kept: {line}" for line in plan.leftovers]
        for _order, doc_id, key, value in sorted(self.metadata, key=lambda row: row[0]):
            self.db.execute("INSERT INTO document_metadata(document_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT(document_id, key) DO UPDATE SET value = excluded.value", (doc_id, key, value))
        for _order, annotation_id, attribute_id, value in sorted(self.values, key=lambda row: row[0]):
            self.db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)",
                            (annotation_id, attribute_id, value))
        if self.restore:
            for document in plan.documents:
                for flag in document.flags:
                    columns = [c for c in flag if c in _FLAG_COLUMNS]
                    self.db.execute(f"INSERT INTO document_flags({', '.join(columns)}) "
                                    f"VALUES ({', '.join('?' * len(columns))})", [flag[c] for c in columns])
            if plan.namespace:
                self.db.execute("INSERT INTO project_info(key, value) VALUES (?, ?) ON CONFLICT(key) "
                                "DO UPDATE SET value = excluded.value", (INFO_KEY, plan.namespace))

    def _merging(self, document: PlanDocument, texts: dict[str, str]) -> bool:
        """Whether a source of the file joins the project, its twin number set; if not, the report says why.

        Sources are distinct by GUID: one already imported is skipped, and two of this
        file with the same text both come in. A text the project had before is skipped,
        as any import skips a duplicate.
        """
        conn, documents = self.db, self.project.documents
        sha = text_sha256(document.text)
        document.refi_guid = document.guid
        earlier = conn.execute("SELECT id, title FROM documents WHERE refi_guid = ? AND refi_guid <> ''",
                               (document.guid,)).fetchone() if document.guid else None
        if earlier is not None:
            self.report.skipped.append(f"‘{document.title}’: already in the project from an earlier import of "
                                       f"this source, as document {earlier[0]} ‘{earlier[1]}’")
            return False
        if sha in texts:
            document.twin = conn.execute("SELECT coalesce(max(twin), -1) + 1 FROM documents WHERE sha256 = ?",
                                         (sha,)).fetchone()[0]
            self.report.notes.append(f"‘{document.title}’ has the same text as ‘{texts[sha]}’ in this file; it is "
                                     "kept as a document of its own, as the file keeps them apart.")
            return True
        existing = documents.find_by_text(document.text)
        if existing is not None:
            title = documents.get(existing).title
            self.report.skipped.append(f"‘{document.title}’: same text as document {existing} ‘{title}’")
            return False
        texts[sha] = document.title
        return True

    def _document(self, document: PlanDocument) -> int:
        title = document.title if self.restore else (" ".join(document.title.split()) or "Untitled")
        status = document.status if document.status in STATUSES else "todo"
        imported = (document.imported_at or now()) if self.restore else now()
        columns = ("title, source, sha256, encoding, imported_at, status, text, memo, twin, refi_guid",
                   (title, document.source, text_sha256(document.text), document.encoding, imported, status,
                    document.text, document.memo, document.twin, document.refi_guid))
        # A merge lets the project number the document (a shared project's id column takes no NULL).
        if self.restore:
            columns = ("id, " + columns[0], (document.id, *columns[1]))
        doc_id = self.db.execute(f"INSERT INTO documents({columns[0]}) VALUES ({', '.join('?' * len(columns[1]))})",
                                 columns[1]).lastrowid
        add_to_index(self.db, [(doc_id, title, document.text)])
        for order, (key, value, file_order) in enumerate(document.metadata):
            self.metadata.append((file_order if file_order is not None else 10 ** 12 + order, doc_id, key, value))
        return doc_id

    def _keep(self, doc_id: int, lines: list[str]) -> None:
        """Append what Annotator has no place for to the document's memo, so nothing in the file is lost."""
        if not lines:
            return
        memo = self.db.execute("SELECT memo FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        kept = "\n".join(f"[REFI-QDA] {line}" for line in lines)
        self.db.execute("UPDATE documents SET memo = ? WHERE id = ?", (f"{memo}\n\n{kept}" if memo else kept, doc_id))
        self.report.kept_as_memos += len(lines)

    def _label(self, guid: str | None, what: str) -> Label:
        label_id = self.label_ids.get(guid or "")
        if label_id is None:
            raise ProjectError(f"The {what} refers to a code the file's codebook does not have; the file is damaged.")
        return self.book.label(label_id)

    def _annotation(self, doc_id: int, document: PlanDocument, annotation: PlanAnnotation) -> None:
        text = document.text
        where = (f"‘{text[annotation.start:annotation.end][:60]}’ ({annotation.start}–{annotation.end})"
                 if annotation.start is not None else "the whole document")
        label = self._label(annotation.label, f"coding of {where} in ‘{document.title}’")
        if label.is_group:
            raise ProjectError(f"{where} in ‘{document.title}’ is coded with the group ‘{label.name}’; "
                               "the file is damaged.")
        row: dict[str, Any] = {"document_id": doc_id, "label_id": label.id, "span_start": annotation.start,
                               "span_end": annotation.end,
                               "text": text[annotation.start:annotation.end] if annotation.start is not None else ""}
        for field_name, value in annotation.roles.items():
            role = "entity" if field_name == "entity_id" else field_name.removesuffix("_entity_id")
            if role not in ROLE_LAYERS and role != "entity":
                continue  # plan.py only passes known role fields
            layer = "entity" if role == "entity" else ROLE_LAYERS[role]
            if label.layer != layer:
                raise ProjectError(f"{where} in ‘{document.title}’ is a {label.name} annotation with "
                                   f"{'an entity link' if role == 'entity' else 'a ' + role}, "
                                   f"which only {layer} annotations have; the file is damaged.")
            if field_name.endswith("entity_id"):
                if value not in self.entity_ids:
                    raise ProjectError(f"{where} in ‘{document.title}’ names entity {value}, which the file does not "
                                       "have; the file is damaged.")
                value = self.entity_ids[value]
            elif not isinstance(value, str):
                raise ProjectError(f"The {role} of {where} in ‘{document.title}’ is not text; the file is damaged.")
            row[field_name] = value
        if annotation.cue is not None:
            start, end = annotation.cue
            if label.layer != "claim" or not 0 <= start < end <= len(text):
                raise ProjectError(f"The cue of {where} in ‘{document.title}’ does not fit; the file is damaged.")
            row.update(cue_start=start, cue_end=end)
        if annotation.start is None and label.layer != "stance":
            when = annotation.created_at if self.restore else utc(annotation.created_at) or annotation.created_at
            self._keep(doc_id, [f"The whole document was coded ‘{label.name}’ ({annotation.annotator or 'no one'}, "
                                f"{when or 'no date'}); only stance labels code whole documents. "
                                f"{annotation.note}".rstrip()])
            return
        if label.layer == "stance" and row.get("target") is None and row.get("target_entity_id") is None:
            self._keep(doc_id, [f"{where} was coded ‘{label.name}’ without a target; a stance needs one, so tag it "
                                f"again. {annotation.note}".rstrip()])
            return
        values, left = self._values(label, annotation)
        note = "\n".join([annotation.note, *left]) if left and annotation.note else "\n".join(left) or annotation.note
        if self.restore and annotation.created_at:
            created = annotation.created_at  # Annotator's own value, kept exactly
        else:
            created = utc(annotation.created_at)
            self.undated += bool(annotation.created_at) and created is None
            created = created or now()
        # The coding's user is its coder; a coding nobody signed is the importing coder's, as the
        # export names the exporting user for unsigned work.
        coders = self.project.coders
        coder = next((name for name in (annotation.coder, annotation.annotator) if (name or "").strip()), None)
        coder_id = coders.id_for(self.db, coder) if coder else coders.current_id(self.db)
        row.update(note=note, annotator=annotation.annotator, coder_id=coder_id, created_at=created,
                   updated_at=(annotation.updated_at if self.restore else utc(annotation.updated_at)) or created)
        if self.restore:
            row["id"] = annotation.id
        annotation_id = self.db.execute(f"INSERT INTO annotations({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                        tuple(row.values())).lastrowid
        self.values += [(order, annotation_id, attribute_id, value) for order, attribute_id, value in values]
        self.report.annotations += 1

    def _values(self, label: Label, annotation: PlanAnnotation) -> tuple[list[tuple[int, int, str]], list[str]]:
        """The attribute values that fit this project's codebook, and lines for the ones that do not."""
        found, left = [], []
        for index, (file_id, value, order) in enumerate(annotation.values):
            attribute_id = self.attribute_ids.get((annotation.label, file_id))
            attribute = next((a for a in self.book.attributes(label.id) if a.id == attribute_id), None)
            try:
                stored = normalise(attribute, value) if attribute is not None else None
            except AnnotationError as exc:
                left.append(f"[REFI-QDA] {attribute.name}: {value} (not kept: {exc})")
                continue
            if attribute is None:
                left.append(f"[REFI-QDA] attribute {file_id}: {value} (not in this project's codebook)")
            elif stored is not None:
                found.append((order if order is not None else 10 ** 12 + index, attribute.id, stored))
        return found, left


_FLAG_COLUMNS = ("id", "document_id", "kind", "other_document_id", "score", "span_start", "span_end", "repeat_start",
                 "repeat_end", "dismissed")


def _codebook_file(labels: list[PlanLabel]) -> dict:
    """The plan's labels as a codebook file, so validate_codebook applies the codebook's own rules."""
    items: dict[str | None, list[dict]] = {}
    for label in labels:
        item: dict[str, Any] = {"name": label.name, "group": label.is_group, "key": label.key,
                                "color": label.color, "description": label.description, "memo": label.memo,
                                "attributes": [{"name": a.name, "kind": a.kind, "choices": a.choices,
                                                "required": a.required, "description": a.description}
                                               for a in label.attributes]}
        if label.is_group:
            item["labels"] = items.setdefault(label.guid, [])
        items.setdefault(label.parent if label.parent else f"layer:{label.layer}", []).append(item)
    return {"format": "annotator-codebook", "version": 2,
            "layers": [{"id": layer, "labels": items.get(f"layer:{layer}", [])} for layer in LAYERS]}


def _fits(existing: Label, label: PlanLabel) -> bool:
    """Whether the file's code can be the project's label of the same name.

    A code of another tool outside any layer code was put in the claim layer only as
    a guess, so it joins a same-named label of any layer; a group joins a group of its layer.
    """
    if existing.is_group != label.is_group:
        return False
    return existing.layer == label.layer or (label.guessed and not label.is_group)


def _kind(label: Label | PlanLabel) -> str:
    return f"{'group' if label.is_group else 'label'} in the {LAYER_NAMES[label.layer]} layer"


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"

