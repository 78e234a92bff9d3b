"""Document variables: the codesheet's questions, asked of every document (topic, tone, main actor...).

A variable has a name, the question a coder reads, a type (VARIABLE_KINDS), a level of
measurement (LEVELS) that agreement is computed at, whether it must be answered, and, for
a choice, integer codes with their labels (1 = Economy, 2 = Politics) in the order an
ordinal scale ranks them. Each code means one label, and each label has one code.

An answer is stored as text in one form per type, so exports and agreement compare like
with like: a single choice as its code ("2"), a multiple choice as a JSON list of codes in
the choices' order ("[1, 3]"), yes/no as "1" or "0", a number without padding ("3.5",
"1200"), a date as YYYY-MM-DD, short text with its spacing tidied.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LEVELS, VARIABLE_KIND_NAMES, VARIABLE_KINDS, Choice, Variable
from annotator.core.store.database import Change, ChangeKind, Store

# The levels each type can be compared at. Codes of a single choice may be ranked (ordinal)
# or be scale points (a 1-5 rating as interval); a set of choices, a yes/no and a text are
# only the same or different.
KIND_LEVELS = {
    "single_choice": LEVELS,
    "multiple_choice": ("nominal",),
    "yes_no": ("nominal",),
    "number": LEVELS,
    "date": ("ordinal", "interval"),
    "text": ("nominal",),
}
DEFAULT_LEVEL = {"single_choice": "nominal", "multiple_choice": "nominal", "yes_no": "nominal", "number": "ratio",
                 "date": "interval", "text": "nominal"}
YES_NO = (Choice(1, "yes"), Choice(0, "no"))
CHOICE_KINDS = ("single_choice", "multiple_choice")
MAX_TEXT = 500  # short text: a name, a phrase; longer notes go in the document memo
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_COLUMNS = "id, name, question, kind, level, required, sort_order"


# -- the rules a definition follows, shared by edits and codebook files ------------------------


def clean_variable(name: object, kind: object, *, question: object = "", level: object = None,
                   required: object = False, choices: object = ()) -> dict:
    """A variable's definition as stored, or a ProjectError saying what to fix."""
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned:
        raise ProjectError("A variable has no name; give it one (e.g. topic).")
    if "=" in cleaned or len(cleaned) > 100:
        raise ProjectError(f"Variable {cleaned[:100]!r}: keep its name under 100 characters and without '=' "
                           "(the command line reads NAME=VALUE).")
    if kind not in VARIABLE_KINDS:
        raise ProjectError(f"Variable {cleaned!r} has type {kind!r}; use one of {', '.join(VARIABLE_KINDS)}.")
    level = DEFAULT_LEVEL[kind] if level is None or level == "" else level
    if level not in KIND_LEVELS[kind]:
        raise ProjectError(f"Variable {cleaned!r} is a {VARIABLE_KIND_NAMES[kind]}, which is measured at the "
                           f"{' or '.join(KIND_LEVELS[kind])} level, not {level!r}.")
    if not isinstance(question, str) or not isinstance(required, bool):
        raise ProjectError(f"Variable {cleaned!r}: its question must be text and required true or false.")
    return {"name": cleaned, "question": question.strip(), "kind": kind, "level": level, "required": required,
            "choices": clean_choices(cleaned, kind, choices)}


def clean_choices(name: str, kind: str, choices: object) -> tuple[Choice, ...]:
    """A choice list as (code, label) pairs in order. Plain labels are numbered 1, 2, 3...

    Each entry may be a Choice, a (code, label) pair, {"code": 1, "label": "Economy"} or a label.
    """
    if choices is None or isinstance(choices, (str, bytes, dict)) or not isinstance(choices, Iterable):
        raise ProjectError(f"The choices of variable {name!r} must be a list.")
    entries = list(choices)
    if kind not in CHOICE_KINDS:
        if entries:
            raise ProjectError(f"Only choice variables have choices; {name!r} is a {VARIABLE_KIND_NAMES[kind]}"
                               + (" (its answers are 1 = yes and 0 = no)." if kind == "yes_no" else "."))
        return ()
    if not entries:
        raise ProjectError(f"Variable {name!r} is a {VARIABLE_KIND_NAMES[kind]}; give it at least one choice.")
    found: list[Choice] = []
    for number, entry in enumerate(entries, 1):
        if isinstance(entry, Choice):
            code, label = entry.code, entry.label
        elif isinstance(entry, dict):
            code, label = entry.get("code"), entry.get("label")
        elif isinstance(entry, (tuple, list)) and len(entry) == 2:
            code, label = entry
        else:
            code, label = number, entry
        if isinstance(code, str) and re.fullmatch(r"-?\d+", code.strip()):
            code = int(code)
        if not isinstance(code, int) or isinstance(code, bool):
            raise ProjectError(f"Variable {name!r}: the code of choice {label!r} must be a whole number, not {code!r}.")
        label = " ".join(label.split()) if isinstance(label, str) else ""
        if not label:
            raise ProjectError(f"Variable {name!r}: code {code} needs a label saying what it means.")
        for other in found:
            if other.code == code:
                raise ProjectError(f"Variable {name!r}: code {code} would mean both {other.label!r} and {label!r}; "
                                   "give each choice its own code.")
            if fold(other.label) == fold(label):
                raise ProjectError(f"Variable {name!r} lists the choice {label!r} twice (codes {other.code} and "
                                   f"{code}); keep one.")
        found.append(Choice(code, label))
    return tuple(found)


# -- answers ---------------------------------------------------------------------------------


def choices_of(variable: Variable) -> tuple[Choice, ...]:
    return YES_NO if variable.kind == "yes_no" else variable.choices


def normalise_value(variable: Variable, value: object) -> str | None:
    """An answer as stored (see the module's docstring), None to clear it, or a ProjectError saying what to give."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = variable.kind
    if kind == "single_choice":
        return str(_code(variable, value))
    if kind == "multiple_choice":
        return _multiple(variable, value)
    if kind == "yes_no":
        return _yes_no(variable, value)
    if kind == "number":
        return _number(variable, value)
    if kind == "date":
        return _date(variable, value)
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise ProjectError(f"{variable.name}: keep the answer under {MAX_TEXT} characters (it has {len(text)}); "
                           "a longer note belongs in the document memo.")
    return text


def _code(variable: Variable, value: object) -> int:
    if isinstance(value, Choice):
        value = value.code
    if isinstance(value, str):
        stripped = value.strip()
        value = int(stripped) if re.fullmatch(r"-?\d+", stripped) else stripped
    if isinstance(value, int) and not isinstance(value, bool):
        if variable.label_of(value) is not None:
            return value
    elif isinstance(value, str):
        for choice in variable.choices:
            if fold(choice.label) == fold(value):
                return choice.code
    raise ProjectError(f"{variable.name} has no choice {value!r}; give one of {describe_choices(variable)}.")


def _multiple(variable: Variable, value: object) -> str | None:
    if isinstance(value, str):
        parts = [p for p in value.split(";")]
        if len(parts) == 1 and "," in value and all(re.fullmatch(r"\s*-?\d+\s*", p) for p in value.split(",")):
            parts = value.split(",")
        items: list[object] = [p for p in parts if p.strip()]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        items = [value]
    codes = {_code(variable, item) for item in items}
    if not codes:
        return None
    return json.dumps([choice.code for choice in variable.choices if choice.code in codes])


def _yes_no(variable: Variable, value: object) -> str:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return "1" if value else "0"
    if isinstance(value, str) and fold(value.strip()) in _YES | _NO:
        return "1" if fold(value.strip()) in _YES else "0"
    raise ProjectError(f"{variable.name} is a yes/no question; answer yes or no (or 1 or 0), not {value!r}.")


def _number(variable: Variable, value: object) -> str:
    from decimal import Decimal, InvalidOperation  # lazy: ~1.5 ms of every start-up for a number's first check

    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ProjectError(f"{variable.name} takes a number, not {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ProjectError(f"{variable.name} takes a finite number, not {value!r}.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        hint = " Write decimals with a point (3.5), not a comma." if re.fullmatch(r"\s*-?\d+,\d+\s*", str(value)) else ""
        raise ProjectError(f"{variable.name} takes a number, e.g. 3 or 2.5, not {value!r}.{hint}") from None
    if not number.is_finite():
        raise ProjectError(f"{variable.name} takes a finite number, not {value!r}.")
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _date(variable: Variable, value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ProjectError(f"{variable.name} takes a date as YYYY-MM-DD, e.g. 2025-05-03, not {value!r}.") from None


def describe_choices(variable: Variable) -> str:
    return ", ".join(f"{c.code} = {c.label}" for c in choices_of(variable))


def answer_codes(variable: Variable, stored: str) -> list[int]:
    """The codes a stored choice or yes/no answer holds, in the choices' order."""
    return json.loads(stored) if variable.kind == "multiple_choice" else [int(stored)]


def answer_text(variable: Variable, stored: str | None, *, labels: bool = False, separator: str = "; ") -> str | None:
    """A stored answer as an export cell: codes (labels=False) or what they mean, several joined by separator."""
    if stored is None:
        return None
    if variable.kind not in (*CHOICE_KINDS, "yes_no"):
        return stored
    codes = answer_codes(variable, stored)
    if not labels:
        return separator.join(str(code) for code in codes)
    meaning = {choice.code: choice.label for choice in choices_of(variable)}
    return separator.join(meaning.get(code, str(code)) for code in codes)


# -- the codebook's variables ----------------------------------------------------------------


class Variables:
    """The codebook's document variables: read them, and edit them, each edit undoable."""

    def __init__(self, store: Store):
        self._store = store

    def list(self) -> list[Variable]:
        """Every variable in codesheet order, with its choices."""
        choices: dict[int, list[Choice]] = {}
        for variable_id, code, label in self._store.query(
                "SELECT variable_id, code, label FROM variable_choices ORDER BY variable_id, sort_order, id"):
            choices.setdefault(variable_id, []).append(Choice(code, label))
        return [_variable(row, choices.get(row[0], ()))
                for row in self._store.query(f"SELECT {_COLUMNS} FROM variables ORDER BY sort_order, id")]

    def get(self, variable_id: int) -> Variable:
        found = next((v for v in self.list() if v.id == variable_id), None)
        if found is None:
            raise ProjectError(f"There is no variable {variable_id}.")
        return found

    def by_name(self, name: str) -> Variable | None:
        """The variable of that name, case and spacing aside."""
        wanted = fold(" ".join(name.split())) if isinstance(name, str) else ""
        return next((v for v in self.list() if fold(v.name) == wanted), None)

    def named(self, name: str) -> Variable:
        """by_name, or a ProjectError listing the variables there are."""
        found = self.by_name(name)
        if found is None:
            known = ", ".join(v.name for v in self.list()) or "none yet (add one with `annotator variables add`)"
            raise ProjectError(f"No variable is called {name!r}; the codesheet has: {known}.")
        return found

    def answer_count(self, variable_id: int) -> int:
        return self._store.conn.execute("SELECT count(*) FROM variable_values WHERE variable_id = ?",
                                        (variable_id,)).fetchone()[0]

    # -- editing -----------------------------------------------------------------

    def add(self, name: str, kind: str, *, question: str = "", level: str | None = None, required: bool = False,
            choices: Any = ()) -> Variable:
        """A new variable at the end of the codesheet, as one edit."""
        row = clean_variable(name, kind, question=question, level=level, required=required, choices=choices)
        self._refuse_taken(row["name"])
        with self._store.write() as db:
            variable_id = self.insert(db, row, len(self.list()))
            self._touched()
        return self.get(variable_id)

    def update(self, variable_id: int, *, name: str | None = None, question: str | None = None,
               kind: str | None = None, level: str | None = None, required: bool | None = None,
               choices: Any = None) -> Variable:
        """Change a variable's definition, as one edit; answers already given must still fit it."""
        old = self.get(variable_id)
        kind = old.kind if kind is None else kind
        if choices is None:
            choices = old.choices if kind in CHOICE_KINDS else ()
        if level is None:
            level = old.level if old.level in KIND_LEVELS.get(kind, ()) else None
        row = clean_variable(old.name if name is None else name, kind,
                             question=old.question if question is None else question, level=level,
                             required=old.required if required is None else required, choices=choices)
        self._refuse_taken(row["name"], variable_id)
        self._check_answers_fit(old, row)
        with self._store.write() as db:
            self.store_definition(db, variable_id, row)
            self._touched()
        return self.get(variable_id)

    def move(self, variable_id: int, index: int) -> Variable:
        """Put a variable at position index of the codesheet (0 first), as one edit."""
        order = [v for v in self.list() if v.id != variable_id]
        moving = self.get(variable_id)
        order.insert(max(0, min(index, len(order))), moving)
        with self._store.write() as db:
            for position, variable in enumerate(order):
                if variable.sort_order != position:
                    db.execute("UPDATE variables SET sort_order = ? WHERE id = ?", (position, variable.id))
            self._touched()
        return self.get(variable_id)

    def remove(self, variable_id: int, *, with_answers: bool = False) -> Variable:
        """Delete a variable, as one edit; one that has answers only with_answers (they go too)."""
        variable = self.get(variable_id)
        answered = self.answer_count(variable_id)
        if answered and not with_answers:
            raise ProjectError(f"{variable.name!r} has {answered} answer{'s' * (answered != 1)}; delete it with its "
                               "answers (--with-answers), or keep it and make it optional.")
        with self._store.write() as db:
            rows = db.execute("SELECT DISTINCT document_id FROM variable_values WHERE variable_id = ?",
                              (variable_id,)).fetchall()
            db.execute("DELETE FROM variable_values WHERE variable_id = ?", (variable_id,))
            db.execute("DELETE FROM variable_choices WHERE variable_id = ?", (variable_id,))
            db.execute("DELETE FROM variables WHERE id = ?", (variable_id,))
            for position, other in enumerate(v for v in self.list()):
                if other.sort_order != position:
                    db.execute("UPDATE variables SET sort_order = ? WHERE id = ?", (position, other.id))
            for (document_id,) in rows:
                self._store.notify(Change(ChangeKind.CODESHEET_CHANGED, document_id))
            self._touched()
        return variable

    # -- shared with codebook files ------------------------------------------------

    def insert(self, db, row: dict, order: int) -> int:
        """Store a clean_variable row at position order, inside the caller's write."""
        variable_id = db.execute(
            "INSERT INTO variables(name, question, kind, level, required, sort_order) VALUES (?, ?, ?, ?, ?, ?)",
            (row["name"], row["question"], row["kind"], row["level"], int(row["required"]), order)).lastrowid
        self._insert_choices(db, variable_id, row["choices"])
        return variable_id

    def store_definition(self, db, variable_id: int, row: dict) -> None:
        """Overwrite a variable's definition with a clean_variable row, inside the caller's write.

        Choices keep their rows where the code stays, so an unchanged choice list writes nothing."""
        db.execute("UPDATE variables SET name = ?, question = ?, kind = ?, level = ?, required = ? WHERE id = ? "
                   "AND (name, question, kind, level, required) IS NOT (?, ?, ?, ?, ?)",
                   (row["name"], row["question"], row["kind"], row["level"], int(row["required"]), variable_id,
                    row["name"], row["question"], row["kind"], row["level"], int(row["required"])))
        current = {code: (choice_id, label, order) for choice_id, code, label, order in db.execute(
            "SELECT id, code, label, sort_order FROM variable_choices WHERE variable_id = ?", (variable_id,))}
        wanted = {choice.code for choice in row["choices"]}
        for code, (choice_id, _label, _order) in current.items():
            if code not in wanted:
                db.execute("DELETE FROM variable_choices WHERE id = ?", (choice_id,))
        # Labels move between codes in two steps, so the unique (variable, label) index never sees a clash;
        # the stand-in starts with a space, which no cleaned label does (and holds no NUL, which quote() cuts).
        for order, choice in enumerate(row["choices"]):
            found = current.get(choice.code)
            if found is not None and found[1] != choice.label:
                db.execute("UPDATE variable_choices SET label = ? WHERE id = ?", (f" {order}", found[0]))
        for order, choice in enumerate(row["choices"]):
            found = current.get(choice.code)
            if found is None:
                db.execute("INSERT INTO variable_choices(variable_id, code, label, sort_order) VALUES (?, ?, ?, ?)",
                           (variable_id, choice.code, choice.label, order))
            elif (found[1], found[2]) != (choice.label, order):
                db.execute("UPDATE variable_choices SET label = ?, sort_order = ? WHERE id = ?",
                           (choice.label, order, found[0]))

    def check_fits(self, old: Variable, row: dict) -> None:
        self._check_answers_fit(old, row)

    # -- helpers -------------------------------------------------------------------

    @staticmethod
    def _insert_choices(db, variable_id: int, choices: tuple[Choice, ...]) -> None:
        db.executemany("INSERT INTO variable_choices(variable_id, code, label, sort_order) VALUES (?, ?, ?, ?)",
                       [(variable_id, c.code, c.label, order) for order, c in enumerate(choices)])

    def _check_answers_fit(self, old: Variable, row: dict) -> None:
        answers = self._store.query("SELECT value, count(*) FROM variable_values WHERE variable_id = ? GROUP BY value",
                                    (old.id,))
        used = sum(count for _value, count in answers)
        if not used:
            return
        if row["kind"] != old.kind:
            raise ProjectError(f"{old.name!r} has {used} answer{'s' * (used != 1)}, so its type cannot change. Add "
                               "a new variable instead, or remove this one with its answers.")
        if old.kind in CHOICE_KINDS:
            kept = {choice.code for choice in row["choices"]}
            for value, count in answers:
                lost = [code for code in answer_codes(old, value) if code not in kept]
                if lost:
                    raise ProjectError(f"{count} answer{'s' * (count != 1)} to {old.name!r} use{'s' * (count == 1)} "
                                       f"code {lost[0]} ({old.label_of(lost[0])}); keep that choice, or recode "
                                       "those answers first.")

    def _refuse_taken(self, name: str, variable_id: int | None = None) -> None:
        other = self.by_name(name)
        if other is not None and other.id != variable_id:
            raise ProjectError(f"There is already a variable called {other.name!r}; choose another name.")

    def touched(self) -> None:
        """Say the codebook changed, inside the caller's write (codebook files call it after storing rows)."""
        self._touched()

    def _touched(self) -> None:
        # Variables are part of the codebook: its views reload on this one event per edit.
        if Change(ChangeKind.CODEBOOK_CHANGED) not in (self._store._pending or ()):
            self._store.notify(Change(ChangeKind.CODEBOOK_CHANGED))


def _variable(row: Any, choices: Iterable[Choice]) -> Variable:
    variable_id, name, question, kind, level, required, sort_order = row
    return Variable(variable_id, name, question, kind, level, bool(required), sort_order, tuple(choices))
