"""Read Annotator's own JSON Lines export back: a coder's codes come in as theirs.

`annotator import --project P FILE.jsonl [--coder NAME]`. A .jsonl whose first record has a
`spans`, `document_codes` or `variables` key is such a file (is_annotator_jsonl); any other
.jsonl is a corpus file (corpus_files.py), one article per line.

* A record is matched to a document by its text (SHA-256 of it), whatever its `id`; a text the
  project lacks becomes a new document with the record's title, metadata, status and memo.
* Its `spans`, `document_codes` and `variables` become one coder's: `--coder NAME`, else the
  record's `coder` (or `annotator`), else the current coder. The record counts as coded by
  that coder (coded_documents) when it names a coder or holds any codes.
* Labels are found by name; one the codebook lacks is added to the layer the record gives
  (a whole-document code's default: stance), an attribute a label lacks as free text. A
  variable the codesheet lacks is added at the nominal level, its type read from every value
  the file gives it (see new_variable).
* Roles (target, holder, source) that were registry entities (`*_entity_id` set) link to the
  registry entity of that name, else stay free text; an entity span's `entity` links to the
  entity of that name and type, created if the registry lacks it. Ids in the file are the
  exporting project's and are never used.
* A span or code the same coder already has (same document, label, boundaries and roles) is
  skipped, and answers are set, so importing a file twice adds nothing.
* The whole file is one transaction: a bad record refuses the file with its line number and
  the project stays as it was. Like every import it is not undoable (new documents never are).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LAYERS, STATUSES, Annotation, Label
from annotator.core.common.names import shown, shown_text
from annotator.core.common.protocols import ProjectLike
from annotator.core.corpus.documents import text_sha256

CODE_KEYS = ("spans", "document_codes", "variables")
"""A JSON Lines record holding any of these keys is an Annotator export's, not a corpus row."""
_ROLES = ("target", "holder", "source")


def is_annotator_jsonl(path: str | os.PathLike) -> bool:
    """Whether the file's first record is an Annotator export's (has spans, document_codes or variables)."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            for line in f:
                if line.strip():
                    record = json.loads(line)
                    return isinstance(record, dict) and any(key in record for key in CODE_KEYS)
    except (OSError, UnicodeDecodeError, ValueError):
        return False  # the corpus reader says what is wrong with it
    return False


@dataclass
class JsonlImport:
    """What an import of a JSON Lines export brought in."""

    path: Path
    documents_added: int = 0
    documents_matched: int = 0
    annotations_added: int = 0
    annotations_known: int = 0
    answers: int = 0
    labels_added: list[str] = field(default_factory=list)
    variables_added: list[str] = field(default_factory=list)
    coders: dict[str, list[int]] = field(default_factory=dict)  # name -> [documents coded, annotations added]

    def summary_lines(self) -> list[str]:
        lines = [f"Imported {shown(self.path.name)}: {_count(self.documents_added, 'new document')}, "
                 f"{_count(self.documents_matched, 'document')} matched by text, "
                 f"{_count(self.annotations_added, 'annotation')} and {_count(self.answers, 'answer')} added"
                 + (f" ({_count(self.annotations_known, 'annotation')} already there)" if self.annotations_known
                    else "") + "."]
        for name, (documents, annotations) in self.coders.items():
            lines.append(f"  {shown_text(name)}: coded {_count(documents, 'document')}, "
                         f"{_count(annotations, 'annotation')} added")
        if self.labels_added:
            lines.append(f"  Added to the codebook: {', '.join(map(shown_text, self.labels_added))}.")
        if self.variables_added:
            lines.append("  Added to the codesheet (nominal; check their types): "
                         f"{', '.join(map(shown_text, self.variables_added))}.")
        return lines


def import_jsonl(project: ProjectLike, path: str | os.PathLike, *, coder: str | None = None) -> JsonlImport:
    """Bring a JSON Lines export's records into the project as one edit; see the module's docstring."""
    path = Path(path)
    records = list(_read(path))
    report = JsonlImport(path)
    with project.store.write(undoable=False):
        importer = _Importer(project, path, report, coder)
        importer.add_variables(records)
        for line, record in records:
            try:
                importer.record(record)
            except (ProjectError, AnnotationError) as exc:
                raise ProjectError(f"{shown(path.name)}, line {line}: {exc} Nothing was imported.") from None
    return report


# -- reading and checking --------------------------------------------------------------------


def _read(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        f = open(path, encoding="utf-8-sig")
    except OSError as exc:
        raise ProjectError(f"Cannot read {shown(path)}: {exc.strerror or exc}.") from None
    with f:
        try:
            for line, text in enumerate(f, 1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except ValueError as exc:
                    raise _bad(path, line, f"it is not JSON ({exc.msg}, column {exc.colno})") from None
                _check(path, line, record)
                yield line, record
        except UnicodeDecodeError:
            raise ProjectError(f"{shown(path.name)} is not UTF-8 text; save it as UTF-8 and import it again. "
                               "Nothing was imported.") from None


def _bad(path: Path, line: int, why: str) -> ProjectError:
    return ProjectError(f"{shown(path.name)}, line {line}: {why}. Fix that record (docs/export-formats.md describes "
                        "them) and import the file again; nothing was imported.")


def _check(path: Path, line: int, record: Any) -> None:
    """The record's shape; what the project makes of its contents is checked as it is imported."""
    if not isinstance(record, dict):
        raise _bad(path, line, "a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text:
        raise _bad(path, line, "the record has no \"text\"")
    for key in ("spans", "document_codes"):
        items = record.get(key) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise _bad(path, line, f"\"{key}\" must be a list of objects")
        for item in items:
            if not isinstance(item.get("label"), str) or not item["label"].strip():
                raise _bad(path, line, f"an entry of \"{key}\" has no \"label\"")
            if not isinstance(item.get("attributes") or {}, dict):
                raise _bad(path, line, f"the \"attributes\" of {item['label']!r} must be an object")
    for span in record.get("spans") or []:
        start, end = span.get("start"), span.get("end")
        if not (_whole(start) and _whole(end) and 0 <= start < end <= len(text)):
            raise _bad(path, line, f"the span {span['label']!r} runs {start!r}–{end!r}, not within the text "
                       f"(0–{len(text)} characters, counted in code points)")
        if isinstance(span.get("text"), str) and span["text"] != text[start:end]:
            raise _bad(path, line, f"the span {span['label']!r} at {start}–{end} says {span['text'][:40]!r}, but the "
                       f"text there is {text[start:end][:40]!r} (offsets count code points, as Python does)")
    variables = record.get("variables") or {}
    if not isinstance(variables, dict):
        raise _bad(path, line, "\"variables\" must be an object of name: value")
    for name, value in variables.items():
        if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
            raise _bad(path, line, f"variable {name!r} has {json.dumps(value)[:60]}; give a code, a label, a number, "
                       "a date, a text or a list of codes or labels")
    for key in ("coder", "annotator", "title", "memo"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise _bad(path, line, f"\"{key}\" must be text")
    if record.get("meta") is not None and not isinstance(record["meta"], dict):
        raise _bad(path, line, "\"meta\" must be an object of field: value")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_code(value: Any) -> int | None:
    """A whole number, or text that is one ("2"), as a choice code; None for anything else."""
    if _whole(value):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,15}\s*", value):
        return int(value)
    return None


def new_variable(values: list[Any]) -> tuple[str, list[tuple[int, str]]]:
    """(type, choices) of a variable the codesheet lacks, from every value the file gives it.

    Lists make a multiple choice, true/false a yes/no, anything else a single choice. A whole
    number keeps its code (labelled with itself); any other value is a choice labelled as
    written, coded 1, 2, 3... in the order first seen, skipping codes already taken.
    """
    if values and all(isinstance(v, bool) for v in values):
        return "yes_no", []
    multiple = bool(values) and all(isinstance(v, list) for v in values)
    items = [item for v in values for item in (v if isinstance(v, list) else [v])]
    codes = {code for code in map(as_code, items) if code is not None}
    choices: dict[str, int] = {}
    for item in items:
        label = " ".join(str(item).split())
        if fold(label) in {fold(known) for known in choices}:
            continue
        if as_code(item) is not None:
            choices[label] = as_code(item)
        else:
            code = next(n for n in range(1, len(items) + len(codes) + 2) if n not in codes)
            codes.add(code)
            choices[label] = code
    return ("multiple_choice" if multiple else "single_choice"), [(code, label) for label, code in choices.items()]


# -- writing ---------------------------------------------------------------------------------


class _Importer:
    def __init__(self, project: ProjectLike, path: Path, report: JsonlImport, coder: str | None):
        self.project, self.path, self.report, self.coder = project, path, report, coder
        self.known: dict[tuple[int, int], set[tuple]] = {}  # (document, coder) -> keys of their annotations
        self.new_variables: set[str] = set()

    def add_variables(self, records: list[tuple[int, dict[str, Any]]]) -> None:
        found: dict[str, tuple[str, list[Any]]] = {}  # folded name -> (name as first written, values)
        for _line, record in records:
            for name, value in (record.get("variables") or {}).items():
                if value is not None and value != "" and value != [] \
                        and self.project.variables.by_name(name) is None:
                    found.setdefault(fold(" ".join(name.split())), (name, []))[1].append(value)
        for name, values in found.values():
            kind, choices = new_variable(values)
            try:
                variable = self.project.variables.add(name, kind, level="nominal", choices=choices)
            except ProjectError as exc:
                line = next(line for line, record in records if name in (record.get("variables") or {}))
                raise ProjectError(f"{shown(self.path.name)}, line {line}: {exc} Nothing was imported.") from None
            self.new_variables.add(fold(variable.name))
            self.report.variables_added.append(variable.name)

    def record(self, record: dict[str, Any]) -> None:
        doc_id = self.document(record)
        named = (record.get("coder") or record.get("annotator") or "").strip()
        spans, codes = record.get("spans") or [], record.get("document_codes") or []
        answers = {name: value for name, value in (record.get("variables") or {}).items() if value is not None}
        if not (named or spans or codes or answers):
            return  # a document nobody coded: brought in, nothing more
        coder = self.coder or named or self.project.coders.current_name
        added = 0
        for item, whole in [(span, False) for span in spans] + [(code, True) for code in codes]:
            added += self.annotation(doc_id, coder, item, whole)
        if answers:
            self.answer(doc_id, coder, answers)
        self.project.codesheet.mark_coded(doc_id, coder=coder)
        tally = self.report.coders.setdefault(self.project.coders.named(coder).name, [0, 0])
        tally[0] += 1
        tally[1] += added

    def document(self, record: dict[str, Any]) -> int:
        text = record["text"]
        row = self.project.store.conn.execute("SELECT id FROM documents WHERE sha256 = ? ORDER BY id LIMIT 1",
                                              (text_sha256(text),)).fetchone()
        if row is not None:
            self.report.documents_matched += 1
            return row[0]
        documents = self.project.documents
        doc_id = documents.add(title=record.get("title") or "Untitled", text=text, source=f"{self.path.name}")
        meta = {str(k): str(v) for k, v in (record.get("meta") or {}).items() if v is not None and str(v).strip()}
        if meta:
            self.project.metadata.set_many(doc_id, meta)
        if record.get("memo"):
            documents.set_memo(doc_id, record["memo"])
        if record.get("status") in STATUSES and record["status"] != "todo":
            documents.set_status(doc_id, record["status"])
        self.report.documents_added += 1
        return doc_id

    def label(self, item: dict[str, Any], whole: bool) -> Label:
        name, layer = " ".join(item["label"].split()), item.get("layer") or ("stance" if whole else None)
        label = self.project.codebook.by_name(name)
        if label is None:
            if layer not in LAYERS:
                raise ProjectError(f"The codebook has no label {name!r}; give its \"layer\" ({', '.join(LAYERS)}) "
                                   "so it can be added.")
            label = self.project.codebook.add_label(name, layer)
            self.report.labels_added.append(f"{label.name} ({layer})")
        elif layer is not None and layer != label.layer:
            raise ProjectError(f"{label.name!r} is a {label.layer} label in this codebook, but the file has it in "
                               f"the {layer} layer; rename one of them.")
        if label.is_group:
            raise ProjectError(f"{label.name!r} is a group of labels in this codebook; code with one of its labels.")
        return label

    def annotation(self, doc_id: int, coder: str, item: dict[str, Any], whole: bool) -> int:
        """Add one span or whole-document code as the coder's; 0 when they already have it."""
        label = self.label(item, whole)
        start, end = (None, None) if whole else (item["start"], item["end"])
        roles: dict[str, Any] = {}
        for role in _ROLES:
            name = item.get(role)
            if not isinstance(name, str) or not name.strip():
                continue
            entity = self.project.entities.match(name) if item.get(f"{role}_entity_id") is not None else None
            roles.update({f"{role}_entity_id": entity.id} if entity else {role: name})
        key = self._key(label.id, start, end, roles)
        known = self._known(doc_id, coder)
        if key in known:
            self.report.annotations_known += 1
            return 0
        note = item.get("note") if isinstance(item.get("note"), str) else ""
        added = self.project.annotations.add(doc_id, label, start, end, note=note, coder=coder, **roles)
        known.add(key)
        self._details(added, label, item)
        self.report.annotations_added += 1
        return 1

    def _details(self, added: Annotation, label: Label, item: dict[str, Any]) -> None:
        entity_name = item.get("entity")
        if isinstance(entity_name, str) and entity_name.strip() and label.layer == "entity":
            entity = self.project.entities.match(entity_name, label=label) \
                or self.project.entities.create(entity_name, label)
            if self.project.annotations.get(added.id).entity_id != entity.id:
                self.project.annotations.link_entity(added.id, entity.id)
        if _whole(item.get("cue_start")) and _whole(item.get("cue_end")):
            self.project.annotations.set_cue(added.id, item["cue_start"], item["cue_end"])
        for name, value in (item.get("attributes") or {}).items():
            if value is None or value == "":
                continue
            attributes = self.project.codebook.attributes(label.id)
            attribute = next((a for a in attributes if fold(a.name) == fold(name)), None)
            if attribute is None:
                attribute = self.project.codebook.add_attribute(label.id, name, "text")
            self.project.values.set(added.id, attribute.id, value)

    def answer(self, doc_id: int, coder: str, answers: dict[str, Any]) -> None:
        values = {}
        for name, value in answers.items():
            variable = self.project.variables.named(name)
            if fold(variable.name) in self.new_variables and variable.kind != "yes_no":
                # Its choices are labelled with the values as written: whole numbers are codes.
                value = [_choice(v) for v in value] if isinstance(value, list) else _choice(value)
            values[variable] = value
        self.project.codesheet.set_many(doc_id, values, coder=coder)
        self.report.answers += sum(1 for value in values.values() if value not in ("", []))

    def _known(self, doc_id: int, coder: str) -> set[tuple]:
        found = self.project.coders.by_name(coder)
        coder_id = found.id if found is not None else -1
        if (doc_id, coder_id) not in self.known:
            self.known[(doc_id, coder_id)] = {
                self._key(a.label_id, a.start, a.end, self._roles_of(a))
                for a in self.project.annotations.for_document(doc_id) if a.coder_id == coder_id}
        return self.known[(doc_id, coder_id)]

    @staticmethod
    def _roles_of(a: Annotation) -> dict[str, Any]:
        roles: dict[str, Any] = {}
        for role in _ROLES:
            entity_id = getattr(a, f"{role}_entity_id")
            if entity_id is not None:
                roles[f"{role}_entity_id"] = entity_id
            elif getattr(a, role):
                roles[role] = getattr(a, role)
        return roles

    @staticmethod
    def _key(label_id: int, start: int | None, end: int | None, roles: dict[str, Any]) -> tuple:
        return label_id, start, end, tuple(sorted((k, fold(v) if isinstance(v, str) else v) for k, v in roles.items()))


def _choice(value: Any) -> int | str:
    code = as_code(value)
    return code if code is not None else str(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
