"""The editor the kill test shoots: applies an endless, seeded stream of edits through the core.

    python tests/crash/editor_child.py PROJECT SEED

Prints `ready` once the project is open, then for every edit two lines, each
flushed before going on:

    begin <n> <kind> <intent>           before the edit starts
    committed <n> <kind> <id> <delta>   after its transaction has committed

intent and delta are JSON {table: {id: row or null}} as project_state reads
rows; a row the edit creates has the id "new" in the intent, and its real id
in the delta. The test folds the deltas into what the file must hold, and
allows the one begun-but-unreported edit to be there or not.

Every edit must change what it says and nothing else: after each commit the
child rereads the whole state and stops with an error if it differs. The
stream depends only on the seed and the file, so a failing seed replays.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, Callable

from project_state import State, apply, differences, read_state, reopen, resolve_new

from annotator.core.coding.attributes import normalise
from annotator.core.project import Project

WORDS = ["claim", "기업", "월마트", "🚀", "e\u0301", "👩‍👩‍👧", "said", "노트", "AWS"]


class Editor:
    def __init__(self, project: Project, seed: int):
        self.project = project
        self.seed = seed
        self.rng = random.Random(seed)
        self.texts = {str(doc_id): project.documents.text(doc_id) for doc_id in project.documents.ids()}
        labels = project.codebook.codable_labels()
        # Stances need a target the state does not track; entity and claim labels cover every edit.
        self.layer_of = {str(label.id): label.layer for label in labels}
        self.taggable = [label for label in labels if label.layer in ("entity", "claim")]
        self.attributes = {str(label.id): project.codebook.attributes(label.id) for label in labels}
        self.state = read_state(project.store.conn)
        self.undoable: tuple[Any, State] | None = None  # the last edit's changeset and what undo restores

    # -- the stream ------------------------------------------------------------------

    def run(self) -> None:
        n = 0
        while True:
            n += 1
            kind, action, intent = self.plan(n)
            emit(f"begin {n} {kind} {json.dumps(intent, ensure_ascii=False)}")
            _, changeset = self.project.store.edit(action)
            after = read_state(self.project.store.conn)
            delta = resolve_new(intent, after, self.state)
            expected = apply(self.state, delta) if delta is not None else None
            if expected != after:
                shown = differences(expected, after) if expected else ["the new row was not found"]
                sys.exit(f"edit {n} ({kind}) did not do what it meant to:\n" + "\n".join(shown))
            touched = next(iter(key for rows in delta.values() for key in rows), "-")
            emit(f"committed {n} {kind} {touched} {json.dumps(delta, ensure_ascii=False)}")
            if kind == "undo":
                self.undoable = None
            elif changeset is not None:
                restore = {table: {key: self.state[table].get(key) for key in rows} for table, rows in delta.items()}
                self.undoable = (changeset, restore)
            self.state = after

    def plan(self, n: int) -> tuple[str, Callable[[], object], State]:
        annotations = self.state["annotations"]
        weights = {
            "tag": 6 if len(annotations) < 150 else 3 if len(annotations) < 400 else 0,
            "delete": 2 if annotations else 0, "relabel": 1, "set_span": 1, "value": 2, "entity": 1,
            "link": 1, "note": 1, "memo": 1, "rename": 1, "undo": 1 if self.undoable else 0,
        }
        while True:
            kind = self.rng.choices(list(weights), list(weights.values()))[0]
            planned = getattr(self, f"_{kind}")(n)
            if planned is not None:  # None: nothing fits this kind right now; pick another
                return (kind, *planned)

    def _pick(self, layers: tuple[str, ...] = ("entity", "claim"), where=lambda row: True) -> str | None:
        keys = [key for key, row in self.state["annotations"].items()
                if self.layer_of[str(row["label"])] in layers and where(row)]
        return self.rng.choice(sorted(keys, key=int)) if keys else None

    def _span(self, doc: str) -> tuple[int, int]:
        text = self.texts[doc]
        start = self.rng.randrange(len(text) - 1)
        return start, min(len(text), start + self.rng.randint(1, 40))

    def _tag(self, n: int):
        doc = self.rng.choice(sorted(self.texts, key=int))
        label = self.rng.choice(self.taggable)
        start, end = self._span(doc)
        row = {"document": int(doc), "label": label.id, "start": start, "end": end,
               "text": self.texts[doc][start:end], "note": "", "entity": None, "values": {}}
        action = lambda: self.project.annotations.add(int(doc), label, start, end)  # noqa: E731
        return action, {"annotations": {"new": row}}

    def _delete(self, n: int):
        key = self._pick(("entity", "claim", "stance"))
        return lambda: self.project.annotations.delete(int(key)), {"annotations": {key: None}}

    def _relabel(self, n: int):
        key = self._pick()
        if key is None:
            return None
        row = self.state["annotations"][key]
        layer = self.layer_of[str(row["label"])]
        others = [label for label in self.taggable if label.layer == layer and label.id != row["label"]]
        label = self.rng.choice(others)
        action = lambda: self.project.annotations.relabel(int(key), label)  # noqa: E731
        return action, {"annotations": {key: {**row, "label": label.id, "values": {}}}}

    def _set_span(self, n: int):
        key = self._pick()
        if key is None:
            return None
        row = self.state["annotations"][key]
        start, end = self._span(str(row["document"]))
        if (start, end) == (row["start"], row["end"]):
            return None
        text = self.texts[str(row["document"])][start:end]
        action = lambda: self.project.annotations.set_span(int(key), start, end)  # noqa: E731
        return action, {"annotations": {key: {**row, "start": start, "end": end, "text": text}}}

    def _value(self, n: int):
        key = self._pick(where=lambda row: bool(self.attributes[str(row["label"])]))
        if key is None:
            return None
        row = self.state["annotations"][key]
        attribute = self.rng.choice(self.attributes[str(row["label"])])
        current = row["values"].get(str(attribute.id))
        if current is not None and self.rng.random() < 0.2:
            given = None  # clearing a value is an edit too
        elif attribute.kind == "choice":
            given = self.rng.choice(attribute.choices)
        elif attribute.kind == "bool":
            given = self.rng.random() < 0.5
        elif attribute.kind == "number":
            given = str(self.rng.randint(-5, 5000) / 4)
        else:
            given = f"{self.rng.choice(WORDS)} {n}"
        stored = normalise(attribute, given)
        if stored == current:
            return None
        values = {k: v for k, v in row["values"].items() if k != str(attribute.id)}
        if stored is not None:
            values[str(attribute.id)] = stored
        action = lambda: self.project.values.set(int(key), attribute.id, given)  # noqa: E731
        return action, {"annotations": {key: {**row, "values": values}}}

    def _entity(self, n: int):
        if len(self.state["entities"]) >= 60:
            return None
        label = self.rng.choice([label for label in self.taggable if label.layer == "entity"])
        # No document holds "Crash", so creating it links no existing span.
        name = f"Crash {self.seed}.{n} {self.rng.choice(WORDS)}"
        action = lambda: self.project.entities.create(name, label)  # noqa: E731
        return action, {"entities": {"new": {"name": name, "label": label.id}}}

    def _link(self, n: int):
        key = self._pick(("entity",))
        if key is None or not self.state["entities"]:
            return None
        row = self.state["annotations"][key]
        choices = [None, *sorted(map(int, self.state["entities"]))]
        entity = self.rng.choice([choice for choice in choices if choice != row["entity"]])
        action = lambda: self.project.annotations.link_entity(int(key), entity)  # noqa: E731
        return action, {"annotations": {key: {**row, "entity": entity}}}

    def _note(self, n: int):
        key = self._pick()
        if key is None:
            return None
        note = f"note {self.seed}.{n} {self.rng.choice(WORDS)}"
        action = lambda: self.project.annotations.update(int(key), note=note)  # noqa: E731
        return action, {"annotations": {key: {**self.state["annotations"][key], "note": note}}}

    def _memo(self, n: int):
        doc = self.rng.choice(sorted(self.texts, key=int))
        memo = f"memo {self.seed}.{n}\n{self.rng.choice(WORDS)}"
        return lambda: self.project.documents.set_memo(int(doc), memo), {"memos": {doc: memo}}

    def _rename(self, n: int):
        key = self.rng.choice(sorted(self.state["labels"], key=int))
        name = f"Label {key} r{self.seed}.{n}"
        return lambda: self.project.codebook.rename(int(key), name), {"labels": {key: {"name": name}}}

    def _undo(self, n: int):
        if self.undoable is None:
            return None
        changeset, restore = self.undoable
        return lambda: self.project.store.undo(changeset), restore


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> None:
    path, seed = Path(argv[0]), int(argv[1])
    sys.stdout.reconfigure(encoding="utf-8")
    project = reopen(path)
    editor = Editor(project, seed)
    emit("ready")
    editor.run()


if __name__ == "__main__":
    main(sys.argv[1:])
