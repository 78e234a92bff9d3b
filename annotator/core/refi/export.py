"""Export a project to REFI-QDA: a .qdpx (project.qde plus sources/) and a .qdc codebook.

Mapping (see docs/refi-qda.md): each layer is a non-codable Code holding its
labels (groups are non-codable Codes too); a span annotation is a
PlainTextSelection with one Coding; a whole-document stance is a Coding on the
TextSource; annotators are Users; memos and notes are Notes; document metadata
are Variables; registry entities are Cases whose SelectionRefs are their
mentions. Positions are code points into the UTF-8 source files.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ..export_files import atomic_output
from ..model import LAYER_NAMES, LAYERS, Annotation, Label
from . import payload
from ..store import now
from .dates import utc
from .ids import Guids, project_namespace
from .xmlout import Node, serialize

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def _origin() -> str:
    from importlib import metadata

    try:
        return f"Annotator {metadata.version('annotator')}"
    except metadata.PackageNotFoundError:
        return "Annotator"


def date_or_exact(data: dict[str, Any], key: str, value: str | None, fallback: str) -> str:
    """An xsd:dateTime attribute value: the value itself when it is one; otherwise it is kept exactly
    in the payload, and the attribute holds it read as UTC, or else the fallback."""
    if value and _DATETIME.match(value) and utc(value) is not None:
        return value
    if value is not None:
        data[key] = value
    return utc(value) or fallback


class _Exporter:
    def __init__(self, project: Any):
        self.project = project
        self.guid = Guids(project_namespace(project))
        self.book = project.codebook
        self.notes: list[Node] = []
        self.users: dict[str, str] = {}
        # Who and when, for what Annotator does not record them on (the project, documents,
        # label memos): whoever exports, and the span of the project's own dates.
        self.me = self.user(project.annotations.annotator or "Annotator")
        self.first, self.last = _date_span(project.store.conn)

    # -- codebook -----------------------------------------------------------------

    def codes(self, with_notes: bool) -> list[Node]:
        """One non-codable Code per layer, holding the layer's groups and labels in codebook order."""
        found = []
        for layer in LAYERS:
            node = Node("Code", {"guid": self.guid("layer", layer), "name": LAYER_NAMES[layer], "isCodable": False})
            node.add("Description", payload.with_payload("", {"kind": "layer", "layer": layer}))
            node.extend([self.code(label, with_notes) for label in self.book.children(None, layer)])
            found.append(node)
        return found

    def code(self, label: Label, with_notes: bool) -> Node:
        data: dict[str, Any] = {"kind": "label", "id": label.id, "key": label.key, "sort_order": label.sort_order,
                                "group": label.is_group}
        name = payload.keep_exact(data, "name", label.name)
        description = payload.keep_exact(data, "description", label.description)
        if not label.is_group:
            data["attributes"] = [
                {"id": a.id, "name": a.name, "kind": a.kind, "choices": list(a.choices), "required": a.required,
                 "description": a.description, "sort_order": a.sort_order}
                for a in self.book.attributes(label.id)]
        if label.memo and not with_notes:  # a .qdc has no Notes
            data["memo"] = label.memo
        node = Node("Code", {"guid": self.guid("label", label.id), "name": name, "isCodable": not label.is_group,
                             "color": label.color})
        text = node.add("Description")
        if label.memo and with_notes:
            self.note(node, "label", label.id, f"Memo on {label.name}", label.memo, data,
                      stamps=(self.me, self.first, self.last))
        text.text = payload.with_payload(description, data)  # after note(), which may add the exact memo
        node.extend([self.code(child, with_notes) for child in self.book.children(label.id)])
        return node

    def note(self, owner: Node, kind: str, key: int, name: str, text: str, data: dict[str, Any],
             summary: str | None = None, *, stamps: tuple[str, str, str]) -> None:
        """A Note holding text, referenced from owner; characters XML cannot carry stay exact in data.

        stamps: (user GUID, created, modified), those of what the note is about.
        With a summary, the Note's Description carries it and data as the payload
        (a whole-document coding has no Description of its own).
        """
        guid = self.guid(f"note-{kind}", key)
        content = payload.keep_exact(data, "note" if kind == "annotation" else "memo", text)
        user, created, modified = stamps
        note = Node("Note", {"guid": guid, "name": payload.visible(name), "creatingUser": user,
                             "creationDateTime": created, "modifyingUser": user, "modifiedDateTime": modified})
        if summary is not None:
            note.add("Description", payload.with_payload(summary, data))
        note.add("PlainTextContent", content)
        self.notes.append(note)
        owner.add("NoteRef", targetGUID=guid)

    def user(self, name: str) -> str | None:
        if not name:
            return None
        if name not in self.users:
            self.users[name] = self.guid("user", name)
        return self.users[name]

    # -- sources --------------------------------------------------------------------

    def sources(self) -> tuple[list[Node], list[Node], dict[str, bytes]]:
        conn = self.project.store.conn
        metadata: dict[int, list[list[Any]]] = {}
        keys: dict[str, str] = {}
        for order, (doc_id, key, value) in enumerate(
                conn.execute("SELECT document_id, key, value FROM document_metadata ORDER BY rowid")):
            metadata.setdefault(doc_id, []).append([key, value, order])
            keys.setdefault(key, self.guid("variable", key))
        flag_columns = [row[1] for row in conn.execute("PRAGMA table_info(document_flags)")]
        flags: dict[int, list[dict[str, Any]]] = {}
        for row in conn.execute("SELECT * FROM document_flags ORDER BY id"):
            flags.setdefault(row[flag_columns.index("document_id")], []).append(dict(zip(flag_columns, row)))
        values: dict[int, list[list[Any]]] = {}
        for order, (annotation_id, attribute_id, value) in enumerate(
                conn.execute("SELECT annotation_id, attribute_id, value FROM annotation_values ORDER BY rowid")):
            values.setdefault(annotation_id, []).append([attribute_id, value, order])
        names = {attribute_id: name for attribute_id, name in conn.execute("SELECT id, name FROM label_attributes")}
        files: dict[str, bytes] = {}
        nodes = []
        # Documents kept apart from another with the same text, and the REFI-QDA source each came from.
        origins = {row[0]: row[1:] for row in conn.execute(
            "SELECT id, twin, refi_guid FROM documents WHERE twin <> 0 OR refi_guid <> ''")}
        for doc_id in self.project.documents.ids():
            document = self.project.documents.get(doc_id)
            guid = self.guid("document", doc_id)
            data: dict[str, Any] = {"kind": "document", "id": doc_id, "source": document.source,
                                    "encoding": document.encoding, "status": document.status,
                                    "sha256": document.sha256}
            if doc_id in metadata:
                data["metadata"] = metadata[doc_id]
            if doc_id in flags:
                data["flags"] = flags[doc_id]
            twin, refi_guid = origins.get(doc_id, (0, ""))
            if twin:
                data["twin"] = twin
            if refi_guid:
                data["refi_guid"] = refi_guid
            file_name = f"{guid}.txt"
            # A document's text never changes after its import: it was created and last modified then.
            imported = date_or_exact(data, "imported_at", document.imported_at, self.first)
            node = Node("TextSource", {"guid": guid, "name": payload.keep_exact(data, "title", document.title),
                                       "plainTextPath": f"internal://{file_name}", "creatingUser": self.me,
                                       "creationDateTime": imported, "modifyingUser": self.me,
                                       "modifiedDateTime": imported})
            description = node.add("Description")
            try:
                files[f"sources/{file_name}"] = document.text.encode("utf-8")
            except UnicodeEncodeError:
                raise ProjectError(f"Document {doc_id} ‘{document.title}’ holds characters UTF-8 cannot store; "
                                   "nothing was exported.") from None
            annotations = self.project.annotations.for_document(doc_id)
            for annotation in annotations:
                if not annotation.is_document_level:
                    self.selection(node, annotation, values.get(annotation.id, []), names, document.text)
            for annotation in annotations:
                if annotation.is_document_level:
                    self.whole_document(node, annotation, values.get(annotation.id, []), names, document.text)
            memo = self.project.documents.memo(doc_id)
            if memo:
                self.note(node, "document", doc_id, f"Memo on {document.title}", memo, data,
                          stamps=(self.me, imported, imported))
            for key, value, _order in metadata.get(doc_id, []):
                variable_value = node.add("VariableValue")
                variable_value.add("VariableRef", targetGUID=keys[key])
                variable_value.add("TextValue", payload.visible(value))
            description.text = payload.with_payload("", data)
            nodes.append(node)
        variables = [Node("Variable", {"guid": guid, "name": payload.visible(key), "typeOfVariable": "Text"})
                     for key, guid in keys.items()]
        return nodes, variables, files

    def annotation_payload(self, annotation: Annotation, values: list[list[Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "annotation", "id": annotation.id}
        for field in ("entity_id", "source_entity_id", "source", "target_entity_id", "target", "holder_entity_id",
                      "holder"):
            value = getattr(annotation, field)
            if value is not None:
                data[field] = value
        if annotation.cue_start is not None:
            data["cue"] = [annotation.cue_start, annotation.cue_end]
        if values:
            data["values"] = values
        if not annotation.annotator or not payload.xml_safe(annotation.annotator):
            data["annotator"] = annotation.annotator  # exact; unsigned work names the exporting user as its User
        return data

    def summary(self, annotation: Annotation, values: list[list[Any]], names: dict[int, str], text: str) -> str:
        """One line for people reading the file in another tool; the payload below it is what counts."""
        parts = []
        for role in ("entity", "source", "target", "holder"):
            shown = self.project.annotations.display_role(annotation, role)
            if shown:
                parts.append(f"{role.capitalize()}: {shown}")
        if annotation.cue_start is not None:
            parts.append(f"Cue: {text[annotation.cue_start:annotation.cue_end]}")
        parts.extend(f"{names.get(attribute_id, attribute_id)}: {value}" for attribute_id, value, _ in values)
        return payload.visible(" · ".join(" ".join(part.split()) for part in parts))

    def selection(self, source: Node, annotation: Annotation, values: list[list[Any]], names: dict[int, str],
                  text: str) -> None:
        data = self.annotation_payload(annotation, values)
        user = self.user(annotation.annotator) or self.me
        name = " ".join(annotation.text.split())
        node = source.add("PlainTextSelection", guid=self.guid("annotation", annotation.id),
                          name=payload.visible(name[:79] + "…" if len(name) > 80 else name),
                          startPosition=annotation.start, endPosition=annotation.end, creatingUser=user,
                          creationDateTime=date_or_exact(data, "created_at", annotation.created_at, self.first),
                          modifyingUser=user,
                          modifiedDateTime=date_or_exact(data, "updated_at", annotation.updated_at, self.last))
        description = node.add("Description")
        coding = node.add("Coding", guid=self.guid("coding", annotation.id), creatingUser=user,
                          creationDateTime=node.attrs["creationDateTime"])
        coding.add("CodeRef", targetGUID=self.guid("label", annotation.label_id))
        if annotation.note:
            self.note(node, "annotation", annotation.id, f"Note on {name[:60]}", annotation.note, data,
                      stamps=(user, node.attrs["creationDateTime"], node.attrs["modifiedDateTime"]))
        description.text = payload.with_payload(self.summary(annotation, values, names, text), data)

    def whole_document(self, source: Node, annotation: Annotation, values: list[list[Any]],
                       names: dict[int, str], text: str) -> None:
        """A Coding on the source itself; its Note carries the note and, in its Description, the payload."""
        data = self.annotation_payload(annotation, values)
        data.update(created_at=annotation.created_at, updated_at=annotation.updated_at)
        user = self.user(annotation.annotator) or self.me
        created = date_or_exact({}, "", annotation.created_at, self.first)  # the payload has the exact dates
        coding = Node("Coding", {"guid": self.guid("coding", annotation.id), "creatingUser": user,
                                 "creationDateTime": created})
        coding.add("CodeRef", targetGUID=self.guid("label", annotation.label_id))
        label = self.book.label(annotation.label_id)
        title = f"{label.name} toward {self.project.annotations.display_role(annotation, 'target')} (whole document)"
        self.note(coding, "annotation", annotation.id, title, annotation.note, data,
                  summary=self.summary(annotation, values, names, text),
                  stamps=(user, created, date_or_exact({}, "", annotation.updated_at, self.last)))
        # Called after every selection and before the memo and variables: the schema's order.
        source.children.append(coding)

    # -- entities -----------------------------------------------------------------------

    def cases(self) -> list[Node]:
        conn = self.project.store.conn
        nodes = []
        for (entity_id,) in conn.execute("SELECT id FROM entities ORDER BY id").fetchall():
            entity = self.project.entities.get(entity_id)
            aliases = conn.execute("SELECT id, alias FROM entity_aliases WHERE entity_id = ? ORDER BY id",
                                   (entity_id,)).fetchall()
            data: dict[str, Any] = {"kind": "entity", "id": entity.id, "external_id": entity.external_id,
                                    "aliases": [list(row) for row in aliases], "created_at": entity.created_at}
            name = payload.keep_exact(data, "name", entity.name)
            memo = payload.keep_exact(data, "memo", entity.memo)
            node = Node("Case", {"guid": self.guid("entity", entity.id), "name": name})
            node.add("Description", payload.with_payload(memo, data))
            node.add("CodeRef", targetGUID=self.guid("label", entity.label_id))
            mentions = conn.execute("SELECT id, document_id FROM annotations WHERE entity_id = ? "
                                    "AND span_start IS NOT NULL ORDER BY document_id, span_start, id",
                                    (entity_id,)).fetchall()
            for doc_id in dict.fromkeys(doc_id for _id, doc_id in mentions):
                node.add("SourceRef", targetGUID=self.guid("document", doc_id))
            for annotation_id, _doc_id in mentions:
                node.add("SelectionRef", targetGUID=self.guid("annotation", annotation_id))
            nodes.append(node)
        return nodes

    def project_node(self) -> tuple[Node, dict[str, bytes]]:
        root = Node("Project", {"xmlns": PROJECT_NS, "name": payload.visible(self.project.name), "origin": _origin(),
                                "creatingUserGUID": self.me, "creationDateTime": self.first,
                                "modifyingUserGUID": self.me, "modifiedDateTime": self.last})
        codes = self.codes(with_notes=True)
        cases = self.cases()
        sources, variables, files = self.sources()
        if self.users:
            users = root.add("Users")
            for name, guid in self.users.items():
                users.add("User", guid=guid, name=payload.visible(name))
        root.add("CodeBook").add("Codes").extend(codes)
        if variables:
            root.add("Variables").extend(variables)
        if cases:
            root.add("Cases").extend(cases)
        if sources:
            root.add("Sources").extend(sources)
        if self.notes:
            root.add("Notes").extend(self.notes)
        root.add("Description", payload.with_payload(
            "Exported by Annotator; see docs/refi-qda.md for the annotator: lines.",
            {"kind": "project", "format": payload.FORMAT, "version": payload.VERSION,
             "namespace": str(self.guid.namespace)}))
        return root, files


def _date_span(conn) -> tuple[str, str]:
    """The earliest and latest dates the project holds, as UTC; the export time for a project with none.

    Taken from the data, not the clock, so exporting the same project twice gives the same file.
    """
    found = []
    for table, column in (("documents", "imported_at"), ("annotations", "created_at"), ("annotations", "updated_at"),
                          ("entities", "created_at")):
        # Only values shaped like dates: text such as "last Tuesday" would sort after every year.
        row = conn.execute(f"SELECT min({column}), max({column}) FROM {table} "
                           f"WHERE {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'").fetchone()
        found += [date for date in map(utc, row) if date]
    if not found:
        stamp = now()
        return stamp, stamp
    return min(found), max(found)


def export_qdpx(project: Any, path: str | os.PathLike) -> Path:
    """Write the project as a REFI-QDA project file (a zip of project.qde and sources/)."""
    path = Path(path)
    root, files = _Exporter(project).project_node()
    _write_atomically(path, lambda handle: _zip(handle, serialize(root).encode("utf-8"), files))
    return path


def export_qdc(project: Any, path: str | os.PathLike) -> Path:
    """Write the codebook as a REFI-QDA codebook file (.qdc)."""
    path = Path(path)
    exporter = _Exporter(project)
    root = Node("CodeBook", {"xmlns": CODEBOOK_NS, "origin": _origin()})
    root.add("Codes").extend(exporter.codes(with_notes=False))
    _write_atomically(path, lambda handle: handle.write(serialize(root).encode("utf-8")))
    return path


def _zip(handle, qde: bytes, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(name, data)


def _write_atomically(path: Path, write) -> None:
    """Write beside the target and rename, so a failed export never leaves half a file under its name."""
    try:
        # atomic_output: the user's usual file mode (umask), and a partial name the next export can clear.
        with atomic_output(path, encoding=None) as handle:
            write(handle)
    except OSError as exc:
        raise ProjectError(f"Cannot write {path}: {exc.strerror or exc}. Choose another folder or file name.") from None
