"""Codebook files: the rules every entry follows, and JSON export and import so a team shares one codebook.

The format is documented in resources/codebook-format.md. Version 2 nests groups
and labels and carries keys, colours, descriptions, memos and typed attributes;
version 3 adds the codesheet's document variables. A codebook without variables
is still written as version 2, so an older Annotator reads it; version 1 files
(flat labels with keys) still read. Import merges labels and variables by name
and is all or nothing: every refusal comes before the first change, and a
problem found halfway rolls the whole import back.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.common.errors import ProjectError
from annotator.core.coding.variables import CHOICE_KINDS, clean_variable
from annotator.core.common.model import ATTRIBUTE_KINDS, LAYER_NAMES, LAYERS, VARIABLE_KIND_NAMES, Attribute, Label, \
    Variable
from annotator.core.common.partial_files import atomic_output
from annotator.core.common.protocols import ProjectLike

FORMAT = "annotator-codebook"
VERSION = 3  # with document variables; without them a file is written as version 2
READS = (1, 2, 3)
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
GROUP_COLOR = "#A0A0A0"


# -- the rules an entry follows, shared by edits and codebook files -------------------------


def clean_name(name: object, what: str = "A label") -> str:
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned:
        raise ProjectError(f"{what} has no name; give it one.")
    return cleaned


def clean_key(key: object, name: str) -> str | None:
    """A one-character key (stored upper case), or None for no key."""
    if key is None or key == "":
        return None
    if not isinstance(key, str) or len(key) != 1 or not key.isalnum() or not key.isascii():
        raise ProjectError(f"Label {name!r} needs a one-character key (a letter or digit), not {key!r}.")
    return key.upper()


def clean_color(color: object, name: str) -> str:
    if not isinstance(color, str) or not _COLOR.match(color):
        raise ProjectError(f"Label {name!r} has colour {color!r}; use #RRGGBB, e.g. #4E79A7.")
    return color.upper()


def clean_attribute(name: object, kind: object, choices: object = (), required: object = False,
                    description: object = "") -> dict:
    """An attribute definition as stored, or a ProjectError saying what to fix."""
    name = clean_name(name, "An attribute")
    if kind not in ATTRIBUTE_KINDS:
        raise ProjectError(f"Attribute {name!r} has kind {kind!r}; use one of {', '.join(ATTRIBUTE_KINDS)}.")
    if isinstance(choices, str) or not all(isinstance(c, str) for c in choices or ()):
        raise ProjectError(f"The choices of attribute {name!r} must be a list of words.")
    cleaned = [c for c in (" ".join(c.split()) for c in choices or ()) if c]
    if kind == "choice" and not cleaned:
        raise ProjectError(f"Attribute {name!r} is a choice list; give it at least one choice.")
    if kind != "choice" and cleaned:
        raise ProjectError(f"Only choice attributes have choices; {name!r} is a {kind} attribute.")
    folded = [c.casefold() for c in cleaned]
    if len(set(folded)) != len(folded):
        twice = next(c for c in cleaned if folded.count(c.casefold()) > 1)
        raise ProjectError(f"Attribute {name!r} lists the choice {twice!r} twice; keep one.")
    if not isinstance(required, bool) or not isinstance(description, str):
        raise ProjectError(f"Attribute {name!r}: required must be true or false, and the description text.")
    return {"name": name, "kind": kind, "choices": tuple(cleaned), "required": required,
            "description": description.strip()}


def stored_attribute(attribute: dict) -> tuple:
    """A clean_attribute dict as the label_attributes columns name, kind, choices, required, description."""
    return (attribute["name"], attribute["kind"], json.dumps(list(attribute["choices"]), ensure_ascii=False),
            int(attribute["required"]), attribute["description"])


def attribute_from_row(row: Any) -> Attribute:
    """An Attribute from id, label_id, name, kind, choices, required, description, sort_order."""
    return Attribute(row[0], row[1], row[2], row[3], tuple(json.loads(row[4] or "[]")), bool(row[5]), row[6], row[7])


# -- reading a codebook file -----------------------------------------------------------------


def default_codebook() -> dict:
    """The codebook new projects start with (resources/codebook.json)."""
    from importlib import resources  # ~3 ms of imports, which opening an existing project does without

    return json.loads(resources.files("annotator.resources").joinpath("codebook.json").read_text("utf-8"))


def validate_codebook(data: Any) -> list[dict]:
    """Flatten a codebook (format 1 or 2) into label rows in tree order, refusing anything ambiguous.

    Each row: name, layer, key, color, description, memo, is_group, parent (the
    group's name or None), sort_order, attributes (clean_attribute dicts).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectError(f"Not an Annotator codebook (missing format: {FORMAT}).")
    version = data.get("version", 1)
    if version not in READS:
        raise ProjectError(f"Codebook format version {version!r} is not one this Annotator reads (1, 2 or 3); "
                           "update Annotator or export the codebook again.")
    layers = data.get("layers", [])
    if not isinstance(layers, list):
        raise ProjectError("The codebook's layers must be a list.")
    rows: list[dict] = []
    names: dict[str, str] = {}
    keys: dict[str, str] = {}

    def visit(item: Any, layer: str, parent: str | None) -> None:
        if not isinstance(item, dict):
            raise ProjectError(f"Every entry in layer {layer} must be a label or a group, not {item!r}.")
        is_group = bool(item.get("group", False))
        name = clean_name(item.get("name"), f"A {'group' if is_group else 'label'} in layer {layer}")
        if name.casefold() in names:
            raise ProjectError(f"Two labels are named {name!r}; names must differ (ignoring case).")
        names[name.casefold()] = name
        key = clean_key(item.get("key"), name)
        if is_group and key is not None:
            raise ProjectError(f"Group {name!r} has a key; only labels have keys. Remove it.")
        if not is_group and key is None and version == 1:
            raise ProjectError(f"Label {name!r} needs a one-character key (a letter or digit).")
        if key in keys:
            raise ProjectError(f"Key {key} is used by both {keys[key]!r} and {name!r}.")
        if key is not None:
            keys[key] = name
        color = clean_color(item.get("color", GROUP_COLOR if is_group else None), name)
        description, memo = item.get("description", ""), item.get("memo", "")
        if not isinstance(description, str) or not isinstance(memo, str):
            raise ProjectError(f"The description and memo of {name!r} must be text.")
        attributes = item.get("attributes", [])
        if not isinstance(attributes, list) or (attributes and is_group):
            raise ProjectError(f"The attributes of {name!r} must be a list, and groups have none.")
        cleaned = []
        for attribute in attributes:
            if not isinstance(attribute, dict):
                raise ProjectError(f"Each attribute of {name!r} must be an object with a name and a kind.")
            field = clean_attribute(attribute.get("name"), attribute.get("kind"), attribute.get("choices", ()),
                                    attribute.get("required", False), attribute.get("description", ""))
            if any(field["name"].casefold() == other["name"].casefold() for other in cleaned):
                raise ProjectError(f"{name!r} has two attributes named {field['name']!r}.")
            cleaned.append(field)
        rows.append({"name": name, "layer": layer, "key": key, "color": color, "description": description.strip(),
                     "memo": memo, "is_group": is_group, "parent": parent, "sort_order": len(rows),
                     "attributes": cleaned})
        contents = item.get("labels", [])
        if not isinstance(contents, list) or (contents and not is_group):
            raise ProjectError(f"Only groups hold labels; mark {name!r} with \"group\": true or move its labels out.")
        for child in contents:
            visit(child, layer, name)

    for layer in layers:
        layer_id = layer.get("id") if isinstance(layer, dict) else None
        if layer_id not in LAYERS:
            raise ProjectError(f"Unknown layer {layer_id!r}; use one of {', '.join(LAYERS)}.")
        labels = layer.get("labels", [])
        if not isinstance(labels, list):
            raise ProjectError(f"The labels of layer {layer_id} must be a list.")
        for item in labels:
            visit(item, layer_id, None)
    return rows


def validate_variables(data: Any) -> list[dict]:
    """A codebook's document variables (format 3) as clean_variable rows in codesheet order; [] before format 3."""
    if not isinstance(data, dict) or data.get("version", 1) in (1, 2):
        return []
    entries = data.get("variables", [])
    if not isinstance(entries, list):
        raise ProjectError("The codebook's variables must be a list.")
    rows: list[dict] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ProjectError(f"Each variable must be an object with a name and a type, not {entry!r}.")
        row = clean_variable(entry.get("name"), entry.get("type"), question=entry.get("question", ""),
                             level=entry.get("level"), required=entry.get("required", False),
                             choices=entry.get("choices", []))
        if any(row["name"].casefold() == other["name"].casefold() for other in rows):
            raise ProjectError(f"Two variables are named {row['name']!r}; names must differ (ignoring case).")
        rows.append(row)
    return rows


def read_codebook_file(path: str | os.PathLike) -> list[dict]:
    """A codebook file's label rows, or a ProjectError naming the file, the problem and the fix."""
    return _read_codebook(path)[0]


def _read_codebook(path: str | os.PathLike) -> tuple[list[dict], list[dict]]:
    """A codebook file's label rows and variable rows, or a ProjectError naming the file, the problem and the fix."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProjectError(f"{path.name} is not UTF-8 text; a codebook is a JSON file. "
                           "Choose a codebook exported from Annotator.") from None
    except json.JSONDecodeError as exc:
        raise ProjectError(f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
                           "Fix the file or export the codebook again.") from None
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}. Check the file exists and may be read.") from None
    try:
        return validate_codebook(data), validate_variables(data)
    except ProjectError as exc:
        raise ProjectError(f"{path.name}: {exc} Fix the file and import it again; nothing was changed.") from None


# -- export ----------------------------------------------------------------------------------


def codebook_data(project: ProjectLike, name: str = "") -> dict:
    """The project's codebook as a format-2 document, or format 3 when it has document variables."""
    book = project.codebook

    def entry(label: Label) -> dict:
        item: dict[str, Any] = {"name": label.name}
        if label.is_group:
            item["group"] = True
        else:
            item["key"] = label.key
        item.update(color=label.color, description=label.description, memo=label.memo)
        if label.is_group:
            item["labels"] = [entry(child) for child in book.children(label.id)]
        else:
            item["attributes"] = [
                {"name": a.name, "kind": a.kind, "choices": list(a.choices), "required": a.required,
                 "description": a.description}
                for a in book.attributes(label.id)
            ]
        return item

    data: dict[str, Any] = {
        "format": FORMAT, "version": 2, "name": name or project.name,
        "layers": [{"id": layer, "name": LAYER_NAMES[layer],
                    "labels": [entry(label) for label in book.children(None, layer)]} for layer in LAYERS]}
    variables = project.variables.list()
    if variables:
        data.update(version=VERSION, variables=[variable_entry(v) for v in variables])
    return data


def variable_entry(variable: Variable) -> dict:
    """A document variable as a codebook file writes it."""
    entry: dict[str, Any] = {"name": variable.name, "question": variable.question, "type": variable.kind,
                             "level": variable.level, "required": variable.required}
    if variable.kind in CHOICE_KINDS:
        entry["choices"] = [{"code": c.code, "label": c.label} for c in variable.choices]
    return entry


def export_codebook(project: ProjectLike, path: str | os.PathLike) -> Path:
    """Write the codebook as JSON (format 2, or 3 with variables) for another project or a colleague to import."""
    path = Path(path)
    text = json.dumps(codebook_data(project), ensure_ascii=False, indent=2) + "\n"
    try:
        with atomic_output(path) as handle:  # never half a codebook under its name
            handle.write(text)
    except OSError as exc:
        raise ProjectError(f"Cannot write {path}: {exc.strerror or exc}. Choose another folder or file name.") from None
    return path


# -- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookImport:
    """What an import did: labels and groups added, updated and (replace only) removed."""

    added: int
    updated: int
    removed: int


def import_codebook(project: ProjectLike, path: str | os.PathLike, *, mode: str = "merge") -> CodebookImport:
    """Bring a codebook file into the project as one edit.

    merge: labels match by name (ignoring case); matches take the file's key,
    colour, description, memo, group and attributes (attributes match by name;
    none are deleted); new ones are added; nothing is deleted. replace: also
    deletes the labels the file does not have, which must be unused.
    Document variables match by name too: a match takes the file's question, level,
    required flag and choices (keeping its own choices the file lacks), new ones go
    at the end of the codesheet; replace deletes the unanswered ones the file lacks.
    A variable whose type differs from the file's while it has answers, or a choice
    code that means another label in the file, is refused.
    """
    if mode not in ("merge", "replace"):
        raise ProjectError(f"Unknown import mode {mode!r}; use merge or replace.")
    name = Path(path).name
    rows, variable_rows = _read_codebook(path)
    book = project.codebook
    current = book.labels()
    existing = {label.name.casefold(): label for label in current}
    in_file = {row["name"].casefold() for row in rows}
    leaving = [label for label in current if label.name.casefold() not in in_file] if mode == "replace" else []
    _refuse_conflicts(name, book, rows, existing, leaving, mode)
    variables = _variable_plan(name, project, variable_rows, mode)
    before = {label.id: (_shape(label), book.attributes(label.id)) for label in current}
    with project.store.write() as db:
        try:
            ids = _apply(book, rows, leaving)
            _apply_variables(project, db, variables)
        except ProjectError as exc:  # found halfway: the whole import rolls back
            raise ProjectError(f"{name}: {exc} Nothing was imported.") from None
    after = {label.id: label for label in book.labels()}  # read once: book.label() scans every label
    updated = sum(1 for label_id in ids.values() if label_id in before
                  and before[label_id] != (_shape(after[label_id]), book.attributes(label_id)))
    return CodebookImport(added=sum(1 for i in ids.values() if i not in before), updated=updated, removed=len(leaving))


def _refuse_conflicts(name: str, book: Any, rows: list[dict], existing: dict[str, Label],
                      leaving: list[Label], mode: str) -> None:
    for row in rows:
        old = existing.get(row["name"].casefold())
        if old is not None and old.layer != row["layer"]:
            raise ProjectError(f"{name}: {old.name!r} is a {LAYER_NAMES[old.layer]} label in this project but a "
                               f"{LAYER_NAMES[row['layer']]} label in the file. Rename one of them, then import again.")
        if old is not None and old.is_group != row["is_group"]:
            kinds = ("group", "label") if old.is_group else ("label", "group")
            raise ProjectError(f"{name}: {old.name!r} is a {kinds[0]} in this project but a {kinds[1]} in the file. "
                               "Rename one of them, then import again.")
    # Counted once for all: entities have no index by label, so a count per label read them all each time.
    annotations, entities = (book.usage_counts(), book.entity_counts()) if leaving else ({}, {})
    for label in leaving:
        used = annotations.get(label.id, 0) + entities.get(label.id, 0)
        if used:
            raise ProjectError(f"{name}: {label.name!r} is in use ({used} annotations or entities) and not in the "
                               "file. Merge instead of replacing, or move its annotations first.")
    # Labels the file does not mention keep their keys (merge), so the file may not give those keys away.
    in_file = {row["name"].casefold() for row in rows}
    owners = {label.key: label.name for fold, label in existing.items()
              if label.key and fold not in in_file and mode == "merge"}
    for row in rows:
        other = owners.get(row["key"]) if row["key"] else None
        if other is not None:
            raise ProjectError(f"{name}: key {row['key']} belongs to {other!r} in this project, but the file gives it "
                               f"to {row['name']!r}. Change one of the keys, then import again; nothing was changed.")


def _apply(book: Any, rows: list[dict], leaving: list[Label]) -> dict[str, int]:
    ids = book.merge_rows(rows, clear_keys=leaving)  # in one pass: an import edit grows with the labels only
    book.delete_unused(leaving)  # checked unused by _refuse_conflicts; set-based for the same reason
    return ids


def _shape(label: Label) -> tuple:
    return (label.name, label.key, label.color, label.description, label.memo, label.parent_id)


# -- document variables ------------------------------------------------------------------------


def _variable_plan(name: str, project: ProjectLike, rows: list[dict], mode: str) -> list[tuple[Variable | None, dict | None]]:
    """(existing variable or None, the row to store or None to delete) for each change, every refusal first."""
    current = project.variables.list()
    existing = {variable.name.casefold(): variable for variable in current}
    plan: list[tuple[Variable | None, dict | None]] = []
    for row in rows:
        old = existing.get(row["name"].casefold())
        if old is None:
            plan.append((None, row))
            continue
        if old.kind != row["kind"] and project.variables.answer_count(old.id):
            raise ProjectError(f"{name}: variable {old.name!r} is a {VARIABLE_KIND_NAMES[old.kind]} with answers here "
                               f"but a {VARIABLE_KIND_NAMES[row['kind']]} in the file. Rename one of them, then import "
                               "again; nothing was changed.")
        if old.kind == row["kind"] and old.kind in CHOICE_KINDS:
            for choice in row["choices"]:
                mine = old.label_of(choice.code)
                if mine is not None and mine != choice.label:
                    raise ProjectError(f"{name}: in variable {old.name!r}, code {choice.code} means {mine!r} here but "
                                       f"{choice.label!r} in the file. Make the codes agree, then import again; "
                                       "nothing was changed.")
            given = {choice.code for choice in row["choices"]}
            kept = [choice for choice in old.choices if choice.code not in given]
            try:
                row = clean_variable(row["name"], row["kind"], question=row["question"], level=row["level"],
                                     required=row["required"], choices=[*row["choices"], *kept])
            except ProjectError as exc:
                raise ProjectError(f"{name}: {exc} Nothing was changed.") from None
        try:
            project.variables.check_fits(old, row)
        except ProjectError as exc:
            raise ProjectError(f"{name}: {exc} Nothing was changed.") from None
        plan.append((old, row))
    if mode == "replace":
        in_file = {row["name"].casefold() for row in rows}
        for variable in current:
            if variable.name.casefold() in in_file:
                continue
            if project.variables.answer_count(variable.id):
                raise ProjectError(f"{name}: variable {variable.name!r} has answers and is not in the file. Merge "
                                   "instead of replacing, or remove it with its answers first.")
            plan.append((variable, None))
    return plan


def _apply_variables(project: ProjectLike, db: Any, plan: list[tuple[Variable | None, dict | None]]) -> None:
    variables = project.variables
    order = len(variables.list())
    for old, row in plan:
        if old is None:
            variables.insert(db, row, order)
            order += 1
        elif row is None:
            variables.remove(old.id)
        else:
            variables.store_definition(db, old.id, row)
    if plan:
        variables.touched()
