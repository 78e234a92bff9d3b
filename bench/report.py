"""Results, the environment line, the printed table and the over-target summary."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import dataclass, field


@dataclass
class RowResult:
    """One line of the table: a figure, its target and the reference measured beside it."""

    label: str  # "1", "5a", ...
    title: str
    unit: str  # "ms", "s" or "MB"
    target: float | None  # in `unit`; informational, never a pass/fail criterion
    reference_title: str
    target_ratio: float | None = None  # at most this many times the same-run reference (issue 17)
    samples: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: bool = False  # the row's correctness checks ran and passed
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.checked and bool(self.samples) and bool(self.reference)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        base = statistics.median(self.reference) if self.reference else 0
        return self.median / base if self.ok and base > 0 else None

    @property
    def over_target(self) -> bool:
        if not self.ok:
            return False
        over_ratio = self.target_ratio is not None and self.ratio is not None and self.ratio > self.target_ratio
        return over_ratio or (self.target is not None and self.median > self.target)

    @property
    def target_text(self) -> str:
        """The target column: a figure in `unit`, a ratio to the reference, or both."""
        parts = ([fmt(self.target)] if self.target is not None else []) + \
            ([f"{self.target_ratio:g}x"] if self.target_ratio is not None else [])
        return " and ".join(parts) if parts else "-"


def environment_line() -> str:
    import PySide6
    from PySide6.QtCore import qVersion

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        usable = os.cpu_count()
    try:
        load = " | load %.2f %.2f %.2f" % os.getloadavg()
    except (AttributeError, OSError):
        load = ""
    return (
        f"Python {platform.python_version()} ({sys.implementation.name}) | "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}) | SQLite {sqlite3.sqlite_version} | "
        f"CPUs {os.cpu_count()} (usable {usable}){load} | {platform.system()} {platform.machine()} | "
        f"QPA {os.environ.get('QT_QPA_PLATFORM', 'default')}"
    )


def fmt(value: float) -> str:
    if value < 1:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _line(r: RowResult) -> list[str]:
    target = r.target_text
    if not r.ok:
        return [r.label, r.title, r.unit, "0", "FAILED", "-", "-", target, "-", "-"]
    base = statistics.median(r.reference)
    # Two decimals below 10x: a ratio is read against limits such as 1.3x.
    ratio = (f"{r.median / base:.2f}x" if r.median < 10 * base else f"{r.median / base:,.1f}x") if base > 0 else "-"
    return [r.label, r.title, r.unit, str(len(r.samples)), fmt(r.median), fmt(min(r.samples)),
            fmt(max(r.samples)), target, fmt(base), ratio]


def table(results: list[RowResult]) -> str:
    headers = ["#", "row", "unit", "n", "median", "min", "max", "target", "reference", "ratio"]
    right = {2, 3, 4, 5, 6, 7, 8, 9}
    lines = [_line(r) for r in results]
    widths = [max(len(row[i]) for row in [headers, *lines]) for i in range(len(headers))]

    def render(row: list[str]) -> str:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [render(headers), rule, *(render(row) for row in lines), rule]
    out.append("median/min/max over n timed repetitions; reference = median of the reference measured in this "
               "run, interleaved or right after; ratio = median / reference. Targets are informational.")
    out.append("References:")
    out.extend(f"  {r.label}. {r.reference_title}" for r in results)
    notes = [(r.label, note) for r in results for note in r.notes]
    if notes:
        out.append("Notes:")
        out.extend(f"  {label}. {note}" for label, note in notes)
    errors = [(r.label, r.error) for r in results if not r.ok]
    if errors:
        out.append("FAILURES:")
        out.extend(f"  {label}. {error or 'no measurements recorded'}" for label, error in errors)
    return "\n".join(out)


def over_target_line(results: list[RowResult]) -> str:
    over = [f"{r.label} {r.title.split(':')[0]} ({fmt(r.median)} {r.unit}"
            + (f", {r.ratio:.2f}x" if r.target_ratio is not None else "") + f"; target {r.target_text})"
            for r in results if r.over_target]
    return "rows over target (informational): " + ("; ".join(over) if over else "none")
