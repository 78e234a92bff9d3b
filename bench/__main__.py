"""python -m bench [--repeat N] [--quick] [--only ROW ...] [--no-cache]

Prints an environment line and a table: for each figure its median, min and
max over N repetitions, a baseline measured in the same run, and the ratio.
Exits 0 when every row ran and passed its correctness checks, 1 otherwise.
Nothing is compared against a time target, in any mode.

The bench never touches the user's data: ANNOTATOR_HOME (and the XDG data and
config folders) point at a temporary folder for this process and its children.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="timed repetitions per figure (default 7, or 2 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for CI (50 annotations, 1,000 export and table rows); checks correctness only")
    parser.add_argument("--only", nargs="+", choices=["startup", "open", "tag", "export", "table"],
                        metavar="ROW", help="run only these rows: startup, open, tag, export, table")
    parser.add_argument("--no-cache", action="store_true",
                        help="build fixture projects in the temporary folder instead of bench/.cache/")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 2 if args.quick else 7
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def isolate(scratch: Path) -> Path:
    """Point every per-user folder the app could write to into `scratch`; return ANNOTATOR_HOME."""
    home = scratch / "home"
    home.mkdir()
    os.environ["ANNOTATOR_HOME"] = str(home)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # in case anything bypasses ANNOTATOR_HOME
        folder = scratch / var.lower()
        folder.mkdir()
        os.environ[var] = str(folder)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return home


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    scratch = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        return run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> int:
    home = isolate(scratch)
    # Qt and the app only after the environment is set.
    from annotator.ui.app import create_app

    from . import rows
    from .report import RowResult, environment_line, table

    app = create_app([sys.argv[0]])  # noqa: F841 (kept alive for the in-process rows)
    ctx = rows.Context(
        quick=args.quick, repeat=args.repeat, warmup=1, workdir=scratch / "work", home=home,
        cache=not args.no_cache, open_size=50 if args.quick else 1000, export_size=1000 if args.quick else 100_000,
        table_size=1000 if args.quick else 200_000,
    )
    ctx.workdir.mkdir()
    titles = rows.titles(ctx)
    mode = "quick (correctness only, tiny sizes)" if args.quick else "full"
    print(environment_line())
    print(f"Mode: {mode}; {ctx.repeat} timed repetitions after {ctx.warmup} warm-up; times in ms")
    sys.stdout.flush()

    results = []
    started = time.perf_counter()
    for number, (key, func, baseline_title) in enumerate(rows.ROWS, start=1):
        if args.only and key not in args.only:
            continue
        result = RowResult(number, titles[key], baseline_title)
        print(f"[{number}/{len(rows.ROWS)}] {titles[key]} ...", file=sys.stderr, flush=True)
        row_started = time.perf_counter()
        try:
            func(ctx, result)
        except Exception as exc:  # a failure in one row must not hide the others
            traceback.print_exc()
            result.error = f"{type(exc).__name__}: {exc}"
        else:
            if not result.ok:
                result.error = "no measurements recorded"
        print(f"      done in {time.perf_counter() - row_started:.1f} s", file=sys.stderr, flush=True)
        results.append(result)

    print()
    print(table(results, ctx.repeat))
    print(f"Total bench time {time.perf_counter() - started:.1f} s.")
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} row(s) FAILED.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
