"""A coder's project file, read for merging: opened read-only, its codebook in memory, and the
codebook checked against the project's before anything is written.

A conflict is a codebook difference no mapping can bridge: a label whose name the project
uses in another layer (or for a group), an attribute or variable of another type, a choice
code that means another choice. Names are compared as the codebook compares them (labels
and attributes case aside, variables folded). What the project merely lacks (a label, an
attribute, a choice, a variable) is not a conflict: it is added, as the coder's codebook
grew while they coded and their codes need it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LAYER_NAMES
from annotator.core.store import lock, schema


class MergeConflict(ProjectError):
    """A coder's file contradicts the project (its codebook, or a coder's name); nothing was merged."""


@dataclass
class LabelDef:
    id: int
    name: str
    layer: str
    key: str | None
    color: str
    description: str
    parent_id: int | None
    is_group: bool
    memo: str


@dataclass
class AttributeDef:
    id: int
    label_id: int
    name: str
    kind: str
    choices: list[str]
    required: bool
    description: str


@dataclass
class VariableDef:
    id: int
    name: str
    question: str
    kind: str
    level: str
    required: bool
    choices: list[tuple[int, str]]  # (code, label) in scale order


@dataclass
class CoderFile:
    """What merge reads of one coder's file: its codebook, registry, coders and documents' hashes."""

    path: Path
    conn: sqlite3.Connection
    labels: dict[int, LabelDef] = field(default_factory=dict)
    attributes: dict[int, AttributeDef] = field(default_factory=dict)
    variables: dict[int, VariableDef] = field(default_factory=dict)
    coders: dict[int, str] = field(default_factory=dict)
    gold: set[int] = field(default_factory=set)  # the ids of its gold layer (adjudicated codes), if it has one

    def close(self) -> None:
        self.conn.close()


def open_coder_file(path: str | Path, project_path: Path | None) -> CoderFile:
    """Open a coder's file for reading, or a ProjectError saying why it cannot be merged; project_path is the
    project's own file, None for a shared project."""
    path = Path(path)
    if not path.is_file():
        raise ProjectError(f"There is no file {path}; give the coder's .annotator file.")
    if project_path is not None and path.resolve() == Path(project_path).resolve():
        raise ProjectError(f"{path.name} is the project itself; give a coder's file to merge into it.")
    try:
        conn = sqlite3.connect(lock.read_only_uri(path), uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path} cannot be read ({exc}).") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != schema.APPLICATION_ID:
            raise ProjectError(f"{path} is not an Annotator project; give the coder's .annotator file.")
        found = schema.check_version(conn)
        if found != schema.SCHEMA_VERSION:
            raise ProjectError(f"{path.name} was saved by an older Annotator (schema {found}); open it once in "
                               "this Annotator to bring it up to date, then merge it.")
        coder_file = CoderFile(path, conn)
        _read_codebook(coder_file)
        return coder_file
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(f"{path} is not an Annotator project or is damaged ({exc}).") from exc
    except BaseException:
        conn.close()
        raise


def _read_codebook(f: CoderFile) -> None:
    conn = f.conn
    for row in conn.execute("SELECT id, name, layer, key, color, coalesce(description, ''), parent_id, is_group, "
                            "memo FROM labels ORDER BY id"):
        f.labels[row[0]] = LabelDef(*row[:7], bool(row[7]), row[8])
    for row in conn.execute("SELECT id, label_id, name, kind, choices, required, coalesce(description, '') "
                            "FROM label_attributes ORDER BY label_id, sort_order, id"):
        f.attributes[row[0]] = AttributeDef(row[0], row[1], row[2], row[3], list(json.loads(row[4] or "[]")),
                                            bool(row[5]), row[6])
    for row in conn.execute("SELECT id, name, question, kind, level, required FROM variables ORDER BY sort_order, id"):
        f.variables[row[0]] = VariableDef(*row[:5], bool(row[5]), [])
    for variable_id, code, label in conn.execute(
            "SELECT variable_id, code, label FROM variable_choices ORDER BY variable_id, sort_order, code"):
        f.variables[variable_id].choices.append((code, label))
    for coder_id, name, kind in conn.execute("SELECT id, name, kind FROM coders"):
        f.coders[coder_id] = name
        if kind == "gold":
            f.gold.add(coder_id)


# -- the project's codebook as merging sees it, growing with each file's additions ----------------


@dataclass
class Codebook:
    """The project's labels, attributes and variables by name, plus what earlier files would add."""

    labels: dict[str, LabelDef]  # casefolded name ->
    attributes: dict[tuple[str, str], AttributeDef]  # (label name, attribute name) casefolded ->
    variables: dict[str, VariableDef]  # folded name ->

    @classmethod
    def of_project(cls, conn: sqlite3.Connection) -> "Codebook":
        snapshot = CoderFile(Path(), conn)
        _read_codebook(snapshot)
        return cls.of(snapshot)

    @classmethod
    def of(cls, f: CoderFile) -> "Codebook":
        labels = {label.name.casefold(): label for label in f.labels.values()}
        attributes = {(f.labels[a.label_id].name.casefold(), a.name.casefold()): a for a in f.attributes.values()}
        variables = {fold(v.name): v for v in f.variables.values()}
        return cls(labels, attributes, variables)


def conflicts(book: Codebook, f: CoderFile) -> list[str]:
    """Every way f's codebook contradicts book (the project's, with earlier files' additions); adds the rest to book."""
    found: list[str] = []
    name = f.path.name
    for label in f.labels.values():
        mine = book.labels.get(label.name.casefold())
        if mine is None:
            book.labels[label.name.casefold()] = label
        elif mine.layer != label.layer:
            found.append(f"the label {label.name!r} is in the {LAYER_NAMES.get(label.layer, label.layer)} layer in "
                         f"{name} but in the {LAYER_NAMES.get(mine.layer, mine.layer)} layer in the project")
        elif mine.is_group != label.is_group:
            found.append(f"{label.name!r} is a {'group' if label.is_group else 'label'} in {name} but a "
                         f"{'group' if mine.is_group else 'label'} in the project")
    for attribute in f.attributes.values():
        owner = f.labels[attribute.label_id].name
        key = (owner.casefold(), attribute.name.casefold())
        mine = book.attributes.get(key)
        if mine is None:
            book.attributes[key] = AttributeDef(**{**attribute.__dict__, "choices": list(attribute.choices)})
        elif mine.kind != attribute.kind:
            found.append(f"the attribute {attribute.name!r} of {owner!r} is a {attribute.kind} in {name} but a "
                         f"{mine.kind} in the project")
        else:
            known = {choice.casefold() for choice in mine.choices}
            mine.choices.extend(choice for choice in attribute.choices if choice.casefold() not in known)
    for variable in f.variables.values():
        mine = book.variables.get(fold(variable.name))
        if mine is None:
            book.variables[fold(variable.name)] = VariableDef(**{**variable.__dict__,
                                                                 "choices": list(variable.choices)})
            continue
        if mine.kind != variable.kind:
            found.append(f"the variable {variable.name!r} is {variable.kind.replace('_', ' ')} in {name} but "
                         f"{mine.kind.replace('_', ' ')} in the project")
            continue
        found.extend(_choice_conflicts(mine, variable, name))
    return found


def _choice_conflicts(mine: VariableDef, theirs: VariableDef, name: str) -> list[str]:
    found = []
    by_code = dict(mine.choices)
    by_label = {label.casefold(): code for code, label in mine.choices}
    for code, label in theirs.choices:
        if code in by_code and by_code[code].casefold() != label.casefold():
            found.append(f"choice {code} of {theirs.name!r} means {label!r} in {name} but {by_code[code]!r} in "
                         "the project")
        elif code not in by_code and label.casefold() in by_label:
            found.append(f"{label!r} of {theirs.name!r} is choice {code} in {name} but choice "
                         f"{by_label[label.casefold()]} in the project")
        elif code not in by_code:
            mine.choices.append((code, label))
            by_code[code], by_label[label.casefold()] = label, code
    return found


def refuse(found: list[str]) -> None:
    if found:
        shown = "; ".join(found[:8]) + (f"; and {len(found) - 8} more" if len(found) > 8 else "")
        raise MergeConflict(f"The files conflict with the project, so nothing was merged: {shown}. Make the coder's "
                            "file agree with the project (rename the label, variable or coder in one of them), then "
                            "merge again.")
