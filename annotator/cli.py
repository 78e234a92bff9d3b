"""The `annotator` command: the desktop app, plus import, export and stats for scripts.

Only the GUI path imports Qt, so the subcommands work on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from .core.errors import ProjectError
from .core.project import Project, default_project_path

PROG = "annotator"


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors; keep main() returning an int
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        from .ui.app import run_gui  # lazy: the subcommands must never load Qt

        return run_gui(args.top_project)
    try:
        return args.handler(args)
    except ProjectError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(_describe_os_error(exc))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Annotate claims, entities and stance in news articles. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    # A separate dest from the subcommands' --project: argparse lets a subparser's
    # default overwrite the parent's value, which would drop `annotator --project X stats`.
    parser.add_argument("--project", dest="top_project", type=Path, metavar="PATH",
                        help="project file to open in the app (default: your default project)")
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    default_note = f"default: your default project, {default_project_path()}"

    p = commands.add_parser("import", help="import text files into a project",
                            description="Import text files into a project, one document per file. "
                            "Folders are searched for .txt and .text files.")
    p.add_argument("--project", type=Path, metavar="PATH",
                   help=f"project file, created if it does not exist ({default_note})")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR",
                   help="a text file, or a folder to import every .txt/.text file from")
    p.set_defaults(command="import", handler=_cmd_import)

    p = commands.add_parser("export", help="export annotations, documents, entities or memos as CSV",
                            description="Export a project as CSV (see docs/csv-format.md for the columns).")
    p.add_argument("--project", type=Path, metavar="PATH", help=f"project file ({default_note})")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="CSV file to write (replaced)")
    p.add_argument("--what", choices=("annotations", "documents", "entities", "memos"), default="annotations",
                   help="one row per annotation (default), per document, per registry entity, "
                   "or per memo and note")
    p.add_argument("--excel", action="store_true",
                   help="for opening in Excel: adds a byte-order mark and makes formula-like cells inert; "
                   "text is then no longer exact, so use the default for analysis")
    p.set_defaults(command="export", handler=_cmd_export)

    p = commands.add_parser("stats", help="count documents and annotations",
                            description="Show document, status, layer and label counts for a project.")
    p.add_argument("--project", type=Path, metavar="PATH", help=f"project file ({default_note})")
    p.set_defaults(command="stats", handler=_cmd_stats)
    return parser


def _cmd_import(args: argparse.Namespace) -> int:
    from .core.importing import import_paths  # pulls in charset detection; only this command needs it

    project_path = args.project or args.top_project
    if project_path is None:
        from .core.project import open_default_project

        project = open_default_project()
    else:
        project = Project(project_path, create=True)
    with project:
        report = import_paths(project, args.paths, on_progress=_progress_printer())
    for line in report.summary_lines():
        print(line)
    return 0 if report.ok else 1


def _cmd_export(args: argparse.Namespace) -> int:
    from .core.exporting import EXPORTERS

    with _open_existing(args) as project:
        count = EXPORTERS[args.what](project, args.out, excel=args.excel)
    noun = args.what if count != 1 else _SINGULAR[args.what]
    print(f"Wrote {count} {noun} to {args.out}")
    return 0


_SINGULAR = {"annotations": "annotation", "documents": "document", "entities": "entity", "memos": "memo"}


def _cmd_stats(args: argparse.Namespace) -> int:
    from .core.stats import format_stats, project_stats

    with _open_existing(args) as project:
        print(f"Project: {project.path}")
        print(format_stats(project_stats(project)))
    return 0


def _open_existing(args: argparse.Namespace) -> Project:
    # Reading commands never create a project: a typo in --project should say so,
    # not leave an empty project file behind.
    return Project(args.project or args.top_project or default_project_path(), create=False)


def _progress_printer() -> Callable[[int, int, Path], None] | None:
    if not sys.stderr.isatty():
        return None  # keep logs and pipes free of progress noise

    def report(done: int, total: int, path: Path) -> None:
        print(f"[{done + 1}/{total}] {path}", file=sys.stderr, flush=True)

    return report


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _describe_os_error(exc: OSError) -> str:
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def _version() -> str:
    try:
        return metadata.version("annotator")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _tolerant_output() -> None:
    # Titles and file names may be Korean; a console or pipe in a legacy code page
    # must show a replacement character, not crash the command.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
