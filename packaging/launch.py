"""The bundle's entry point: the same as the `annotator` command."""

import multiprocessing

# First thing, before the app loads: a large import starts worker processes, which in a
# frozen app are this same executable started again; freeze_support turns such a start
# into a worker (PyInstaller's runtime hook makes it do so on Linux and macOS too).
if __name__ == "__main__":
    multiprocessing.freeze_support()

    from annotator.cli import main

    raise SystemExit(main())
