"""Window and preference settings, kept beside the default project."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from annotator.core.store.paths import APP_NAME, data_dir
from annotator.core.store.pg.locations import is_url, without_password

MAX_RECENT = 8


def settings() -> QSettings:
    if os.environ.get("ANNOTATOR_HOME"):
        folder = data_dir()
    else:
        folder = platformdirs.user_config_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.IniFormat)


def recent_projects() -> list[Path | str]:
    """Project files that still exist, and shared projects' URLs (kept without their password)."""
    values = settings().value("recent_projects", []) or []
    if isinstance(values, str):
        values = [values]
    return [v if is_url(v) else Path(v) for v in values if is_url(v) or Path(v).exists()]


def remember_project(location: Path | str) -> None:
    # A password typed into the connection form lives in memory only: libpq finds it
    # again in PGPASSWORD, ~/.pgpass or a service file, or the window asks once more.
    entry = without_password(location) if is_url(location) else Path(location).resolve()
    kept = [p for p in recent_projects() if (p if is_url(p) else p.resolve()) != entry]
    s = settings()
    values = [str(p) for p in [entry, *kept][:MAX_RECENT]]
    stored = s.value("recent_projects", []) or []
    if (stored if isinstance(stored, list) else [stored]) == values:
        return  # reopening the last project (every start-up): no write and sync of the file
    s.setValue("recent_projects", values)
    s.sync()
