"""Where project files live: the suffix they carry and the user's data folder that holds the default one."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PROJECT_SUFFIX = ".annotator"
APP_NAME = "Annotator"


def data_dir() -> Path:
    """Where the default project lives; ANNOTATOR_HOME overrides it (tests, portable installs)."""
    override = os.environ.get("ANNOTATOR_HOME")
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"
