"""project.qde read into a plan: the documents, labels, entities and annotations it becomes.

Nothing here touches the project; importer.py writes the plan in one transaction.
Everything the plan cannot hold (cases that are not entities, sets, links, graphs,
non-text sources, uncoded selections...) is kept as text in `leftovers`, to become
memos. Source texts lose a leading BOM and have their line endings made \\n, with
every position moved to match, so a span still covers what the file said.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from annotator.core.corpus.decoding import MAX_TEXT_BYTES
from annotator.core.interchange.refi import payload
from annotator.core.interchange.refi.codes import PlanLabel, as_int, child_text, children, read_codes
from annotator.core.interchange.refi.reading import Archive, Refused, local

_SOURCE_KINDS = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
_VALUE_KINDS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_ROLE_FIELDS = ("entity_id", "source_entity_id", "source", "target_entity_id", "target", "holder_entity_id", "holder")


@dataclass
class PlanEntity:
    guid: str
    name: str
    label: str | None  # guid of its type's code
    id: int | None = None
    external_id: str = ""
    memo: str = ""
    created_at: str | None = None
    aliases: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass
class PlanAnnotation:
    label: str  # code guid
    start: int | None
    end: int | None
    note: str = ""
    annotator: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    id: int | None = None
    roles: dict[str, Any] = field(default_factory=dict)  # entity_id, source, target_entity_id... (file ids)
    cue: tuple[int, int] | None = None
    values: list[tuple[int | None, str, int | None]] = field(default_factory=list)  # (attribute id, value, order)
    coder: str = ""  # the coding's creatingUser; the annotator: line's coder when the name needs exactness


@dataclass
class PlanDocument:
    guid: str
    title: str
    text: str
    id: int | None = None
    source: str = ""
    encoding: str = "utf-8"
    status: str = "todo"
    imported_at: str | None = None
    memo: str = ""
    metadata: list[tuple[str, str, int | None]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[PlanAnnotation] = field(default_factory=list)
    twin: int = 0  # see schema._v7_refi_sources; restored from Annotator's own files
    refi_guid: str = ""
    leftovers: list[str] = field(default_factory=list)


@dataclass
class Plan:
    labels: list[PlanLabel]
    entities: list[PlanEntity]
    documents: list[PlanDocument]
    leftovers: list[str]
    ours: bool  # every part written by Annotator, with its ids: the project can be restored exactly
    namespace: str | None = None


class _Reader:
    def __init__(self, root: Element, archive: Archive):
        self.archive = archive
        self.what = f"{archive.name}: project.qde"
        self.root = root
        self.leftovers: list[str] = []
        self.users = {u.get("guid"): u.get("name") or u.get("id") or "" for u in self._all("Users", "User")}
        self.variables = {v.get("guid"): v.get("name") or "" for v in self._all("Variables", "Variable")}
        self.notes: dict[str, Element] = {n.get("guid"): n for n in self._all("Notes", "Note")}
        self.used_notes: set[str] = set()
        # A member many sources or notes name is read and decoded once; each still counts in the budget.
        self._texts: dict[str, str] = {}
        self._normal: dict[str, tuple[str, Any]] = {}  # such a text as a document holds it (a str hashes once)

    def _all(self, outer: str, inner: str) -> list[Element]:
        return [item for box in children(self.root, outer) for item in children(box, inner)]

    # -- notes --------------------------------------------------------------------------

    def note_text(self, note: Element) -> str:
        text = child_text(note, "PlainTextContent")
        if text is None and note.get("plainTextPath"):
            text = self.member_text(note.get("plainTextPath"), note.get("name") or "a note")
        return "" if isinstance(text, _Unread) else text or ""

    def member_text(self, reference: str, name: str) -> "str | _Unread":
        """The text of the member a plainTextPath names, or why it was not read (an _Unread)."""
        found = self.archive.locate(reference)
        if isinstance(found, str):
            return _Unread(found)
        self.archive.charge(found)
        if found.filename not in self._texts:
            self._texts[found.filename] = _decode(self.archive.read(found, MAX_TEXT_BYTES) or b"", self.what, name)
        return self._texts[found.filename]

    def references(self) -> list[str]:
        """Every plainTextPath the import will read, once for each time it is read."""
        found = []
        for box in children(self.root, "Sources"):
            for source in children(box, "TextSource"):
                if child_text(source, "PlainTextContent") is None:
                    found.append(source.get("plainTextPath") or "")
        refs: dict[str, int] = {}
        for element in self.root.iter():
            if local(element.tag) == "NoteRef":
                refs[element.get("targetGUID")] = refs.get(element.get("targetGUID"), 0) + 1
        for guid, note in self.notes.items():
            if child_text(note, "PlainTextContent") is None and note.get("plainTextPath"):
                found += [note.get("plainTextPath")] * max(1, refs.get(guid, 0))
        return [reference for reference in found if reference.strip()]

    def notes_of(self, element: Element) -> list[Element]:
        found = []
        for ref in children(element, "NoteRef"):
            guid = ref.get("targetGUID")
            if guid in self.notes:
                self.used_notes.add(guid)
                found.append(self.notes[guid])
        return found

    def memo_of(self, element: Element) -> str:
        return "\n\n".join(text for text in (self.note_text(n) for n in self.notes_of(element)) if text)

    # -- the whole file ---------------------------------------------------------------------

    def plan(self) -> Plan:
        self.archive.check_expansion(self.references())
        _human, project_data = payload.split(child_text(self.root, "Description"))
        ours = bool(project_data and project_data.get("kind") == "project" and project_data.get("format") == payload.FORMAT)
        if ours and (as_int(project_data.get("version")) or 0) > payload.VERSION:
            raise Refused(f"{self.what} was written by a newer Annotator (format {project_data.get('version')}); "
                          "update Annotator to import it.")
        labels: list[PlanLabel] = []
        for book in children(self.root, "CodeBook"):
            for codes in children(book, "Codes"):
                found, codes_ours = read_codes(codes, self.what, self.memo_of)
                labels += found
                ours = ours and codes_ours
        entities = [entity for entity in (self.case(case) for case in self._all("Cases", "Case")) if entity]
        documents = []
        for box in children(self.root, "Sources"):
            for source in box:
                if local(source.tag) == "TextSource":
                    document = self.source(source)
                    if document is not None:
                        documents.append(document)
                elif local(source.tag) in _SOURCE_KINDS:
                    self.leftovers.append(f"{local(source.tag)} ‘{source.get('name') or ''}’ was not imported: "
                                          "Annotator holds text documents only.")
        self.project_leftovers(project_data is not None)
        ours = ours and all(x.id is not None for x in [*labels, *entities, *documents])
        ours = ours and all(a.id is not None for d in documents for a in d.annotations)
        namespace = project_data.get("namespace") if ours and isinstance(project_data.get("namespace"), str) else None
        return Plan(labels, entities, documents, self.leftovers, ours, namespace)

    def project_leftovers(self, ours: bool) -> None:
        description = child_text(self.root, "Description")
        if description and not ours:
            self.leftovers.append(f"Project description: {description}")
        for box in children(self.root, "Sets"):
            for item in children(box, "Set"):
                members = [m.get("targetGUID") for m in item if local(m.tag).startswith("Member")]
                self.leftovers.append(f"Set ‘{item.get('name') or ''}’ with {len(members)} members "
                                      f"({', '.join(filter(None, members))}): {child_text(item, 'Description') or ''}")
        for outer, inner in (("Links", "Link"), ("Graphs", "Graph")):
            for item in self._all(outer, inner):
                ends = (f" from {item.get('originGUID')} to {item.get('targetGUID')}" if inner == "Link"
                        else f" with {len(children(item, 'Vertex'))} vertices")
                self.leftovers.append(f"{inner} ‘{item.get('name') or ''}’{ends} (Annotator has no {inner.lower()}s)")
        # Notes on the project itself, and notes nothing refers to, have no home but the project's leftovers.
        for guid, note in self.notes.items():
            if guid not in self.used_notes:
                self.leftovers.append(f"Note ‘{note.get('name') or ''}’: {self.note_text(note)}")

    # -- entities ---------------------------------------------------------------------------

    def case(self, case: Element) -> PlanEntity | None:
        human, data = payload.split(child_text(case, "Description"))
        name = case.get("name") or ""
        code_refs = [ref.get("targetGUID") for ref in children(case, "CodeRef")]
        if not data or data.get("kind") != "entity":
            values = [f"{self.variables.get(_ref(v, 'VariableRef'), '?')} = {_value(v)}"
                      for v in children(case, "VariableValue")]
            parts = [f"Case ‘{name}’", human, "; ".join(values)]
            self.leftovers.append(": ".join(part for part in parts if part))
            return None
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, list) and len(a) == 2 for a in aliases):
            raise Refused(f"{self.what}: the aliases of entity ‘{name}’ are not a list of [id, name] pairs.")
        return PlanEntity(case.get("guid") or "", str(data.get("name", name)), code_refs[0] if code_refs else None,
                          as_int(data.get("id")), str(data.get("external_id") or ""), str(data.get("memo", human)),
                          data.get("created_at") if isinstance(data.get("created_at"), str) else None,
                          [(as_int(i), str(a)) for i, a in aliases])

    # -- sources ----------------------------------------------------------------------------

    def source(self, source: Element) -> PlanDocument | None:
        name = source.get("name") or "Untitled"
        human, data = payload.split(child_text(source, "Description"))
        data = data if data and data.get("kind") == "document" else None
        inline = child_text(source, "PlainTextContent")
        if inline is not None:
            raw = inline
        else:
            raw = self.member_text(source.get("plainTextPath") or "", name)
            if isinstance(raw, _Unread):
                self.leftovers.append(f"Source ‘{name}’ was not imported: {raw}. Import that text as a "
                                      "document instead.")
                return None
        exact = data is not None and hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest() == data.get("sha256")
        if exact:
            text, at = raw, lambda p: p
        elif inline is None:
            if raw not in self._normal:
                self._normal[raw] = _normalise(raw)
            text, at = self._normal[raw]
        else:
            text, at = _normalise(raw)
        if not text:
            self.leftovers.append(f"Source ‘{name}’ was not imported: it has no text.")
            return None
        document = PlanDocument(source.get("guid") or "", str((data or {}).get("title", name)), text)
        if data is not None:
            document.id = as_int(data.get("id"))
            document.source = str(data.get("source") or "")
            document.encoding = str(data.get("encoding") or "")
            document.status = str(data.get("status") or "todo")
            document.flags = [flag for flag in data.get("flags") or [] if isinstance(flag, dict)]
            document.twin = as_int(data.get("twin")) or 0
            document.refi_guid = str(data.get("refi_guid") or "")
        else:
            document.source = f"{self.archive.name} › {name}"
        document.imported_at = (data or {}).get("imported_at") or source.get("creationDateTime")
        notes = self.memo_of(source)  # read even when the payload has the exact memo: the notes are used
        memo = (data or {}).get("memo")
        document.memo = memo if isinstance(memo, str) else "\n\n".join(
            part for part in ([] if data is not None else [human]) + [notes] if part)
        if data is not None and isinstance(data.get("metadata"), list):
            document.metadata = [(str(k), str(v), as_int(o)) for k, v, o in data["metadata"]]
        else:
            document.metadata = [(self.variables.get(_ref(v, "VariableRef"), "") or "variable", _value(v), None)
                                 for v in children(source, "VariableValue")]
        limit = len(raw[1:] if raw.startswith("\ufeff") and not exact else raw)
        for selection in children(source, "PlainTextSelection"):
            self.selection(document, selection, at, limit)
        for coding in children(source, "Coding"):
            self.whole_document(document, coding)
        for child in source:
            if local(child.tag) not in ("Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef",
                                        "VariableValue"):
                document.leftovers.append(f"{local(child.tag)} ‘{child.get('name') or ''}’ (not kept by Annotator)")
        return document

    def selection(self, document: PlanDocument, selection: Element, at, limit: int) -> None:
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            raise Refused(f"{self.what}: a selection in ‘{document.title}’ has no whole-number start and end "
                          "positions. Nothing was imported.") from None
        if not 0 <= start <= end <= limit:
            raise Refused(f"{self.what}: a selection in ‘{document.title}’ runs {start}–{end}, outside its text "
                          f"(0–{limit} characters); the file is damaged. Nothing was imported.")
        human, data = payload.split(child_text(selection, "Description"))
        data = data if data and data.get("kind") == "annotation" else None
        start, end = at(start), at(end)
        codings = children(selection, "Coding")
        notes = [self.memo_of(selection)] + [self.memo_of(coding) for coding in codings]
        note = "\n\n".join(part for part in ([] if data is not None else [human]) + notes if part)
        if not codings or start == end:
            document.leftovers.append(f"Selection {start}–{end} ‘{document.text[start:end][:80]}’"
                                      f"{' (no code)' if not codings else ' (empty)'}: {note}".rstrip(": "))
            return
        user = selection.get("creatingUser") or codings[0].get("creatingUser")
        for coding in codings:
            annotation = PlanAnnotation(_ref(coding, "CodeRef"), start, end, note, self.users.get(user, "") or "",
                                        selection.get("creationDateTime") or coding.get("creationDateTime"),
                                        selection.get("modifiedDateTime"))
            annotation.coder = annotation.annotator
            if data is not None and len(codings) == 1:
                self.apply(annotation, data, document)
            document.annotations.append(annotation)

    def whole_document(self, document: PlanDocument, coding: Element) -> None:
        notes = self.notes_of(coding)
        data = None
        for note in notes:
            _human, found = payload.split(child_text(note, "Description"))
            if found and found.get("kind") == "annotation":
                data = found
        text = "\n\n".join(t for t in (self.note_text(n) for n in notes) if t)
        annotation = PlanAnnotation(_ref(coding, "CodeRef"), None, None, text,
                                    self.users.get(coding.get("creatingUser"), "") or "",
                                    coding.get("creationDateTime"), None)
        annotation.coder = annotation.annotator
        if data is not None:
            self.apply(annotation, data, document)
        document.annotations.append(annotation)

    def apply(self, annotation: PlanAnnotation, data: dict[str, Any], document: PlanDocument) -> None:
        """What the annotator: line says, over what the standard parts said."""
        annotation.id = as_int(data.get("id"))
        annotation.roles = {name: data[name] for name in _ROLE_FIELDS if data.get(name) is not None}
        for name in ("note", "annotator", "created_at", "updated_at", "coder"):
            if isinstance(data.get(name), str):
                setattr(annotation, name, data[name])
        cue = data.get("cue")
        if cue is not None:
            if not (isinstance(cue, list) and len(cue) == 2 and all(as_int(c) is not None for c in cue)):
                raise Refused(f"{self.what}: an annotation in ‘{document.title}’ has a cue that is not [start, end].")
            annotation.cue = (cue[0], cue[1])
        values = data.get("values") or []
        if not isinstance(values, list) or not all(isinstance(v, list) and len(v) == 3 for v in values):
            raise Refused(f"{self.what}: an annotation in ‘{document.title}’ has attribute values that are not "
                          "[attribute, value, order] triples.")
        annotation.values = [(as_int(a), str(v), as_int(o)) for a, v, o in values]


def read_plan(root: Element, archive: Archive) -> Plan:
    if local(root.tag) != "Project":
        raise Refused(f"{archive.name}: project.qde holds a <{local(root.tag)}>, not a REFI-QDA <Project>. "
                      "Choose a .qdpx exported by a QDA program.")
    return _Reader(root, archive).plan()


class _Unread(str):
    """Why a source's or note's file was not read, told apart from a text."""


def _ref(element: Element, name: str) -> str:
    found = children(element, name)
    return (found[0].get("targetGUID") or "") if found else ""


def _value(variable_value: Element) -> str:
    for child in variable_value:
        if local(child.tag) in _VALUE_KINDS:
            return child.text or ""
    return ""


def _decode(data: bytes, what: str, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{what}: the text of ‘{name}’ is not UTF-8, as REFI-QDA requires. Export the project "
                      "again, or import that text as a document on its own.") from None


def _normalise(raw: str):
    """Text without a leading BOM and with \\n line ends, and a function moving the file's positions to it."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if "\r" not in raw:  # the usual case: the text itself, not one more copy of it
        return raw, lambda position: position
    dropped = [match.start() for match in re.finditer("\r\n", raw)]
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text, lambda position: position - bisect.bisect_left(dropped, position)
