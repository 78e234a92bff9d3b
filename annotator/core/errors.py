"""Errors the core raises for the user to read: each says what went wrong and what to do."""


class ProjectError(Exception):
    """A project file cannot be opened or changed as asked."""


class AnnotationError(ValueError):
    """An annotation request does not fit the document or the codebook."""


class ImportRefused(Exception):
    """A file cannot become a document; the reason says why and, where it can, what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
