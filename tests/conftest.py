"""Shared fixtures: headless Qt, an isolated data folder, and throw-away projects."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: GUI tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.common.model import Label  # noqa: E402
from annotator.core.project import Project  # noqa: E402


@pytest.fixture(autouse=True)
def annotator_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, never the user's real one."""
    home = tmp_path_factory.mktemp("annotator_home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    p = Project(tmp_path / "test.annotator")
    yield p
    p.close()


@pytest.fixture
def doc_factory(project: Project) -> Callable[..., int]:
    """Add a document to `project`: doc_factory("text") -> id. Titles are numbered."""
    counter = iter(range(1, 1_000_000))

    def make(text: str, title: str | None = None, **kw) -> int:
        return project.documents.add(title=title or f"Doc {next(counter)}", text=text, **kw)

    return make


@pytest.fixture
def label(project: Project) -> Callable[[str], Label]:
    """Look a codebook label up by name, failing loudly when it is missing."""

    def get(name: str) -> Label:
        found = project.codebook.by_name(name)
        assert found is not None, f"no label {name!r} in the codebook"
        return found

    return get
