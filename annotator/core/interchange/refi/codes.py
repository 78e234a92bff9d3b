"""A REFI-QDA code tree, read into the labels it becomes.

Annotator's own files say in each Code's payload which layer, key, attributes and
id it has. A code from another tool has none of that, so:
- a top-level non-codable code named like a layer (Entity, Claim, Stance) holds
  that layer's codes; every other code goes to the claim layer, the layer for
  "this passage is coded X", unless the project has a label of that name in
  another layer (writer.py matches it there: the layer was only a guess);
- a non-codable code becomes a group, a codable one a label;
- labels cannot hold labels, so the sub-codes of a codable code are placed beside
  it, and their memo says where they were;
- label names are unique in a codebook, so a repeated name gets its parent's name
  in brackets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from annotator.core.common.model import LAYER_NAMES, LAYERS
from annotator.core.interchange.refi import payload
from annotator.core.interchange.refi.reading import Refused, local

MAX_DEPTH = 64
_LAYER_BY_NAME = {name.casefold(): layer for layer, name in LAYER_NAMES.items()}


@dataclass
class PlanAttribute:
    id: int | None
    name: str
    kind: str
    choices: list[str]
    required: bool
    description: str
    sort_order: int


@dataclass
class PlanLabel:
    guid: str
    name: str
    layer: str
    is_group: bool
    parent: str | None = None  # the parent group's guid
    key: str | None = None
    color: str | None = None
    description: str = ""
    memo: str = ""
    id: int | None = None
    sort_order: int | None = None
    attributes: list[PlanAttribute] = field(default_factory=list)
    guessed: bool = False  # the file did not say the layer: a code of another tool outside any layer code


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child_text(element: Element, name: str) -> str | None:
    found = children(element, name)
    return (found[0].text or "") if found else None


def _color(value: str | None) -> str | None:
    if not value or not value.startswith("#"):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return None
    return "#" + digits.upper()


def _attributes(what: str, raw: Any) -> list[PlanAttribute]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise Refused(f"{what}: the attributes in its annotator: line are not a list of objects.")
    found = []
    for order, item in enumerate(raw):
        choices = item.get("choices") or []
        found.append(PlanAttribute(as_int(item.get("id")), str(item.get("name") or ""), str(item.get("kind") or ""),
                                   [str(c) for c in choices] if isinstance(choices, list) else [],
                                   item.get("required") is True, str(item.get("description") or ""),
                                   as_int(item.get("sort_order"), order)))
    return found


def as_int(value: Any, default: int | None = None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def read_codes(codes: Element, what: str, memo_of: Callable[[Element], str]) -> tuple[list[PlanLabel], bool]:
    """The labels, in tree order, and whether every code came from Annotator.

    memo_of(code) gives a code's notes as text (a .qdc has none).
    """
    labels: list[PlanLabel] = []
    used: set[str] = set()
    ours = True

    def visit(code: Element, layer: str, parent: PlanLabel | None, beside: PlanLabel | None, depth: int,
              guessed: bool) -> None:
        nonlocal ours
        if depth > MAX_DEPTH:
            raise Refused(f"{what}: codes nest more than {MAX_DEPTH} deep, which no codebook needs; "
                          "the file was refused.")
        guid = code.get("guid") or ""
        human, data = payload.split(child_text(code, "Description"))
        data = data if data and data.get("kind") == "label" else None
        ours = ours and data is not None
        codable = code.get("isCodable", "true").strip().lower() in ("true", "1")
        name = " ".join(str((data or {}).get("name", code.get("name") or "")).split()) or "Unnamed code"
        if data is None:
            name = _unique(name, used, parent)
        used.add(name.casefold())
        notes = memo_of(code)  # read even when the payload has the exact memo: the notes are used
        memo = (data or {}).get("memo")
        if not isinstance(memo, str):
            memo = notes
        if beside is not None:
            memo = "\n\n".join(part for part in (memo, f"In the REFI-QDA file this code sat under ‘{beside.name}’.")
                               if part)
        label = PlanLabel(guid, name, layer, not codable if data is None else data.get("group") is True,
                          parent.guid if parent else None,
                          key=data.get("key") if data else None, color=_color(code.get("color")),
                          description=str(data.get("description", human)) if data else human, memo=memo,
                          id=as_int(data.get("id")) if data else None,
                          sort_order=as_int(data.get("sort_order")) if data else None,
                          attributes=_attributes(f"{what}: code ‘{name}’", data.get("attributes")) if data else [],
                          guessed=guessed)
        labels.append(label)
        for child in children(code, "Code"):
            if label.is_group:
                visit(child, layer, label, None, depth + 1, guessed)
            else:  # a label holds no labels: its sub-codes go beside it
                visit(child, layer, parent, label, depth + 1, guessed)

    for top in children(codes, "Code"):
        _human, data = payload.split(child_text(top, "Description"))
        layer = data.get("layer") if data and data.get("kind") == "layer" else None
        if data is not None and layer not in LAYERS:
            raise Refused(f"{what}: a layer code names the layer {layer!r}; Annotator has {', '.join(LAYERS)}.")
        if layer is None and top.get("isCodable", "true").strip().lower() in ("false", "0"):
            layer = _LAYER_BY_NAME.get(" ".join((top.get("name") or "").split()).casefold())
        if layer is not None:
            for child in children(top, "Code"):
                visit(child, layer, None, None, 1, False)
        else:
            ours = False
            visit(top, "claim", None, None, 1, True)
    return labels, ours


def _unique(name: str, used: set[str], parent: PlanLabel | None) -> str:
    if name.casefold() not in used:
        return name
    if parent is not None and f"{name} ({parent.name})".casefold() not in used:
        return f"{name} ({parent.name})"
    number = 2
    while f"{name} ({number})".casefold() in used:
        number += 1
    return f"{name} ({number})"
