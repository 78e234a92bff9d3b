"""Annotator: code claims, entities and stance in news articles."""


def __getattr__(name: str):
    # importlib.metadata costs tens of milliseconds; only --version and About need it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("annotator")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(name)
