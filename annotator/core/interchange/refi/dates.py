"""Dates written by other QDA programs, read as ISO 8601 UTC like every date Annotator stores.

xsd:dateTime is what the standard asks for, but files in the wild hold variations:
QualCoder round trips give `2026-12-06T04:29:41+00:00Z`, NVivo writes seven-digit
fractions, some tools leave out the zone (read as UTC, which REFI-QDA files use),
write a space for the T, a date alone, or an offset without its colon (+0900).
Whatever cannot be read as a date gives None; the caller falls back, and the
import goes on: a date is never a reason to refuse a file.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_DATE = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?(?:\s*Z)?$", re.IGNORECASE)


def utc(value: str | None) -> str | None:
    """The moment as YYYY-MM-DDTHH:MM:SS+00:00 (whole seconds), or None when it is not a readable date."""
    if not value:
        return None
    found = _DATE.match(value.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, _fraction, zone = found.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          tzinfo=_zone(zone))
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    except (ValueError, OverflowError):  # 31 February, hour 25, or a moment the calendar cannot hold
        return None


def _zone(zone: str | None) -> timezone:
    if zone is None or zone.upper() in ("Z", "UTC", "GMT"):
        return timezone.utc
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if zone[0] == "-" else offset)
