"""Results, the environment line and the printed table."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import dataclass, field


@dataclass
class RowResult:
    number: int
    title: str
    baseline_title: str
    samples: list[float] = field(default_factory=list)  # milliseconds
    baseline: list[float] = field(default_factory=list)  # milliseconds
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples) and bool(self.baseline)


def environment_line() -> str:
    import PySide6
    from PySide6.QtCore import qVersion

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        usable = os.cpu_count()
    return (
        f"Python {platform.python_version()} ({sys.implementation.name}) | "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}) | SQLite {sqlite3.sqlite_version} | "
        f"CPUs {os.cpu_count()} (usable {usable}) | {platform.system()} {platform.machine()} | "
        f"QPA {os.environ.get('QT_QPA_PLATFORM', 'default')}"
    )


def fmt_ms(value: float) -> str:
    if value < 1:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.2f}"
    return f"{value:,.1f}"


def table(results: list[RowResult], repeat: int) -> str:
    headers = ["#", "figure", "n", "median ms", "min ms", "max ms", "baseline ms", "ratio"]
    right = {0, 2, 3, 4, 5, 6, 7}
    lines: list[list[str]] = []
    for r in results:
        if r.ok:
            median, base = statistics.median(r.samples), statistics.median(r.baseline)
            ratio = f"{median / base:,.1f}x" if base > 0 else "-"
            lines.append([str(r.number), r.title, str(len(r.samples)), fmt_ms(median), fmt_ms(min(r.samples)),
                          fmt_ms(max(r.samples)), fmt_ms(base), ratio])
        else:
            lines.append([str(r.number), r.title, "0", "FAILED", "-", "-", "-", "-"])
    widths = [max(len(row[i]) for row in [headers, *lines]) for i in range(len(headers))]

    def render(row: list[str]) -> str:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [render(headers), rule, *(render(row) for row in lines), rule]
    out.append(f"median/min/max over the repetitions (n); baseline = median of the baseline over {repeat} "
               "repetitions in this run; ratio = median / baseline median.")
    out.append("Baselines:")
    for r in results:
        out.append(f"  {r.number}. {r.baseline_title}")
    notes = [(r.number, note) for r in results for note in r.notes]
    errors = [(r.number, r.error) for r in results if r.error]
    if notes:
        out.append("Notes:")
        out.extend(f"  {number}. {note}" for number, note in notes)
    if errors:
        out.append("FAILURES:")
        out.extend(f"  {number}. {error}" for number, error in errors)
    return "\n".join(out)
