"""Small helpers several test modules share."""

from __future__ import annotations


def dump(project) -> list[str]:
    """The whole project database as SQL statements: equal dumps mean identical data."""
    return list(project.store.conn.iterdump())


def span_of(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    """Code-point offsets of the nth (0-based) occurrence of piece in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
        if start < 0:
            raise ValueError(piece)
    return start, start + len(piece)
