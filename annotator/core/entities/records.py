"""Records the entity registry hands out: mentions, candidates for tagging, and where an entity is used."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    """An entity span linked to the entity, with the line it sits in."""

    annotation_id: int
    document_id: int
    document_title: str
    start: int
    end: int
    text: str
    context: str


@dataclass(frozen=True)
class Candidate:
    """An occurrence of an entity's name or alias that could be tagged as a mention."""

    document_id: int
    document_title: str
    start: int
    end: int
    text: str
    context: str
    tagged: bool  # an entity span already covers exactly this stretch


@dataclass(frozen=True)
class Use:
    """One annotation that refers to an entity."""

    annotation_id: int
    document_id: int
    document_title: str


@dataclass(frozen=True)
class EntityUsage:
    """Where an entity is referred to: as a tagged mention, or as a claim's source or a stance's target or holder."""

    mentions: tuple[Use, ...] = ()
    sources: tuple[Use, ...] = ()
    targets: tuple[Use, ...] = ()
    holders: tuple[Use, ...] = ()

    @property
    def in_roles(self) -> tuple[Use, ...]:
        return self.sources + self.targets + self.holders

    def describe_roles(self) -> str:
        """e.g. "the source of 2 claims and the target of 1 stance (in ‘A’, ‘B’ and 3 more)"."""
        parts = [f"the {role} of {_count(len(uses), noun)}"
                 for role, noun, uses in (("source", "claim", self.sources), ("target", "stance", self.targets),
                                          ("holder", "stance", self.holders)) if uses]
        titles = list(dict.fromkeys(use.document_title for use in self.in_roles))
        shown = ", ".join(f"‘{_short(title)}’" for title in titles[:3])
        if len(titles) > 3:
            shown += f" and {len(titles) - 3} more"
        return f"{_and(parts)} (in {shown})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _short(title: str) -> str:
    return title if len(title) <= 40 else title[:39] + "…"
