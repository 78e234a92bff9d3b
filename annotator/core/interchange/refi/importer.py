"""Import REFI-QDA files: a .qdpx project into a project, a .qdc codebook into a codebook.

Each file is imported whole or not at all: the file is read and checked first
(reading.py, plan.py), then written in one transaction that any problem rolls
back. A .qdpx exported by Annotator into a project that holds nothing yet is
restored exactly, ids included; anything else is merged (see writer.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from annotator.core.coding.codebook_files import codebook_data, default_codebook, validate_codebook
from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.names import shown
from annotator.core.common.protocols import ProjectLike
from annotator.core.interchange.refi.codes import children, read_codes
from annotator.core.interchange.refi.plan import Plan, read_plan
from annotator.core.interchange.refi.reading import Archive, Refused, local, parse_xml, read_codebook_bytes
from annotator.core.interchange.refi.writer import RefiImport, Writer

__all__ = ["RefiImport", "import_qdc", "import_qdpx", "is_pristine"]


def is_pristine(project: ProjectLike) -> bool:
    """Nothing in the project yet: no documents, no entities, and the default codebook untouched."""
    conn = project.store.conn
    if conn.execute("SELECT EXISTS(SELECT 1 FROM documents) OR EXISTS(SELECT 1 FROM entities)").fetchone()[0]:
        return False
    try:
        return validate_codebook(codebook_data(project)) == validate_codebook(default_codebook())
    except ProjectError:
        return False


def import_qdpx(project: ProjectLike | Callable[[], ProjectLike], path: str | os.PathLike) -> RefiImport:
    """Import a REFI-QDA project into an open project, or into the one `project()` opens (and closes after).

    The opener is called only once the file has been read and found sound, so a refused file
    creates no project file.
    """
    path = Path(path)
    # The whole file is read and checked before the project is opened: a refused file creates nothing.
    with Archive(path) as archive:
        try:
            plan = read_plan(archive.project_xml(), archive)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise Refused(f"{shown(path.name)}: its annotator: lines do not have the documented form ({exc}); "
                          "the file is damaged. Nothing was imported; export it again.") from None
    if not callable(project):
        return _import_plan(project, path, plan)
    with project() as opened:
        return _import_plan(opened, path, plan)


def _import_plan(project: ProjectLike, path: Path, plan: Plan) -> RefiImport:
    restore = plan.ours and is_pristine(project)
    report = RefiImport(shown(path.name), "restored" if restore else "merged")
    # Documents are created, not edited: like any document import this is not an undoable edit.
    with _refusing(shown(path.name)), project.store.write(undoable=False) as db:
        # Restored rows arrive parents and children in any order; the keys are checked at commit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        writer = Writer(project, db, report, restore=restore)
        writer.labels(plan.labels)
        writer.entities(plan)
        writer.documents(plan)
    if not restore and report.document_ids:
        # Like any document import, new articles are checked for near-duplicates (a restore brings its flags).
        project.duplicates.scan(report.document_ids)
    return report


def import_qdc(project: ProjectLike, path: str | os.PathLike) -> RefiImport:
    """Bring a REFI-QDA codebook into the project's codebook as one undoable edit.

    Codes map to labels of the same name; the others are added (see codes.py for
    how codes from other tools find their layer).
    """
    path = Path(path)
    root = parse_xml(read_codebook_bytes(path), shown(path.name))
    if local(root.tag) != "CodeBook":
        raise Refused(f"{shown(path.name)} holds a <{local(root.tag)}>, not a REFI-QDA <CodeBook>. "
                      "Choose a .qdc codebook exported by a QDA program.")
    labels = []
    for codes in children(root, "Codes"):
        labels += read_codes(codes, shown(path.name), lambda _code: "")[0]
    report = RefiImport(shown(path.name), "codebook")
    for sets in children(root, "Sets"):
        for item in children(sets, "Set"):
            report.notes.append(f"The set ‘{item.get('name') or ''}’ was not kept: Annotator's codebook has no sets.")
    with _refusing(shown(path.name)), project.store.write():
        Writer(project, None, report).labels(labels)
    return report


class _refusing:
    """Turn a refusal found while writing into one message that names the file; the write has rolled back."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, _tb) -> bool:
        if exc is None or isinstance(exc, Refused):
            return False
        if isinstance(exc, (ProjectError, AnnotationError)):
            raise Refused(f"{self.name}: {exc} Nothing was imported.") from None
        # A hostile or damaged payload can break a constraint or hand SQLite a value of the wrong type.
        if isinstance(exc, (sqlite3.Error, TypeError, ValueError, KeyError)):
            raise Refused(f"{self.name}: its parts do not fit together ({exc}); the file is damaged. "
                          "Nothing was imported; export it again from the tool that made it.") from None
        return False
