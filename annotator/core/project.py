"""A project: one file holding documents, codebook and annotations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import platformdirs

from .annotations import Annotations
from .attributes import AttributeValues
from .codebook import Codebook, default_codebook
from .documents import Documents
from .errors import ProjectError, is_disk_full
from .duplicates import Duplicates
from .entities import Entities
from .metadata import DocumentMetadata
from .store import Store

PROJECT_SUFFIX = ".annotator"
APP_NAME = "Annotator"


class Project:
    def __init__(self, path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                 take_over: bool = False):
        """Open (or create) a project for editing; raises lock.ProjectLocked when another Annotator has it.

        read_only opens it for reading only, beside that other Annotator; a file without
        write permission opens read-only by itself (store.read_only_reason says why).
        take_over clears an old lock from another computer; only when the analyst asked to.
        """
        self.store = Store(Path(path), create=create, read_only=read_only, take_over=take_over)
        try:
            self._attach()
            if not self.codebook.labels() and not self.store.read_only:
                self.codebook.install(default_codebook())
        except BaseException as exc:
            self.store.close()
            if isinstance(exc, sqlite3.DatabaseError) and is_disk_full(exc):
                # Rolled back whole: the next open with room installs the codebook.
                raise ProjectError(f"The disk holding {self.store.path.name} is full, so its starting codebook "
                                   f"could not be saved ({exc}). Free some disk space and open it again.") from exc
            raise

    def _attach(self) -> None:
        self.codebook = Codebook(self.store)
        self.documents = Documents(self.store)
        self.annotations = Annotations(self.store, self.codebook)
        self.entities = Entities(self.store, self.codebook, self.annotations)
        self.values = AttributeValues(self.store, self.codebook)
        self.duplicates = Duplicates(self.store)
        self.metadata = DocumentMetadata(self.store)

    def for_worker(self) -> "Project":
        """This project over a second connection, for a long job on another thread (see Store.for_worker).

        Changes it commits reach only its own listeners; close it when the job ends.
        """
        worker = Project.__new__(Project)
        worker.store = self.store.for_worker()
        try:
            worker._attach()
        except BaseException:
            worker.store.close()
            raise
        return worker

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(PROJECT_SUFFIX)

    def subscribe(self, listener):
        return self.store.subscribe(listener)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def data_dir() -> Path:
    """Where the default project lives; ANNOTATOR_HOME overrides it (tests, portable installs)."""
    override = os.environ.get("ANNOTATOR_HOME")
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"


def open_default_project(*, take_over: bool = False) -> Project:
    """Open the default project; on first launch create it with the bundled seed articles."""
    path = default_project_path()
    first_launch = not path.exists()
    project = Project(path, take_over=take_over)
    if first_launch:
        from .importing import import_seeds  # charset detection loads tables; only the first launch needs it

        import_seeds(project)
    return project
