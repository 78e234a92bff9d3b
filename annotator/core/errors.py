"""Errors the core raises for the user to read: each says what went wrong and what to do."""


class ProjectError(Exception):
    """A project file cannot be opened or changed as asked."""


class AnnotationError(ValueError):
    """An annotation request does not fit the document or the codebook."""
