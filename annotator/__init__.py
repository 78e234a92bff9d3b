"""Annotator: code claims, entities and stance in news articles."""

_found: list[str] = []


def __getattr__(name: str):
    if name == "__version__":
        if not _found:
            _found.append(_from_dist_info() or _from_metadata())
        return _found[0]
    raise AttributeError(name)


def _from_dist_info() -> str | None:
    """The version in the installed package's folder name (annotator-0.1.0.dist-info) on sys.path, or None.

    What importlib.metadata finds the same way, without its tens of milliseconds of imports
    (email, csv, zipfile): the project lock names the version at every opening, start-up included.
    """
    import os
    import sys

    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("annotator-") and name.endswith(".dist-info"):
                return name.removeprefix("annotator-").removesuffix(".dist-info")
    return None


def _from_metadata() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("annotator")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0"
