"""The command-line tests' project on each engine: a file, or a fresh shared project's URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.engines import ENGINES, location


@pytest.fixture(params=ENGINES)
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's project lives, as `--project` takes it: tmp_path/study.annotator (not created yet),
    or the URL of a fresh, empty shared project. Tests about files (locks, backups, damage) use a path."""
    return location(request, tmp_path, "study.annotator", engine=request.param)
