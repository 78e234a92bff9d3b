"""Stable REFI-QDA GUIDs: uuid5 of an object's kind and id under a namespace the project keeps.

The namespace is made on the first export and stored in project_info, so a second
export of the same project gives every code, source and selection the GUID it had
before, and a tool that re-imports the file can tell updated objects from new ones.
A project open read-only cannot keep one: it exports with a namespace of that export's
own (and the stored one, once a writable export has made it).
"""

from __future__ import annotations

import uuid

from annotator.core.common.protocols import ProjectLike

INFO_KEY = "refi_namespace"


def project_namespace(project: ProjectLike) -> uuid.UUID:
    """The project's GUID namespace, created (and saved) the first time it is needed.

    Read-only, a new namespace is only this export's: reading must not write. GUIDs
    made from the ids under a fixed namespace instead would give label 1 of every
    project the same GUID, so another tool would merge two projects' codes.
    """
    stored = project.store.info(INFO_KEY)
    if stored:
        try:
            return uuid.UUID(stored)
        except ValueError:
            pass  # a hand-edited value: start a new namespace rather than fail the export
    namespace = uuid.uuid4()
    if not project.store.read_only:
        set_namespace(project, namespace)
    return namespace


def set_namespace(project: ProjectLike, namespace: uuid.UUID) -> None:
    # Bookkeeping, not an edit: there is nothing for the analyst to undo.
    with project.store.write(undoable=False) as db:
        db.execute("INSERT INTO project_info(key, value) VALUES (?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (INFO_KEY, str(namespace)))


class Guids:
    """GUIDs for one export: guid("label", 3), guid("user", "kim")..."""

    def __init__(self, namespace: uuid.UUID):
        self.namespace = namespace

    def __call__(self, kind: str, key: object) -> str:
        return str(uuid.uuid5(self.namespace, f"{kind}:{key}"))
