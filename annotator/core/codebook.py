"""The codebook: labels in layers, each with a one-key shortcut and a colour."""

from __future__ import annotations

import json
import re
from importlib import resources

from .errors import ProjectError
from .model import LAYERS, Label
from .store import Change, Store

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def default_codebook() -> dict:
    return json.loads(resources.files("annotator.resources").joinpath("codebook.json").read_text("utf-8"))


def validate_codebook(data: dict) -> list[dict]:
    """Flatten a codebook file into label rows, refusing anything ambiguous."""
    if data.get("format") != "annotator-codebook":
        raise ProjectError("Not an Annotator codebook (missing format: annotator-codebook).")
    rows, names, keys = [], {}, {}
    for layer in data.get("layers", []):
        layer_id = layer.get("id")
        if layer_id not in LAYERS:
            raise ProjectError(f"Unknown layer {layer_id!r}; use one of {', '.join(LAYERS)}.")
        for label in layer.get("labels", []):
            name, key, color = label.get("name", "").strip(), label.get("key", "").upper(), label.get("color", "")
            if not name:
                raise ProjectError(f"A label in layer {layer_id} has no name.")
            if len(key) != 1 or not key.isalnum():
                raise ProjectError(f"Label {name!r} needs a one-character key (a letter or digit).")
            if not _COLOR.match(color):
                raise ProjectError(f"Label {name!r} has colour {color!r}; use #RRGGBB.")
            if name.casefold() in names:
                raise ProjectError(f"Two labels are named {name!r}.")
            if key in keys:
                raise ProjectError(f"Key {key} is used by both {keys[key]!r} and {name!r}.")
            names[name.casefold()], keys[key] = name, name
            rows.append(
                {"name": name, "layer": layer_id, "key": key, "color": color.upper(),
                 "description": label.get("description", ""), "sort_order": len(rows)}
            )
    return rows


class Codebook:
    def __init__(self, store: Store):
        self._store = store
        self._cache: list[Label] | None = None
        store.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.kind == "codebook_changed":
            self._cache = None

    def install(self, data: dict) -> None:
        """Fill an empty project's codebook from a codebook file."""
        rows = validate_codebook(data)
        # Part of creating the project, not an edit anyone would undo.
        with self._store.write(undoable=False) as db:
            if db.execute("SELECT count(*) FROM labels").fetchone()[0]:
                raise ProjectError("This project already has a codebook.")
            db.executemany(
                "INSERT INTO labels(name, layer, key, color, description, sort_order) "
                "VALUES (:name, :layer, :key, :color, :description, :sort_order)",
                rows,
            )
            self._store.notify(Change("codebook_changed"))

    def labels(self) -> list[Label]:
        if self._cache is None:
            rows = self._store.query(
                "SELECT id, name, layer, key, color, description, sort_order, parent_id, is_group, memo "
                "FROM labels ORDER BY sort_order, id"
            )
            self._cache = [Label(*row[:8], bool(row[8]), row[9]) for row in rows]
        return list(self._cache)

    def label(self, label_id: int) -> Label:
        for label in self.labels():
            if label.id == label_id:
                return label
        raise KeyError(label_id)

    def by_key(self, key: str) -> Label | None:
        key = key.upper()
        return next((label for label in self.labels() if label.key == key), None)

    def by_name(self, name: str) -> Label | None:
        folded = name.casefold()
        return next((label for label in self.labels() if label.name.casefold() == folded), None)

    def in_layer(self, layer: str) -> list[Label]:
        return [label for label in self.labels() if label.layer == layer]
