"""A project: one file holding documents, codebook and annotations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.core.coding.annotations import Annotations
from annotator.core.coding.attributes import AttributeValues
from annotator.core.coding.coders import Coders
from annotator.core.coding.codesheet import Codesheet
from annotator.core.coding.codebook import Codebook, default_codebook
from annotator.core.coding.variables import Variables
from annotator.core.common.errors import ProjectError, is_disk_full
from annotator.core.corpus.documents import Documents
from annotator.core.corpus.duplicates import Duplicates
from annotator.core.corpus.metadata import DocumentMetadata
from annotator.core.entities.registry import Entities
from annotator.core.safety.backup import make_backup
from annotator.core.store.database import Store
from annotator.core.store.paths import PROJECT_SUFFIX
from annotator.core.store.pg.locations import is_url


class Project:
    def __init__(self, path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                 take_over: bool = False, check_later: bool = False):
        """Open (or create) a project for editing; raises lock.ProjectLocked when another Annotator has it.

        read_only opens it for reading only, beside that other Annotator; a file without
        write permission opens read-only by itself (store.read_only_reason says why).
        take_over clears an old lock from another computer; only when the analyst asked to.
        check_later: see Store (the window's opening, which checks the file once it is shown).
        """
        if is_url(path):
            from annotator.core.store.pg.shared import SharedStore  # psycopg loads only for a shared project

            self.store = SharedStore(path, read_only=read_only)
        else:
            self.store = Store(Path(path), create=create, read_only=read_only, take_over=take_over,
                               backup=make_backup, check_later=check_later)
        try:
            self._attach()
            # On a shared project only an owner may write the codebook (store/pg/roles.py).
            if not self.codebook.labels() and not self.store.read_only and getattr(self.store, "role", None) in (
                    None, "owner"):
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
        self.coders = Coders(self.store)
        self.annotations = Annotations(self.store, self.codebook, self.coders)
        self.variables = Variables(self.store)
        self.codesheet = Codesheet(self.store, self.variables, self.coders)
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
            worker.coders.current_name = self.coders.person_name  # a job writes as whoever started it
            worker.coders.writing_gold = self.coders.writing_gold
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

