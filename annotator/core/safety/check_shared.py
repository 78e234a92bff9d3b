"""`annotator check --project URL`: a shared project checked by Annotator's own rules.

The rules (every span's text equals its document's there, codes point at labels of their
layer, keys point at rows, ...) are check.py's, run over a copy pulled from the server as
of one moment, so the server is read and never changed. What is the file's own (SQLite's
page checks, its search index) says nothing about the server and is left out: the server
keeps its pages and its search index itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.safety.check import CheckReport, check_project
from annotator.core.store.pg.locations import describe

_FILE_ONLY = ("SQLite integrity check", "Search index")


def check_shared(url: str) -> CheckReport:
    """Check the shared project at url; never raises for a bad project, the report says."""
    from annotator.core.store.pg.transfer import pull  # psycopg loads only for a shared project

    with tempfile.TemporaryDirectory(prefix="annotator-check-") as folder:
        copy = Path(folder) / "shared.annotator"
        try:
            pull(url, copy)
        except ProjectError as exc:
            report = CheckReport(Path(describe(url)))
            report.error = str(exc)
            return report
        report = check_project(copy)
    report.path = describe(url)
    report.passed = [line for line in report.passed if not line.startswith(_FILE_ONLY)]
    return report
