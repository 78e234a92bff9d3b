"""`python -m annotator`: the same as the `annotator` command."""

import multiprocessing

from annotator.cli import main

# Guarded: a large import starts worker processes with 'spawn', which imports this module
# again in each worker (as __mp_main__); unguarded, every worker would start the app.
if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
