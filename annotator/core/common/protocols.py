"""What the core's functions need of an open project, as a type they can name without importing it.

`annotator.core.project.Project` sits above every subdomain it ties together, so a function
below it (an import, an export, a backup) takes any object of this shape instead: the
project itself, its worker copy, or a test's stand-in. The types named here are imported
for type checkers only; at run time this module imports nothing of the core.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from annotator.core.coding.annotations import Annotations
    from annotator.core.coding.attributes import AttributeValues
    from annotator.core.coding.codebook import Codebook
    from annotator.core.coding.coders import Coders
    from annotator.core.coding.codesheet import Codesheet
    from annotator.core.coding.variables import Variables
    from annotator.core.corpus.documents import Documents
    from annotator.core.corpus.duplicates import Duplicates
    from annotator.core.corpus.metadata import DocumentMetadata
    from annotator.core.entities.registry import Entities
    from annotator.core.store.database import Change, Store


class ProjectLike(Protocol):
    store: Store
    codebook: Codebook
    coders: Coders
    variables: Variables
    codesheet: Codesheet
    documents: Documents
    annotations: Annotations
    entities: Entities
    values: AttributeValues
    duplicates: Duplicates
    metadata: DocumentMetadata

    @property
    def path(self) -> Path: ...

    @property
    def name(self) -> str: ...

    @property
    def read_only(self) -> bool: ...

    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]: ...

    def for_worker(self) -> ProjectLike: ...

    def close(self) -> None: ...

    def __enter__(self) -> ProjectLike: ...

    def __exit__(self, *exc: object) -> None: ...
