"""Export a project to REFI-QDA: a .qdpx (project.qde plus sources/) and a .qdc codebook.

Mapping (see docs/refi-qda.md): each layer is a non-codable Code holding its
labels (groups are non-codable Codes too); a span annotation is a
PlainTextSelection with one Coding; a whole-document stance is a Coding on the
TextSource; annotators are Users; memos and notes are Notes; document metadata
are Variables; registry entities are Cases whose SelectionRefs are their
mentions. Positions are code points into the UTF-8 source files.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import tempfile
import time
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYER_NAMES, LAYERS, Annotation, Label
from annotator.core.common.partial_files import atomic_output
from annotator.core.common.protocols import ProjectLike
from annotator.core.interchange.coder_scope import coder_scope
from annotator.core.interchange.files import streamed
from annotator.core.interchange.refi import payload
from annotator.core.interchange.refi.dates import utc
from annotator.core.interchange.refi.ids import Guids, project_namespace
from annotator.core.interchange.refi.xmlout import Node, end, fragment, serialize, start
from annotator.core.store.database import now

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
    def __init__(self, project: ProjectLike, coder: str | None = None):
        self.project = project
        # Each coding's User is its coder; with `coder`, only that coder's codings are written.
        self.scope = coder_scope(project, coder)
        self.coder_names = {c.id: c.name for c in project.coders.list()}
        self.guid = Guids(project_namespace(project))
        self.book = project.codebook
        self.notes = _Notes()
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

    def sources(self, write: Callable[[str], Any]) -> None:
        """Every TextSource, written as it is made: a document, then its selections a batch at a time."""
        conn = self.project.store.conn
        metadata_order, value_order = _Ranks(conn, "document_metadata"), _Ranks(conn, "annotation_values")
        flag_columns = [row[1] for row in conn.execute("PRAGMA table_info(document_flags)")]
        names = {attribute_id: name for attribute_id, name in conn.execute("SELECT id, name FROM label_attributes")}
        for doc_id in self.project.documents.ids():
            document = self.project.documents.get(doc_id)
            guid = self.guid("document", doc_id)
            data: dict[str, Any] = {"kind": "document", "id": doc_id, "source": document.source,
                                    "encoding": document.encoding, "status": document.status,
                                    "sha256": document.sha256}
            metadata = [[key, value, metadata_order(rowid)] for key, value, rowid in conn.execute(
                "SELECT key, value, rowid FROM document_metadata WHERE document_id = ? ORDER BY rowid", (doc_id,))]
            if metadata:
                data["metadata"] = metadata
            flags = [dict(zip(flag_columns, row)) for row in conn.execute(
                "SELECT * FROM document_flags WHERE document_id = ? ORDER BY id", (doc_id,))]
            if flags:
                data["flags"] = flags
            # Documents kept apart from another with the same text, and the REFI-QDA source each came from.
            twin, refi_guid = conn.execute("SELECT twin, refi_guid FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if twin:
                data["twin"] = twin
            if refi_guid:
                data["refi_guid"] = refi_guid
            # A document's text never changes after its import: it was created and last modified then.
            imported = date_or_exact(data, "imported_at", document.imported_at, self.first)
            node = Node("TextSource", {"guid": guid, "name": payload.keep_exact(data, "title", document.title),
                                       "plainTextPath": f"internal://{guid}.txt", "creatingUser": self.me,
                                       "creationDateTime": imported, "modifyingUser": self.me,
                                       "modifiedDateTime": imported})
            memo = self.project.documents.memo(doc_id)
            # The Description goes first, so the memo's exact text joins the payload now; its Note comes last.
            payload.keep_exact(data, "memo", memo or None)
            node.add("Description", payload.with_payload("", data))
            write(start(node, 2))
            for level, add in ((False, self.selection), (True, self.whole_document)):
                for batch in self._annotated(doc_id, level, value_order):
                    for annotation, values in batch:
                        add(node, annotation, values, names, document.text)
                    _flush(node, 3, write)
            if memo:
                self.note(node, "document", doc_id, f"Memo on {document.title}", memo, data,
                          stamps=(self.me, imported, imported))
            for key, value, _order in metadata:
                variable_value = node.add("VariableValue")
                variable_value.add("VariableRef", targetGUID=self.guid("variable", key))
                variable_value.add("TextValue", payload.visible(value))
            _flush(node, 3, write)
            write(end("TextSource", 2))

    def _annotated(self, doc_id: int, document_level: bool,
                   order: "_Ranks") -> Iterator[list[tuple[Annotation, list[list[Any]]]]]:
        """A document's selections (or whole-document codings) with their values, 500 at a time."""
        annotations = self.project.annotations.stream_document(doc_id, document_level=document_level)
        if self.scope.chosen:
            annotations = (a for a in annotations if a.coder_id == self.scope.coders[0].id)
        while chunk := list(itertools.islice(annotations, 500)):
            values: dict[int, list[list[Any]]] = {}
            for annotation_id, attribute_id, value, rowid in self.project.store.conn.execute(
                    "SELECT annotation_id, attribute_id, value, rowid FROM annotation_values "
                    f"WHERE annotation_id IN ({', '.join('?' * len(chunk))}) ORDER BY rowid", [a.id for a in chunk]):
                values.setdefault(annotation_id, []).append([attribute_id, value, order(rowid)])
            yield [(annotation, values.get(annotation.id, [])) for annotation in chunk]

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
        coder = self.coder_names.get(annotation.coder_id)
        if coder is not None and not payload.xml_safe(coder):
            data["coder"] = coder  # exact, where the User's name cannot carry it
        return data

    def coding_user(self, annotation: Annotation) -> str:
        """The coding's creatingUser: its coder, else the name it was signed with, else whoever exports."""
        return self.user(self.coder_names.get(annotation.coder_id) or annotation.annotator) or self.me

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
        user = self.coding_user(annotation)
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
        user = self.coding_user(annotation)
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

    def cases(self, write: Callable[[str], Any]) -> None:
        conn = self.project.store.conn
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
            write(start(node, 2))
            _flush(node, 3, write)
            # An entity may be mentioned a million times: its references stream from the database.
            mentioned = f"FROM annotations a WHERE entity_id = ? AND span_start IS NOT NULL{self.scope.where()}"
            for (doc_id,) in conn.execute(f"SELECT DISTINCT document_id {mentioned} ORDER BY document_id",
                                          (entity_id,)):
                write(fragment(Node("SourceRef", {"targetGUID": self.guid("document", doc_id)}), 3))
            for (annotation_id,) in conn.execute(f"SELECT id {mentioned} ORDER BY document_id, span_start, id",
                                                 (entity_id,)):
                write(fragment(Node("SelectionRef", {"targetGUID": self.guid("annotation", annotation_id)}), 3))
            write(end("Case", 2))

    def write_project(self, write: Callable[[str], Any]) -> None:
        """project.qde, element by element, with memory flat however large the project.

        The schema's order is Users, CodeBook, Variables, Cases, Sources, Notes: the
        users and variables are found with a query before the sources, and the notes
        made along the way wait in a spool file until the sources are written.
        """
        conn = self.project.store.conn
        root = Node("Project", {"xmlns": PROJECT_NS, "name": payload.visible(self.project.name), "origin": _origin(),
                                "creatingUserGUID": self.me, "creationDateTime": self.first,
                                "modifyingUserGUID": self.me, "modifiedDateTime": self.last})
        codes = self.codes(with_notes=True)
        # Users in the order the sources name them: each document's selections, then its whole-document codings.
        for (name,) in conn.execute(
                "SELECT coalesce(c.name, a.annotator) FROM annotations a LEFT JOIN coders c ON c.id = a.coder_id "
                f"WHERE 1 = 1{self.scope.where()} "
                "ORDER BY a.document_id, a.span_start IS NULL, a.span_start, a.span_end DESC, a.id"):
            self.user(name)
        write('<?xml version="1.0" encoding="utf-8"?>\n' + start(root, 0))
        if self.users:
            users = Node("Users")
            for name, guid in self.users.items():
                users.add("User", guid=guid, name=payload.visible(name))
            write(fragment(users, 1))
        book = Node("CodeBook")
        book.add("Codes").extend(codes)
        write(fragment(book, 1))
        keys = [key for (key,) in conn.execute("SELECT key FROM document_metadata GROUP BY key ORDER BY min(rowid)")]
        if keys:
            write(fragment(Node("Variables", children=[
                Node("Variable", {"guid": self.guid("variable", key), "name": payload.visible(key),
                                  "typeOfVariable": "Text"}) for key in keys]), 1))
        for tag, part, present in (("Cases", self.cases, "entities"), ("Sources", self.sources, "documents")):
            if conn.execute(f"SELECT EXISTS(SELECT 1 FROM {present})").fetchone()[0]:
                write(start(Node(tag), 1))
                part(write)
                write(end(tag, 1))
        if self.notes:
            write(start(Node("Notes"), 1))
            self.notes.copy_to(write)
            write(end("Notes", 1))
        write(fragment(Node("Description", text=payload.with_payload(
            "Exported by Annotator; see docs/refi-qda.md for the annotator: lines.",
            {"kind": "project", "format": payload.FORMAT, "version": payload.VERSION,
             "namespace": str(self.guid.namespace)})), 1))
        write(end("Project", 0))

    def sources_files(self) -> Iterator[tuple[str, bytes]]:
        """(member name, UTF-8 text) of every source, one document at a time."""
        for doc_id, title, text in streamed(self.project.store.conn, "SELECT id, title, text FROM documents ORDER BY id"):
            try:
                yield f"sources/{self.guid('document', doc_id)}.txt", text.encode("utf-8")
            except UnicodeEncodeError:
                raise ProjectError(f"Document {doc_id} ‘{title}’ holds characters UTF-8 cannot store; "
                                   "nothing was exported.") from None

    def needs_zip64(self) -> bool:
        """Whether project.qde might pass 2 GB, past which its zip entry must have ZIP64 headers from the start.

        A streamed member's size is unknown when its header is written, so this is a generous estimate:
        every character four bytes, escaped, and a few kilobytes of markup per row.
        """
        conn = self.project.store.conn
        rows, chars = conn.execute("SELECT count(*), coalesce(sum(length(text) + length(note)), 0) "
                                   "FROM annotations").fetchone()
        for table, columns in (("documents", "length(title) + length(memo)"), ("document_metadata", "length(value)"),
                               ("entities", "length(name) + length(memo)"), ("labels", "length(memo)")):
            count, size = conn.execute(f"SELECT count(*), coalesce(sum({columns}), 0) FROM {table}").fetchone()
            rows, chars = rows + count, chars + size
        return 12 * chars + 3000 * rows > zipfile.ZIP64_LIMIT


class _Notes:
    """The Notes made while writing, serialized at once and kept in a spool file (on disk past a megabyte):
    they are written after the Sources, and a project may hold a note on each of a million annotations."""

    def __init__(self):
        self._file: Any = None
        self.count = 0

    def append(self, note: Node) -> None:
        if self._file is None:
            self._file = tempfile.SpooledTemporaryFile(1024 * 1024, "w+", encoding="utf-8", newline="")
        self._file.write(fragment(note, 2))
        self.count += 1

    def __bool__(self) -> bool:
        return self.count > 0

    def copy_to(self, write: Callable[[str], Any]) -> None:
        self._file.seek(0)
        while chunk := self._file.read(64 * 1024):
            write(chunk)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class _Ranks:
    """A row's place in its table's rowid order (0, 1, 2...), as the payload's order numbers have it:
    eight bytes a row are kept, not the rows."""

    def __init__(self, conn: Any, table: str):
        self._rowids = array("q", (rowid for (rowid,) in conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid")))

    def __call__(self, rowid: int) -> int:
        return bisect_left(self._rowids, rowid)


def _flush(node: Node, depth: int, write: Callable[[str], Any]) -> None:
    """Write the children made so far, and forget them."""
    write("".join(fragment(child, depth) for child in node.children))
    node.children.clear()


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


def export_qdpx(project: ProjectLike, path: str | os.PathLike, *, coder: str | None = None) -> Path:
    """Write the project as a REFI-QDA project file (a zip of project.qde and sources/), streamed.

    Each coding's creatingUser is its coder (a User, its GUID made from the name); with `coder`,
    only that coder's codings are written."""
    path = Path(path)
    exporter = _Exporter(project, coder)
    try:
        _write_atomically(path, lambda handle: _zip(handle, exporter))
    finally:
        exporter.notes.close()
    return path


def export_qdc(project: ProjectLike, path: str | os.PathLike) -> Path:
    """Write the codebook as a REFI-QDA codebook file (.qdc)."""
    path = Path(path)
    exporter = _Exporter(project)
    root = Node("CodeBook", {"xmlns": CODEBOOK_NS, "origin": _origin()})
    root.add("Codes").extend(exporter.codes(with_notes=False))
    _write_atomically(path, lambda handle: handle.write(serialize(root).encode("utf-8")))
    return path


def _zip(handle, exporter: _Exporter) -> None:
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        # Dated and permitted as writestr would: only the size is unknown until the end.
        info = zipfile.ZipInfo("project.qde", date_time=time.localtime(time.time())[:6])
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        with archive.open(info, "w", force_zip64=exporter.needs_zip64()) as member:
            text = io.TextIOWrapper(member, encoding="utf-8", newline="")
            exporter.write_project(text.write)
            text.flush()
            text.detach()  # the member is closed by its own with, which writes its sizes
        for name, data in exporter.sources_files():
            archive.writestr(name, data)


def _write_atomically(path: Path, write) -> None:
    """Write beside the target and rename, so a failed export never leaves half a file under its name."""
    try:
        # atomic_output: the user's usual file mode (umask), and a partial name the next export can clear.
        with atomic_output(path, encoding=None) as handle:
            write(handle)
    except OSError as exc:
        raise ProjectError(f"Cannot write {path}: {exc.strerror or exc}. Choose another folder or file name.") from None
