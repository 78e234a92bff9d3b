"""python -m bench [--quick] [--only ROW ...] [--repeat N] [--import-repeat N] [--no-cache] [--profile ROW] [--seconds S]

Prints an environment line and the table of issue 7: for each row its median,
min and max over N repetitions, its target, a reference measured in the same run
and the ratio to it; then a one-line summary of the rows over target.
Exits 0 when every row ran and passed its correctness checks, 1 otherwise.
Targets are informational: no time ever decides pass or fail, in any mode.

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

from .rows import ROW_KEYS

# Rows that build what they measure themselves: run alone, they need no archive (~1 GB at full size).
WITHOUT_ARCHIVE = {"shared"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: the small archive (300 documents), correctness only, under a minute")
    parser.add_argument("--only", nargs="+", choices=ROW_KEYS, metavar="ROW",
                        help="run only these rows: " + ", ".join(ROW_KEYS))
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help="timed repetitions per row (default 7; 2 with --quick; 1 with --profile)")
    parser.add_argument("--import-repeat", type=int, default=1, metavar="N",
                        help="runs of the import row, which takes minutes at full size (default 1)")
    parser.add_argument("--no-cache", action="store_true",
                        help="build the archive in the temporary folder instead of reusing bench/.cache/")
    parser.add_argument("--profile", choices=ROW_KEYS, metavar="ROW",
                        help="run only ROW under cProfile (the app's timed work; a child row profiles the "
                             "child) and print the top 25 entries by cumulative time")
    parser.add_argument("--seconds", type=float, default=None, metavar="S",
                        help="row 11 (shared): how long the 20 coders tag (default 60; 5 with --quick)")
    args = parser.parse_args(argv)
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be more than 0")
    if args.profile:
        args.only = [args.profile]
    if args.repeat is None:
        args.repeat = 1 if args.profile else 2 if args.quick else 7
    if args.repeat < 1 or args.import_repeat < 1:
        parser.error("--repeat and --import-repeat must be at least 1")
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
    import cProfile

    # Qt and the app only after the environment is set.
    from annotator.ui.app import create_app

    from . import archive
    from .common import Context
    from .report import RowResult, environment_line, over_target_line, table
    from .rows import rows

    app = create_app([sys.argv[0]])  # noqa: F841 (kept alive for the in-process rows)
    ctx = Context(quick=args.quick, repeat=args.repeat, warmup=0 if args.quick else 1,
                  workdir=scratch / "work", home=home, spec=archive.SMALL if args.quick else archive.ArchiveSpec(),
                  cache=not args.no_cache, import_repeat=args.import_repeat,
                  profiler=cProfile.Profile() if args.profile else None, shared_seconds=args.seconds)
    ctx.workdir.mkdir()
    mode = "quick (small archive, correctness only)" if args.quick else "full"
    print(environment_line())
    print(f"Mode: {mode}; {ctx.repeat} timed repetitions after {ctx.warmup} warm-up "
          f"(import: {ctx.import_repeat} run, no warm-up); archive {ctx.spec.name}")
    sys.stdout.flush()
    started = time.perf_counter()
    results: list[RowResult] = []
    selected = [row for row in rows() if not args.only or row.key in args.only]
    if any(row.key not in WITHOUT_ARCHIVE for row in selected):
        print("preparing the archive ...", file=sys.stderr, flush=True)
        ctx.archive_source()  # built once and cached; not part of any row's time
    for number, row in enumerate(selected, start=1):
        lines = [RowResult(x.label, x.title, x.unit, x.target, x.reference, x.target_ratio) for x in row.lines(ctx)]
        print(f"[{number}/{len(selected)}] {row.key} ...", file=sys.stderr, flush=True)
        row_started = time.perf_counter()
        try:
            row.run(ctx, lines)
        except Exception as exc:  # a failure in one row must not hide the others
            traceback.print_exc()
            for result in lines:
                if not result.ok:
                    result.error = f"{type(exc).__name__}: {exc}"
        print(f"      done in {time.perf_counter() - row_started:.1f} s", file=sys.stderr, flush=True)
        results.extend(lines)

    print()
    print(table(results))
    print(over_target_line(results))
    print(f"Total bench time {time.perf_counter() - started:.1f} s.")
    if args.profile:
        print_profile(ctx)
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"{len(failed)} row(s) FAILED.")
        return 1
    return 0


def print_profile(ctx) -> None:
    import pstats

    print()
    files = [str(f) for f in ctx.profile_files if f.exists()]
    if files:
        stats = pstats.Stats(*files, stream=sys.stdout)
        print(f"Profile of the child process ({len(files)} run(s) merged), top 25 by cumulative time:")
    else:
        stats = pstats.Stats(ctx.profiler, stream=sys.stdout)
        print("Profile of the app's timed work in this process, top 25 by cumulative time:")
    stats.sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    sys.exit(main())
