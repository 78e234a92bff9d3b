"""Take a coder's work back: merge coders' project files (made by handout, or any project) into the project.

Each file's codes come in as the coder who made them, by the names in that file: its
annotations (whole-document codes too) with their attribute values and entity links, its
codesheet answers and coded marks. Documents are matched by their text (its sha256, with
the twin number telling copies of one text apart); labels and attributes by name, labels
in their layer; variables by name and their choices by code; entities by name (or alias)
within their type. Everything is checked before anything is written (coder_files.conflicts):
a conflicting codebook refuses the whole merge and changes nothing. What the project lacks
is added: labels, attributes, choices, variables and entities the coder's codes need (their
codebook grew while they coded), and documents that carry the coder's codes (a coder who
imported an article and coded it should not lose that work). A document the project lacks
and nobody coded is corpus, not work: it is left out and counted.

Merging is idempotent. An annotation is the same annotation when the same coder put the
same label on the same span of the same document with the same roles (entity link, claim
source, stance target and holder, cue): that is what the coder decided, while its note,
attribute values and timestamps are details of it. Such annotations are counted with
their multiplicity, so a file holding two identical annotations brings two, and merging it
again brings none. An answer is one per (document, variable, coder): an equal one is
already there; a different one is replaced unless the project's is the newer (the coder
changed their mind and handed the file in again; times are to the second, so a tie goes to
the coder's own file). A coded mark is there or not. So merging a file
twice, or a later copy of it, adds only what is new. What it does not do: take away an
annotation the coder deleted after an earlier merge, or change the note or attribute values
of one merged before (the project may have been adjudicated since).

All files of one merge are one edit (one transaction): undoing it takes every code back out;
documents it added stay, as imported ones do.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.coding.coders import clean_coder_name
from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LAYER_NAMES
from annotator.core.common.names import shown_text
from annotator.core.common.protocols import ProjectLike
from annotator.core.search.index import add_to_index
from annotator.core.store.database import Change, ChangeKind
from annotator.core.store.ids import id_source
from annotator.core.team.coder_files import (
    Codebook,
    CoderFile,
    conflicts,
    open_coder_file,
    refuse,
)

# What makes two annotations the same coding (see the module's docstring), after the coder and document.
_IDENTITY = ("label_id", "span_start", "span_end", "target", "entity_id", "source_entity_id", "source",
             "target_entity_id", "holder_entity_id", "holder", "cue_start", "cue_end")
_ANNOTATION = ("document_id", *_IDENTITY, "text", "note", "annotator", "created_at", "updated_at", "coder_id")
_ENTITY_COLUMNS = ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id")


@dataclass
class CoderReport:
    """What one coder's merge brought: counts of what came in and of what was there already."""

    name: str
    annotations: int = 0
    annotations_present: int = 0
    attribute_values: int = 0
    answers: int = 0
    answers_updated: int = 0
    answers_present: int = 0
    marks: int = 0
    marks_present: int = 0
    documents: set[int] = field(default_factory=set)  # the project's documents that received something

    def line(self) -> str:
        came = [_count(self.annotations, "annotation"), _count(self.attribute_values, "attribute value"),
                _count(self.answers, "answer"), _count(self.marks, "coded mark")]
        if self.answers_updated:
            came.append(f"{_count(self.answers_updated, 'answer')} updated")
        present = self.annotations_present + self.answers_present + self.marks_present
        text = f"{shown_text(self.name)}: {', '.join(came)} in {_count(len(self.documents), 'document')}"
        if present:
            text += (f"; already present: {_count(self.annotations_present, 'annotation')}, "
                     f"{_count(self.answers_present, 'answer')}, {_count(self.marks_present, 'coded mark')}")
        return text + "."


@dataclass
class MergeReport:
    files: list[Path]
    coders: dict[str, CoderReport] = field(default_factory=dict)  # by coder name, in the order they came
    codebook_added: list[str] = field(default_factory=list)  # e.g. "label Irony (Stance)"
    entities_added: int = 0
    documents_added: list[str] = field(default_factory=list)  # titles of coded documents the project lacked
    documents_left_out: int = 0  # documents the project lacks that carry no code

    def coder(self, name: str) -> CoderReport:
        return self.coders.setdefault(name, CoderReport(name))

    @property
    def changed(self) -> bool:
        return bool(self.codebook_added or self.entities_added or self.documents_added or any(
            r.annotations or r.answers or r.answers_updated or r.marks for r in self.coders.values()))

    def lines(self) -> list[str]:
        out = [report.line() for report in self.coders.values()] or ["The files hold no coders' codes."]
        if self.codebook_added:
            out.append(f"Added to the codebook: {shown_text(', '.join(self.codebook_added))}.")
        if self.entities_added:
            out.append(f"Added {_count(self.entities_added, 'entity', 'entities')} to the registry.")
        if self.documents_added:
            shown = ", ".join(shown_text(title) for title in self.documents_added[:5]) + (" ..." if len(self.documents_added) > 5 else "")
            out.append(f"Added {_count(len(self.documents_added), 'coded document')} the project lacked: {shown}.")
        if self.documents_left_out:
            out.append(f"Left out {_count(self.documents_left_out, 'uncoded document')} the project lacks.")
        if not self.changed:
            out.append("Nothing new: everything in these files was merged before.")
        return out


def merge(project: ProjectLike, paths: Iterable[str | os.PathLike]) -> MergeReport:
    """Merge coders' files into the project as one edit; refuse (changing nothing) when any file cannot merge."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ProjectError("Give at least one coder's .annotator file to merge.")
    files: list[CoderFile] = []
    try:
        for path in paths:
            # A shared project is no file here: a coder's file may bear its database's name.
            files.append(open_coder_file(path, project.path if project.store.engine == "sqlite" else None))
        book = Codebook.of_project(project.store.conn)
        found: list[str] = []
        for f in files:
            found.extend(conflicts(book, f))
            found.extend(_coder_conflicts(project, f))
        refuse(found)
        report = MergeReport(paths)
        with project.store.write():
            for f in files:
                _Merge(project, f, report).run()
        return report
    finally:
        for f in files:
            f.close()


def _coder_conflicts(project: ProjectLike, f: CoderFile) -> list[str]:
    """A coder's name that cannot be a coder here: not a name at all, or the project's gold layer's."""
    found = []
    layer = project.coders.gold()
    gold = layer.name if layer is not None else None  # without one yet, a person may be called gold
    for coder_id, name in f.coders.items():
        if coder_id in f.gold:
            continue  # the file's adjudicated codes go to the project's gold layer
        try:
            clean_coder_name(name)
        except ProjectError as exc:
            found.append(f"{f.path.name} has a coder named {name!r} ({exc})")
            continue
        if gold is not None and fold(name) == fold(gold):
            found.append(f"{f.path.name} has a coder named {name!r}, the name of the project's gold layer "
                         "(rename the coder in their file)")
    return found


class _Merge:
    """One file's merge, inside the caller's write: map its ids to the project's, then copy what is new."""

    def __init__(self, project: ProjectLike, f: CoderFile, report: MergeReport):
        self.project, self.f, self.report = project, f, report
        self.db = project.store.conn
        self.labels: dict[int, int] = {}
        self.attributes: dict[int, int] = {}
        self.variables: dict[int, int] = {}
        self.entities: dict[int, int] = {}
        self.coders: dict[object, int] = {}  # the file's coder id (or the name signed, without one) -> the project's
        self._reports: dict[int, CoderReport] = {}  # by the project's coder id
        self.documents: dict[int, int] = {}
        self._codebook_touched = False

    def run(self) -> None:
        self._map_labels()
        self._map_attributes()
        self._map_variables()
        self._map_entities()
        self._map_documents()
        self._merge_annotations()
        self._merge_answers()
        self._merge_marks()
        if self._codebook_touched:
            self.project.store.notify(Change(ChangeKind.CODEBOOK_CHANGED))

    # -- the codebook ------------------------------------------------------------------------

    def _map_labels(self) -> None:
        mine = {name.casefold(): label_id for label_id, name in self.db.execute("SELECT id, name FROM labels")}
        keys = {key for (key,) in self.db.execute("SELECT key FROM labels WHERE key IS NOT NULL")}
        pending = list(self.f.labels.values())
        while pending:  # a group before what it holds
            later = []
            for label in pending:
                if label.parent_id is not None and label.parent_id not in self.labels:
                    later.append(label)
                    continue
                found = mine.get(label.name.casefold())
                if found is None:
                    found = self._add_label(label, None if label.key in keys else label.key)
                    mine[label.name.casefold()] = found
                    keys.add(label.key)
                self.labels[label.id] = found
            if len(later) == len(pending):  # a parent loop in a damaged file: add the rest at the top
                for label in later:
                    label.parent_id = None
            pending = later

    def _add_label(self, label, key: str | None) -> int:
        parent = self.labels.get(label.parent_id) if label.parent_id is not None else None
        order = self.db.execute("SELECT coalesce(max(sort_order) + 1, 0) FROM labels WHERE layer = ? AND "
                                "parent_id IS ?", (label.layer, parent)).fetchone()[0]
        new_id = self.db.execute(
            "INSERT INTO labels(name, layer, key, color, description, sort_order, parent_id, is_group, memo) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (label.name, label.layer, key, label.color, label.description, order, parent, int(label.is_group),
             label.memo)).lastrowid
        kind = "group" if label.is_group else "label"
        self._added(f"{kind} {label.name} ({LAYER_NAMES.get(label.layer, label.layer)})")
        return new_id

    def _map_attributes(self) -> None:
        import json

        mine = {(label_id, name.casefold()): (attribute_id, json.loads(choices or "[]"))
                for attribute_id, label_id, name, choices in
                self.db.execute("SELECT id, label_id, name, choices FROM label_attributes")}
        for attribute in self.f.attributes.values():
            label_id = self.labels[attribute.label_id]
            found = mine.get((label_id, attribute.name.casefold()))
            if found is None:
                order = sum(1 for key in mine if key[0] == label_id)
                new_id = self.db.execute(
                    "INSERT INTO label_attributes(label_id, name, kind, choices, required, description, sort_order) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (label_id, attribute.name, attribute.kind, json.dumps(attribute.choices, ensure_ascii=False),
                     int(attribute.required), attribute.description, order)).lastrowid
                mine[label_id, attribute.name.casefold()] = (new_id, list(attribute.choices))
                self.attributes[attribute.id] = new_id
                self._added(f"attribute {attribute.name} of {self.f.labels[attribute.label_id].name}")
                continue
            attribute_id, choices = found
            known = {choice.casefold() for choice in choices}
            extra = [choice for choice in attribute.choices if choice.casefold() not in known]
            if extra:
                choices.extend(extra)
                self.db.execute("UPDATE label_attributes SET choices = ? WHERE id = ?",
                                (json.dumps(choices, ensure_ascii=False), attribute_id))
                self._added(f"{_count(len(extra), 'choice')} of {attribute.name}")
            self.attributes[attribute.id] = attribute_id

    def _map_variables(self) -> None:
        mine = {fold(name): variable_id for variable_id, name in self.db.execute("SELECT id, name FROM variables")}
        for variable in self.f.variables.values():
            found = mine.get(fold(variable.name))
            if found is None:
                order = len(mine)
                found = self.db.execute(
                    "INSERT INTO variables(name, question, kind, level, required, sort_order) VALUES (?, ?, ?, ?, ?, ?)",
                    (variable.name, variable.question, variable.kind, variable.level, int(variable.required),
                     order)).lastrowid
                mine[fold(variable.name)] = found
                self._added(f"variable {variable.name}")
            codes = {code for (code,) in self.db.execute("SELECT code FROM variable_choices WHERE variable_id = ?",
                                                         (found,))}
            extra = [(code, label) for code, label in variable.choices if code not in codes]
            if extra:  # conflicts() made sure no code or label means something else
                first = len(codes)
                self.db.executemany("INSERT INTO variable_choices(variable_id, code, label, sort_order) "
                                    "VALUES (?, ?, ?, ?)",
                                    [(found, code, label, first + n) for n, (code, label) in enumerate(extra)])
                if codes:
                    self._added(f"{_count(len(extra), 'choice')} of {variable.name}")
            self.variables[variable.id] = found

    def _added(self, what: str) -> None:
        self.report.codebook_added.append(what)
        self._codebook_touched = True

    # -- the registry, the coders and the documents --------------------------------------------

    def _map_entities(self) -> None:
        mine: dict[tuple[int, str], int] = {}
        for entity_id, label_id, folded in self.db.execute(
                "SELECT a.entity_id, e.label_id, a.folded FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"):
            mine.setdefault((label_id, folded), entity_id)
        for entity_id, label_id, folded in self.db.execute("SELECT id, label_id, folded FROM entities ORDER BY id"):
            mine[label_id, folded] = entity_id  # a name wins over another entity's alias
        aliases: dict[int, list[tuple[str, str]]] = {}
        for entity_id, alias, folded in self.f.conn.execute("SELECT entity_id, alias, folded FROM entity_aliases"):
            aliases.setdefault(entity_id, []).append((alias, folded))
        added = 0
        for entity_id, name, folded, label_id, external_id, memo, created_at in self.f.conn.execute(
                "SELECT id, name, folded, label_id, external_id, memo, created_at FROM entities ORDER BY id"):
            label_id = self.labels[label_id]
            found = mine.get((label_id, folded))
            if found is None:
                found = self.db.execute(
                    "INSERT INTO entities(name, folded, label_id, external_id, memo, created_at) VALUES "
                    "(?, ?, ?, ?, ?, ?)", (name, folded, label_id, external_id or "", memo or "", created_at)).lastrowid
                self.db.executemany("INSERT OR IGNORE INTO entity_aliases(entity_id, alias, folded) VALUES (?, ?, ?)",
                                    [(found, alias, alias_folded) for alias, alias_folded in aliases.get(entity_id, [])])
                mine[label_id, folded] = found
                added += 1
            self.entities[entity_id] = found
        if added:
            self.report.entities_added += added
            self.project.store.notify(Change(ChangeKind.ENTITIES_CHANGED))

    def _coder(self, coder_id: int | None, signed: str) -> int:
        """The project's id for a coder of the file; an annotation with no coder (older files) is its signer's."""
        key = coder_id if coder_id is not None else ("signed", signed)
        if key not in self.coders:
            name = self.f.coders.get(coder_id) if coder_id is not None else None
            self.coders[key] = self.project.coders.gold_id(self.db) if coder_id in self.f.gold else \
                self.project.coders.id_for(self.db, name or signed)
        return self.coders[key]

    def _coder_report(self, coder_id: int) -> CoderReport:
        report = self._reports.get(coder_id)
        if report is None:
            report = self._reports[coder_id] = self.report.coder(self.project.coders.get(coder_id).name)
        return report

    def _map_documents(self) -> None:
        mine: dict[str, dict[int, int]] = {}
        for doc_id, sha256, twin in self.db.execute("SELECT id, sha256, twin FROM documents"):
            mine.setdefault(sha256, {})[twin] = doc_id
        coded = {doc_id for (doc_id,) in self.f.conn.execute(
            "SELECT document_id FROM annotations UNION SELECT document_id FROM variable_values "
            "UNION SELECT document_id FROM coded_documents")}
        for doc_id, sha256, twin in self.f.conn.execute("SELECT id, sha256, twin FROM documents ORDER BY id"):
            twins = mine.get(sha256)
            if twins:
                self.documents[doc_id] = twins.get(twin, twins[min(twins)])
            elif doc_id in coded:
                self.documents[doc_id] = self._add_document(doc_id)
                mine[sha256] = {0: self.documents[doc_id]}
            else:
                self.report.documents_left_out += 1

    def _add_document(self, doc_id: int) -> int:
        title, source, sha256, encoding, imported_at, text, refi_guid = self.f.conn.execute(
            "SELECT title, source, sha256, encoding, imported_at, text, refi_guid FROM documents WHERE id = ?",
            (doc_id,)).fetchone()
        new_id = self.db.execute(
            "INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text, refi_guid) "
            "VALUES (?, ?, ?, ?, ?, 'todo', ?, ?)",
            (title, source or "", sha256, encoding or "", imported_at, text, refi_guid or "")).lastrowid
        add_to_index(self.db, [(new_id, title, text)])
        self.db.executemany("INSERT INTO document_metadata(document_id, key, value) VALUES (?, ?, ?)",
                            [(new_id, key, value) for key, value in self.f.conn.execute(
                                "SELECT key, value FROM document_metadata WHERE document_id = ?", (doc_id,))])
        self.report.documents_added.append(title)
        self.project.store.notify(Change(ChangeKind.DOCUMENTS_ADDED, document_id=new_id))
        return new_id

    # -- the codes -------------------------------------------------------------------------------

    def _merge_annotations(self) -> None:
        columns = ", ".join(_ANNOTATION)
        incoming = self.f.conn.execute(f"SELECT id, {columns} FROM annotations ORDER BY id").fetchall()
        at = {column: n for n, column in enumerate(_ANNOTATION)}
        for row in incoming:  # coders first, so the project's rows of theirs can be counted
            self._coder(row[1 + at["coder_id"]], row[1 + at["annotator"]])
        present = self._present_annotations(set(self.coders.values()))
        values = self._incoming_values()
        spellings = self._choice_spellings()
        identity = [at[column] for column in _IDENTITY]
        entity_columns = [at[column] for column in _ENTITY_COLUMNS]
        # Ids given here rather than by the database, so the rows and their values go in as two batches.
        new_annotation_id = id_source(self.db, "annotations")
        rows, given, added = [], [], []
        for old_id, *fields in incoming:
            coder_id = fields[at["coder_id"]] = self._coder(fields[at["coder_id"]], fields[at["annotator"]])
            doc_id = fields[at["document_id"]] = self.documents[fields[at["document_id"]]]
            fields[at["label_id"]] = self.labels[fields[at["label_id"]]]
            for n in entity_columns:
                if fields[n] is not None:
                    fields[n] = self.entities.get(fields[n])
            report = self._coder_report(coder_id)
            key = (coder_id, doc_id, *(fields[n] for n in identity))
            if present[key] > 0:
                present[key] -= 1
                report.annotations_present += 1
                continue
            new_id = new_annotation_id()
            rows.append((new_id, *fields))
            for attribute_id, value in values.get(old_id, ()):
                attribute_id = self.attributes[attribute_id]
                given.append((new_id, attribute_id, spellings.get((attribute_id, value.casefold()), value)))
                report.attribute_values += 1
            report.annotations += 1
            report.documents.add(doc_id)
            added.append((doc_id, new_id))
        self.db.executemany(f"INSERT INTO annotations(id, {columns}) VALUES ({', '.join('?' * (len(_ANNOTATION) + 1))})",
                            rows)
        self.db.executemany("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)", given)
        for doc_id, new_id in added:
            self.project.store.notify(Change(ChangeKind.ANNOTATION_ADDED, doc_id, new_id))

    def _present_annotations(self, coder_ids: set[int]) -> Counter:
        present: Counter = Counter()
        identity = ", ".join(_IDENTITY)
        for coder_id in coder_ids:
            for row in self.db.execute(f"SELECT coder_id, document_id, {identity} FROM annotations WHERE coder_id = ?",
                                       (coder_id,)):
                present[tuple(row)] += 1
        return present

    def _incoming_values(self) -> dict[int, list[tuple[int, str]]]:
        values: dict[int, list[tuple[int, str]]] = {}
        for annotation_id, attribute_id, value in self.f.conn.execute(
                "SELECT annotation_id, attribute_id, value FROM annotation_values ORDER BY annotation_id, attribute_id"):
            values.setdefault(annotation_id, []).append((attribute_id, value))
        return values

    def _choice_spellings(self) -> dict[tuple[int, str], str]:
        """A choice value as the project spells it, by (attribute, casefolded value)."""
        import json

        spellings = {}
        for attribute_id, choices in self.db.execute("SELECT id, choices FROM label_attributes WHERE kind = 'choice'"):
            for choice in json.loads(choices or "[]"):
                spellings.setdefault((attribute_id, choice.casefold()), choice)
        return spellings

    def _merge_answers(self) -> None:
        incoming = [(self.documents[doc_id], self.variables[variable_id], self._coder(coder_id, ""), value, stamp)
                    for doc_id, variable_id, coder_id, value, stamp in self.f.conn.execute(
                        "SELECT document_id, variable_id, coder_id, value, updated_at FROM variable_values "
                        "ORDER BY document_id, variable_id, coder_id")]
        present = {}
        for coder_id in {row[2] for row in incoming}:
            present.update(((doc_id, variable_id, coder_id), (value, stamp)) for doc_id, variable_id, value, stamp in
                           self.db.execute("SELECT document_id, variable_id, value, updated_at FROM variable_values "
                                           "WHERE coder_id = ?", (coder_id,)))
        inserts, updates, touched = [], [], set()
        for doc_id, variable_id, coder_id, value, stamp in incoming:
            report = self._coder_report(coder_id)
            found = present.get((doc_id, variable_id, coder_id))
            if found is None:
                inserts.append((doc_id, variable_id, coder_id, value, stamp))
                report.answers += 1
            elif found[0] != value and stamp >= found[1]:
                updates.append((value, stamp, doc_id, variable_id, coder_id))
                report.answers_updated += 1
            else:
                report.answers_present += 1
                continue
            report.documents.add(doc_id)
            touched.add(doc_id)
        self.db.executemany("INSERT INTO variable_values(document_id, variable_id, coder_id, value, updated_at) "
                            "VALUES (?, ?, ?, ?, ?)", inserts)
        self.db.executemany("UPDATE variable_values SET value = ?, updated_at = ? WHERE document_id = ? AND "
                            "variable_id = ? AND coder_id = ?", updates)
        self._codesheet_changed(touched)

    def _merge_marks(self) -> None:
        incoming = [(self.documents[doc_id], self._coder(coder_id, ""), coded_at) for doc_id, coder_id, coded_at in
                    self.f.conn.execute("SELECT document_id, coder_id, coded_at FROM coded_documents "
                                        "ORDER BY document_id, coder_id")]
        present = set()
        for coder_id in {row[1] for row in incoming}:
            present.update((doc_id, coder_id) for (doc_id,) in self.db.execute(
                "SELECT document_id FROM coded_documents WHERE coder_id = ?", (coder_id,)))
        inserts, touched = [], set()
        for doc_id, coder_id, coded_at in incoming:
            report = self._coder_report(coder_id)
            if (doc_id, coder_id) in present:
                report.marks_present += 1
                continue
            present.add((doc_id, coder_id))
            inserts.append((doc_id, coder_id, coded_at))
            report.marks += 1
            report.documents.add(doc_id)
            touched.add(doc_id)
        self.db.executemany("INSERT INTO coded_documents(document_id, coder_id, coded_at) VALUES (?, ?, ?)", inserts)
        self._codesheet_changed(touched)

    def _codesheet_changed(self, documents: set[int]) -> None:
        for doc_id in sorted(documents):
            self.project.store.notify(Change(ChangeKind.CODESHEET_CHANGED, doc_id))


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"
