"""The default project in the user's data folder, seeded with the bundled articles on first launch."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.core.store.paths import default_project_path


def open_default_project(*, take_over: bool = False, check_later: bool = False) -> Project:
    """Open the default project; on first launch create it with the bundled seed articles."""
    path = default_project_path()
    first_launch = not path.exists()
    project = Project(path, take_over=take_over, check_later=check_later)
    if first_launch:
        from annotator.core.corpus.importing import (
            import_seeds,  # charset detection loads tables; only the first launch needs it
        )

        import_seeds(project)
    return project
