"""What the annotation table's filter bar offers and how it compares what the analyst types.

The table (and corpus search) lists registry entities and attribute names and values to
pick from; typed names match as the entity registry matches them (entity_text.fold).
"""

from __future__ import annotations

import json

from annotator.core.common.folding import fold
from annotator.core.common.protocols import ProjectLike


def entity_choices(project: ProjectLike) -> list[tuple[int, str]]:
    """Registry entities to filter by, as (id, name) in name order."""
    rows = project.store.conn.execute("SELECT id, name FROM entities").fetchall()
    return sorted(((row[0], row[1]) for row in rows), key=lambda item: (fold(item[1]), item[0]))


def entity_named(project: ProjectLike, name: str) -> int | None:
    """The registry entity a typed name or alias stands for (case, width and spacing aside), or None."""
    wanted = fold(name)
    if not wanted:
        return None
    rows = project.store.conn.execute(
        "SELECT id, name, 0 FROM entities UNION ALL SELECT entity_id, alias, 1 FROM entity_aliases"
    ).fetchall()
    # A name beats an alias, and the older entity wins a tie, so the answer never depends on row order.
    hits = sorted((by_alias, entity_id) for entity_id, text, by_alias in rows if fold(text) == wanted)
    return hits[0][1] if hits else None


def attribute_names(project: ProjectLike) -> list[str]:
    """Every attribute name in the codebook, once each (labels may share a name, e.g. verdict)."""
    names: dict[str, str] = {}
    for (name,) in project.store.conn.execute("SELECT name FROM label_attributes ORDER BY sort_order, id"):
        names.setdefault(fold(name), name)
    return sorted(names.values(), key=fold)


def attribute_values(project: ProjectLike, name: str) -> list[str]:
    """Values an attribute of this name offers (its choices) or holds somewhere, for completion."""
    values: dict[str, str] = {}
    conn = project.store.conn
    for attribute_id, attribute_name, choices in conn.execute("SELECT id, name, choices FROM label_attributes"):
        if fold(attribute_name) == fold(name):
            used = conn.execute("SELECT DISTINCT value FROM annotation_values WHERE attribute_id = ?", (attribute_id,))
            for value in [*_choices(choices), *(row[0] for row in used)]:
                if fold(value):
                    values.setdefault(fold(value), value)
    return sorted(values.values(), key=fold)


def _choices(stored: str | None) -> list[str]:
    try:
        listed = json.loads(stored or "[]")
    except ValueError:
        return []
    return [str(value) for value in listed] if isinstance(listed, list) else []
