"""The codebook: labels in layers, nested in groups, each with a key, a colour and typed attributes.

Each edit is one write (composite edits stay atomic) ending in a codebook_changed
event. Annotations hold a label's id, never its name, so renaming or moving keeps
them linked; deleting a label in use needs to be told where its annotations go.
"""

from __future__ import annotations

import json
from dataclasses import replace

from annotator.core.coding.codebook_files import (
    GROUP_COLOR,
    attribute_from_row,
    clean_attribute,
    clean_color,
    clean_key,
    clean_name,
    default_codebook,
    stored_attribute,
    validate_codebook,
)
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYER_NAMES, LAYERS, Attribute, Label
from annotator.core.store.database import Change, ChangeKind, Store, now

__all__ = ["Codebook", "default_codebook", "validate_codebook"]  # the last two live with the file format

# New labels take the first of these no other label uses, so they stand apart at once: the
# default codebook's colours, then four chosen to differ from all of them as clearly as they
# differ from each other (as highlights, CIEDE2000 of at least 8; tests/ui/test_palette.py).
PALETTE = ("#4879B0", "#F18B13", "#97BD79", "#B478BC", "#76B7B2", "#EDC948", "#A66C47", "#DC287A",
           "#F19B9E", "#149A16", "#D42024", "#8C8C8C", "#9043DC", "#02137C", "#1CB2EF", "#0DF2BB", "#74631E")
_LABEL_COLUMNS = "id, name, layer, key, color, description, sort_order, parent_id, is_group, memo"
_ATTRIBUTE_COLUMNS = "id, label_id, name, kind, choices, required, description, sort_order"


class Codebook:
    def __init__(self, store: Store):
        self._store = store
        self._cache: list[Label] | None = None
        store.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._cache = None

    def install(self, data: dict) -> None:
        """Fill an empty project's codebook from a codebook file."""
        rows = validate_codebook(data)
        # Part of creating the project, not an edit anyone would undo.
        with self._store.write(undoable=False) as db:
            if db.execute("SELECT count(*) FROM labels").fetchone()[0]:
                raise ProjectError("This project already has a codebook.")
            ids: dict[str, int] = {}
            for row in rows:
                ids[row["name"]] = label_id = self._insert_label(db, {**row, "parent_id": ids.get(row["parent"])})
                for order, attribute in enumerate(row["attributes"]):
                    self._insert_attribute(db, label_id, attribute, order)
            self._touched()

    # -- reading ---------------------------------------------------------------

    def labels(self) -> list[Label]:
        """Every label and group in tree order: layer by layer, each group followed by its contents."""
        # Inside a transaction the rows may differ from what the cache saw, and may
        # still roll back: read them fresh and keep nothing.
        in_transaction = self._store.conn.in_transaction
        if self._cache is not None and not in_transaction:
            return list(self._cache)
        rows = self._store.query(f"SELECT {_LABEL_COLUMNS} FROM labels ORDER BY sort_order, id")
        found = [Label(*row[:8], bool(row[8]), row[9]) for row in rows]
        children: dict[int | None, list[Label]] = {}
        for label in found:
            children.setdefault(label.parent_id, []).append(label)
        ordered: list[Label] = []

        def walk(label: Label) -> None:
            ordered.append(label)
            for child in children.get(label.id, ()):
                walk(child)

        for layer in LAYERS:
            for label in children.get(None, ()):
                if label.layer == layer:
                    walk(label)
        seen = {label.id for label in ordered}
        ordered += [label for label in found if label.id not in seen]  # only a hand-edited file gets here
        if not in_transaction:
            self._cache = ordered
        return list(ordered)

    def codable_labels(self) -> list[Label]:
        """The labels an analyst tags with (no groups), in tree order: for toolbars and keys."""
        return [label for label in self.labels() if not label.is_group]

    def label(self, label_id: int) -> Label:
        for label in self.labels():
            if label.id == label_id:
                return label
        raise KeyError(label_id)

    def by_key(self, key: str) -> Label | None:
        key = key.upper()
        return next((label for label in self.labels() if label.key == key), None)

    def by_name(self, name: str) -> Label | None:
        folded = " ".join(name.split()).casefold()
        return next((label for label in self.labels() if label.name.casefold() == folded), None)

    def in_layer(self, layer: str) -> list[Label]:
        """The codable labels of one layer (groups only organise them)."""
        return [label for label in self.codable_labels() if label.layer == layer]

    def children(self, parent_id: int | None, layer: str | None = None) -> list[Label]:
        """A group's contents, or with parent_id None the top level of a layer, in order."""
        return [label for label in self.labels()
                if label.parent_id == parent_id and (parent_id is not None or label.layer == layer)]

    def ancestors(self, label_id: int) -> list[Label]:
        """The groups a label sits in, outermost first."""
        chain, label = [], self.label(label_id)
        while label.parent_id is not None:
            label = self.label(label.parent_id)
            chain.insert(0, label)
        return chain

    def usage_count(self, label_id: int) -> int:
        """How many annotations use the label."""
        return self._store.conn.execute("SELECT count(*) FROM annotations WHERE label_id = ?", (label_id,)).fetchone()[0]

    def usage_counts(self) -> dict[int, int]:
        """Annotations per label id, in one query (labels nobody uses are absent)."""
        return dict(self._store.query("SELECT label_id, count(*) FROM annotations GROUP BY label_id"))

    def entity_count(self, label_id: int) -> int:
        """How many registry entities have the label as their type."""
        return self._store.conn.execute("SELECT count(*) FROM entities WHERE label_id = ?", (label_id,)).fetchone()[0]

    def entity_counts(self) -> dict[int, int]:
        """Registry entities per label id, in one query (labels no entity has are absent)."""
        return dict(self._store.query("SELECT label_id, count(*) FROM entities GROUP BY label_id"))

    # -- label edits -------------------------------------------------------------

    def add_label(self, name: str, layer: str, *, key: str | None = None, color: str | None = None,
                  description: str = "", memo: str = "", parent_id: int | None = None,
                  index: int | None = None) -> Label:
        """A new label at the end of its group or layer (or at index)."""
        return self._add(name, layer, False, key, color, description, memo, parent_id, index)

    def add_group(self, name: str, layer: str, *, parent_id: int | None = None, description: str = "",
                  memo: str = "", color: str = GROUP_COLOR, index: int | None = None) -> Label:
        """A group that holds labels (and other groups) of one layer; it has no key and tags nothing."""
        return self._add(name, layer, True, None, color, description, memo, parent_id, index)

    def _add(self, name, layer, is_group, key, color, description, memo, parent_id, index) -> Label:
        if layer not in LAYERS:
            raise ProjectError(f"Unknown layer {layer!r}; use one of {', '.join(LAYERS)}.")
        name = self._free_name(clean_name(name, "A group" if is_group else "A label"))
        color = clean_color(color or self._unused_color(), name)
        self._check_parent(None, layer, parent_id)
        siblings = self.children(parent_id, layer)
        with self._store.write() as db:
            label_id = self._insert_label(db, {
                "name": name, "layer": layer, "key": None, "color": color, "description": description.strip(),
                "sort_order": siblings[-1].sort_order + 1 if siblings else 0, "parent_id": parent_id,
                "is_group": is_group, "memo": memo})
            self._touched()
            if key:
                self.set_key(label_id, key)
            if index is not None:
                self.move(label_id, parent_id, index)
        return self.label(label_id)

    def rename(self, label_id: int, name: str) -> Label:
        return self._update(self.label(label_id), name=self._free_name(clean_name(name), label_id))

    def set_color(self, label_id: int, color: str) -> Label:
        label = self.label(label_id)
        return self._update(label, color=clean_color(color, label.name))

    def set_key(self, label_id: int, key: str | None) -> Label:
        """Give a label its one-key shortcut (None clears it); a key belongs to one label only."""
        label = self.label(label_id)
        key = clean_key(key, label.name)
        if key is not None and label.is_group:
            raise ProjectError(f"{label.name!r} is a group; only labels have keys. Give the key to one of its labels.")
        holder = self.by_key(key) if key else None
        if holder is not None and holder.id != label_id:
            raise ProjectError(f"Key {key} is already used by {holder.name!r}. "
                               f"Choose another key, or first give {holder.name!r} a different one.")
        return self._update(label, key=key)

    def set_description(self, label_id: int, description: str) -> Label:
        """The coding instruction analysts see when they hover over the label."""
        return self._update(self.label(label_id), description=description.strip())

    def set_memo(self, label_id: int, memo: str) -> Label:
        return self._update(self.label(label_id), memo=memo)

    def move(self, label_id: int, parent_id: int | None, index: int) -> Label:
        """Put a label or group into a group (None: the top of its layer) at position index."""
        label = self.label(label_id)
        self._check_parent(label, label.layer, parent_id)
        siblings = [s for s in self.children(parent_id, label.layer) if s.id != label_id]
        siblings.insert(max(0, min(index, len(siblings))), label)
        with self._store.write() as db:
            if label.parent_id != parent_id:
                db.execute("UPDATE labels SET parent_id = ? WHERE id = ?", (parent_id, label_id))
                self._renumber(db, [s for s in self.children(label.parent_id, label.layer)])
            self._renumber(db, siblings)
            self._touched()
        return self.label(label_id)

    def delete(self, label_id: int, *, move_to: int | None = None, delete_annotations: bool = False) -> int:
        """Delete a label, first moving its annotations to move_to or deleting them; return how many.

        A group's contents move up to where the group was. A label in use is refused
        unless the analyst says where its annotations go: nothing is ever orphaned.
        """
        label = self.label(label_id)
        used, typed = self.usage_count(label_id), self.entity_count(label_id)
        target = self._check_delete(label, used, typed, move_to, delete_annotations)
        with self._store.write() as db:
            if label.is_group:
                place = [s.id for s in self.children(label.parent_id, label.layer)].index(label_id)
                for offset, child in enumerate(self.children(label_id)):
                    self.move(child.id, label.parent_id, place + 1 + offset)
            if target is not None:
                self._move_annotations(db, label, target)
                db.execute("UPDATE entities SET label_id = ? WHERE label_id = ?", (target.id, label_id))
            elif used:
                for annotation_id, document_id in self._drop_values(db, label_id):
                    self._store.notify(Change(ChangeKind.ANNOTATION_REMOVED, document_id, annotation_id))
                db.execute("DELETE FROM annotations WHERE label_id = ?", (label_id,))
            db.execute("DELETE FROM annotation_values WHERE attribute_id IN "
                       "(SELECT id FROM label_attributes WHERE label_id = ?)", (label_id,))
            db.execute("DELETE FROM label_attributes WHERE label_id = ?", (label_id,))
            db.execute("DELETE FROM labels WHERE id = ?", (label_id,))
            self._renumber(db, self.children(label.parent_id, label.layer))
            self._touched()
        return used

    def delete_unused(self, labels: list[Label]) -> None:
        """Delete labels and groups nobody uses (the caller checked), with all their contents among them,
        in a few statements whatever their number; undone like any edit.

        A codebook replaced from a file drops its other labels this way: delete() per label
        re-reads the codebook and renumbers its siblings each time, so thousands took minutes.
        """
        if not labels:
            return
        ids = json.dumps([label.id for label in labels])
        with self._store.write() as db:
            leaving = "SELECT value FROM json_each(?)"
            db.execute("DELETE FROM annotation_values WHERE attribute_id IN "
                       f"(SELECT id FROM label_attributes WHERE label_id IN ({leaving}))", (ids,))
            db.execute(f"DELETE FROM label_attributes WHERE label_id IN ({leaving})", (ids,))
            db.execute(f"DELETE FROM labels WHERE id IN ({leaving})", (ids,))  # groups with their contents
            self._touched()
            places: dict[tuple[str, int | None], list[Label]] = {}
            for label in self.labels():
                places.setdefault((label.layer, label.parent_id), []).append(label)
            db.executemany("UPDATE labels SET sort_order = ? WHERE id = ?",
                           [(order, sibling.id) for siblings in places.values()
                            for order, sibling in enumerate(sorted(siblings, key=lambda s: (s.sort_order, s.id)))
                            if sibling.sort_order != order])
            self._touched()

    def _check_delete(self, label: Label, used: int, typed: int, move_to: int | None,
                      delete_annotations: bool) -> Label | None:
        name = label.name
        if move_to is None:
            if used and not delete_annotations:
                raise ProjectError(f"{_count(used, 'annotation')} {_verb(used, 'use')} {name!r}. "
                                   "Move them to another label or delete them, then delete the label.")
            if typed:
                raise ProjectError(f"{name!r} is the type of {_count(typed, 'entity', 'entities')} in the registry. "
                                   "Move them to another entity label when you delete it.")
            return None
        target = self.label(move_to)
        if target.id == label.id or target.is_group:
            raise ProjectError(f"Move the annotations of {name!r} to another label, not to "
                               f"{'a group' if target.is_group else 'itself'}.")
        if typed and target.layer != "entity":
            raise ProjectError(f"{name!r} is the type of {_count(typed, 'entity', 'entities')}; "
                               f"entities can only move to an entity label, and {target.name!r} is a {target.layer} label.")
        if target.layer != "stance":
            whole = self._store.conn.execute(
                "SELECT count(*) FROM annotations WHERE label_id = ? AND span_start IS NULL", (label.id,)
            ).fetchone()[0]
            if whole:
                raise ProjectError(f"{_count(whole, 'annotation')} of {name!r} {_verb(whole, 'code')} a whole document, and only "
                                   f"stance labels can; move them to a stance label instead of {target.name!r}.")
        return target

    def _move_annotations(self, db, label: Label, target: Label) -> None:
        """Relabel every annotation of label, by Annotations.relabel's rules: values and ill-fitting roles go."""
        rows = self._drop_values(db, label.id)
        fields: dict[str, object] = {"label_id": target.id, "updated_at": now()}
        if target.layer != "entity":
            fields["entity_id"] = None
        if target.layer != "claim":
            fields.update(source_entity_id=None, source=None, cue_start=None, cue_end=None)
        if target.layer != "stance":
            fields.update(target_entity_id=None, target=None, holder_entity_id=None, holder=None)
        assignments = ", ".join(f"{column} = ?" for column in fields)
        db.execute(f"UPDATE annotations SET {assignments} WHERE label_id = ?", (*fields.values(), label.id))
        for annotation_id, document_id in rows:
            self._store.notify(Change(ChangeKind.ANNOTATION_CHANGED, document_id, annotation_id))

    @staticmethod
    def _drop_values(db, label_id: int) -> list[tuple[int, int]]:
        """Delete the attribute values of a label's annotations; return (id, document) of those annotations."""
        db.execute("DELETE FROM annotation_values WHERE annotation_id IN "
                   "(SELECT id FROM annotations WHERE label_id = ?)", (label_id,))
        return db.execute("SELECT id, document_id FROM annotations WHERE label_id = ?", (label_id,)).fetchall()

    # -- attributes ---------------------------------------------------------------

    def attributes(self, label_id: int) -> list[Attribute]:
        rows = self._store.query(f"SELECT {_ATTRIBUTE_COLUMNS} FROM label_attributes WHERE label_id = ? "
                                 "ORDER BY sort_order, id", (label_id,))
        return [attribute_from_row(row) for row in rows]

    def attribute(self, attribute_id: int) -> Attribute:
        row = self._store.conn.execute(f"SELECT {_ATTRIBUTE_COLUMNS} FROM label_attributes WHERE id = ?",
                                       (attribute_id,)).fetchone()
        if row is None:
            raise KeyError(attribute_id)
        return attribute_from_row(row)

    def add_attribute(self, label_id: int, name: str, kind: str, choices: tuple[str, ...] | list[str] = (),
                      required: bool = False, description: str = "") -> Attribute:
        """A typed field (choice list, free text, number, yes/no) on the label's annotations."""
        label = self.label(label_id)
        if label.is_group:
            raise ProjectError(f"{label.name!r} is a group; add attributes to its labels.")
        attribute = clean_attribute(name, kind, choices, required, description)
        self._check_attribute_name(label, attribute["name"], None)
        with self._store.write() as db:
            attribute_id = self._insert_attribute(db, label_id, attribute, len(self.attributes(label_id)))
            self._touched()
        return self.attribute(attribute_id)

    def update_attribute(self, attribute_id: int, *, name: str | None = None, kind: str | None = None,
                         choices: tuple[str, ...] | list[str] | None = None, required: bool | None = None,
                         description: str | None = None) -> Attribute:
        """Change an attribute's definition; values already coded must still fit it."""
        old = self.attribute(attribute_id)
        kind = kind if kind is not None else old.kind
        if choices is None:
            choices = old.choices if kind == "choice" else ()
        new = clean_attribute(old.name if name is None else name, kind, choices,
                              old.required if required is None else required,
                              old.description if description is None else description)
        self._check_attribute_name(self.label(old.label_id), new["name"], attribute_id)
        self._change_attribute(old, new)
        return self.attribute(attribute_id)

    def _change_attribute(self, old: Attribute, new: dict) -> bool:
        """Store an attribute's new definition if the values already coded still fit it; whether it changed."""
        values = self._store.query("SELECT value, count(*) FROM annotation_values WHERE attribute_id = ? "
                                   "GROUP BY value", (old.id,))
        used = sum(count for _value, count in values)
        if used and new["kind"] != old.kind:
            raise ProjectError(f"{_count(used, 'annotation')} {_verb(used, 'have')} a value for {old.name!r}, so its kind cannot "
                               "change. Add a new attribute instead, or delete this one with its values.")
        if new["kind"] == "choice":
            dropped = [(v, c) for v, c in values if v not in new["choices"]]
            if dropped:
                value, count = dropped[0]
                raise ProjectError(f"{_count(count, 'annotation')} {_verb(count, 'use')} the choice {value!r} of {old.name!r}; "
                                   "keep that choice, or recode those annotations first.")
        if replace(old, **new) == old:
            return False
        with self._store.write() as db:
            db.execute("UPDATE label_attributes SET name = ?, kind = ?, choices = ?, required = ?, description = ? "
                       "WHERE id = ?", (*stored_attribute(new), old.id))
            self._touched()
        return True

    def delete_attribute(self, attribute_id: int) -> Attribute:
        """Delete an attribute and every value coded for it."""
        attribute = self.attribute(attribute_id)
        with self._store.write() as db:
            db.execute("DELETE FROM annotation_values WHERE attribute_id = ?", (attribute_id,))
            db.execute("DELETE FROM label_attributes WHERE id = ?", (attribute_id,))
            for order, other in enumerate(self.attributes(attribute.label_id)):
                if other.sort_order != order:
                    db.execute("UPDATE label_attributes SET sort_order = ? WHERE id = ?", (order, other.id))
            self._touched()
        return attribute

    # -- helpers ---------------------------------------------------------------

    def _touched(self) -> None:
        self._cache = None
        # One event per edit: an import makes hundreds of changes, and each event redraws every view.
        # (Store keeps the edit's queued events in _pending; a rolled-back part drops its own.)
        if Change(ChangeKind.CODEBOOK_CHANGED) not in (self._store._pending or ()):
            self._store.notify(Change(ChangeKind.CODEBOOK_CHANGED))

    def merge_rows(self, rows: list[dict], clear_keys: list[Label] = ()) -> dict[str, int]:
        """Bring a codebook file's label rows (validate_codebook's, already checked against the project)
        into the codebook as part of the caller's edit; the ids by casefolded name.

        Labels match by name ignoring case: matches take the row's name, colour, description,
        memo, group and attributes (matched by name; none deleted); the others are added.
        Siblings take the file's order, with the labels it does not mention after them.
        The codebook is read once and kept in step here, and each change is one statement,
        so the time grows with the labels, not with their square (each edit method re-reads
        every label inside a transaction, which made a 3,000-label import take minutes).
        """
        current = self.labels()
        existing = {label.name.casefold(): label for label in current}
        with self._store.write() as db:
            # Keys come off first, so two labels can swap keys without colliding on the way.
            cleared = [label.id for label in clear_keys if label.key]
            cleared += [old.id for row in rows if (old := existing.get(row["name"].casefold())) is not None
                        and old.key and old.key != row["key"]]
            db.executemany("UPDATE labels SET key = NULL WHERE id = ?", [(label_id,) for label_id in cleared])
            ids: dict[str, int] = {}
            placed: dict[int, tuple[str, int | None]] = {}  # label id -> (layer, parent id) after the import
            for row in rows:  # tree order: a group is in place before its contents
                parent_id = ids[row["parent"].casefold()] if row["parent"] else None
                old = existing.get(row["name"].casefold())
                if old is None:
                    label_id = self._insert_label(db, {**row, "key": None, "parent_id": parent_id, "sort_order": 0})
                else:
                    label_id = old.id
                    fields = {column: value for column, value in (
                        ("name", row["name"]), ("color", row["color"]), ("description", row["description"]),
                        ("memo", row["memo"]), ("parent_id", parent_id)) if getattr(old, column) != value}
                    if fields:
                        db.execute(f"UPDATE labels SET {', '.join(f'{c} = ?' for c in fields)} WHERE id = ?",
                                   (*fields.values(), label_id))
                ids[row["name"].casefold()] = label_id
                placed[label_id] = (row["layer"], parent_id)
                self._merge_attributes(db, label_id, row["attributes"], old is not None)
            db.executemany("UPDATE labels SET key = ? WHERE id = ?",
                           [(row["key"], ids[row["name"].casefold()]) for row in rows if row["key"]])
            self._order_siblings(db, current, list(placed.items()))
            self._touched()
        return ids

    def _merge_attributes(self, db, label_id: int, attributes: list[dict], existed: bool) -> None:
        present = {a.name.casefold(): a for a in self.attributes(label_id)} if existed else {}
        count = len(present)
        for attribute in attributes:
            match = present.get(attribute["name"].casefold())
            if match is None:
                self._insert_attribute(db, label_id, attribute, count)
                count += 1
            else:
                self._change_attribute(match, attribute)

    def _order_siblings(self, db, before: list[Label], placed: list[tuple[int, tuple[str, int | None]]]) -> None:
        """Number every group's contents: the file's labels in its order, then the ones it does not mention."""
        moved = {label_id for label_id, _place in placed}
        orders: dict[tuple[str, int | None], list[int]] = {}
        for label_id, place in placed:
            orders.setdefault(place, []).append(label_id)
        for label in sorted(before, key=lambda label: (label.sort_order, label.id)):
            if label.id not in moved:
                orders.setdefault((label.layer, label.parent_id), []).append(label.id)
        was = {label.id: label.sort_order for label in before}
        db.executemany("UPDATE labels SET sort_order = ? WHERE id = ?",
                       [(order, label_id) for siblings in orders.values() for order, label_id in enumerate(siblings)
                        if was.get(label_id) != order])

    def _update(self, label: Label, **fields: object) -> Label:
        fields = {column: value for column, value in fields.items() if getattr(label, column) != value}
        if fields:
            with self._store.write() as db:
                assignments = ", ".join(f"{column} = ?" for column in fields)
                db.execute(f"UPDATE labels SET {assignments} WHERE id = ?", (*fields.values(), label.id))
                self._touched()
        return self.label(label.id)

    @staticmethod
    def _renumber(db, siblings: list[Label]) -> None:
        for order, sibling in enumerate(siblings):
            if sibling.sort_order != order:
                db.execute("UPDATE labels SET sort_order = ? WHERE id = ?", (order, sibling.id))

    @staticmethod
    def _insert_label(db, row: dict) -> int:
        return db.execute(
            "INSERT INTO labels(name, layer, key, color, description, sort_order, parent_id, is_group, memo) VALUES "
            "(:name, :layer, :key, :color, :description, :sort_order, :parent_id, :is_group, :memo)",
            {**row, "is_group": int(row["is_group"])}).lastrowid

    @staticmethod
    def _insert_attribute(db, label_id: int, attribute: dict, order: int) -> int:
        return db.execute("INSERT INTO label_attributes(label_id, name, kind, choices, required, description, "
                          "sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)", (label_id, *stored_attribute(attribute), order)).lastrowid

    def _free_name(self, name: str, label_id: int | None = None) -> str:
        other = self.by_name(name)
        if other is not None and other.id != label_id:
            kind = "group" if other.is_group else "label"
            raise ProjectError(f"There is already a {kind} named {other.name!r} "
                               f"({LAYER_NAMES[other.layer]}); choose another name.")
        return name

    def _check_parent(self, label: Label | None, layer: str, parent_id: int | None) -> None:
        if parent_id is None:
            return
        parent = self.label(parent_id)
        if not parent.is_group:
            raise ProjectError(f"{parent.name!r} is a label, not a group; only groups hold labels.")
        if parent.layer != layer:
            raise ProjectError(f"{parent.name!r} is a {LAYER_NAMES[parent.layer]} group; "
                               f"a {LAYER_NAMES[layer]} label cannot go into it.")
        if label is not None and (parent.id == label.id or label in self.ancestors(parent.id)):
            raise ProjectError(f"{label.name!r} cannot go into {parent.name!r}, which is inside it.")

    def _check_attribute_name(self, label: Label, name: str, attribute_id: int | None) -> None:
        for other in self.attributes(label.id):
            if other.name.casefold() == name.casefold() and other.id != attribute_id:
                raise ProjectError(f"{label.name!r} already has an attribute named {other.name!r}; choose another name.")

    def _unused_color(self) -> str:
        used = {label.color for label in self.labels()}
        return next((color for color in PALETTE if color not in used), PALETTE[len(used) % len(PALETTE)])


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _verb(n: int, verb: str) -> str:  # agrees with _count's noun
    return verb if n != 1 else {"have": "has"}.get(verb, verb + "s")
