"""Window and preference settings, kept beside the default project."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from annotator.core.store.paths import APP_NAME, data_dir

MAX_RECENT = 8


def settings() -> QSettings:
    if os.environ.get("ANNOTATOR_HOME"):
        folder = data_dir()
    else:
        folder = platformdirs.user_config_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.IniFormat)


def recent_projects() -> list[Path]:
    values = settings().value("recent_projects", []) or []
    if isinstance(values, str):
        values = [values]
    return [Path(v) for v in values if Path(v).exists()]


def remember_project(path: Path) -> None:
    path = Path(path).resolve()
    paths = [p for p in recent_projects() if p.resolve() != path]
    s = settings()
    s.setValue("recent_projects", [str(p) for p in [path, *paths][:MAX_RECENT]])
    s.sync()
