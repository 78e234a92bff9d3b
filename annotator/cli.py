"""The `annotator` command: the desktop app, plus import, export and stats for scripts.

Only the GUI path imports Qt, so the subcommands work on machines without a display.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.common.errors import DISK_FULL_MESSAGE, ProjectError, is_disk_full
from annotator.core.common.names import shown, shown_text
from annotator.core.store.paths import default_project_path
from annotator.core.store.pg.locations import is_url, project_location

if TYPE_CHECKING:
    from annotator.core.project import Project

PROG = "annotator"


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _parse_app_launch(argv) or _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors; keep main() returning an int
        return exc.code if isinstance(exc.code, int) else 2
    if args.selftest:
        from annotator.selftest import run_selftest

        return run_selftest()
    if args.command is None:
        # Start-up creates some 40,000 objects that live as long as the app; collecting while it
        # does cost ~20 ms. run_gui freezes them and collects again once the window is idle.
        gc.disable()
        try:
            from annotator.ui.app import run_gui  # lazy: the subcommands must never load Qt

            return run_gui(args.top_project)
        finally:
            gc.enable()
    try:
        return args.handler(args)
    except ProjectError as exc:
        return _fail(DISK_FULL_MESSAGE if is_disk_full(exc) else str(exc))
    except OSError as exc:
        return _fail(DISK_FULL_MESSAGE if is_disk_full(exc) else _describe_os_error(exc))
    except sqlite3.DatabaseError as exc:
        return _fail(DISK_FULL_MESSAGE if is_disk_full(exc) else _describe_sqlite_error(exc))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _parse_app_launch(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of a plain launch of the app (`annotator`, `annotator --project P`), or None.

    Every launch of the app parses its arguments. The full parser, with its subcommands and the
    export formats they name, cost start-up ~15 ms, and any argparse parser ~4 ms more for its
    first message lookup, which loads the locale tables (issue 17). A launch is read here instead,
    as the full parser would read it (`--project P`, `--project=P`, `--selftest`, the last
    --project winning); anything else, help and every usage error included, is left to the full
    parser, so its messages and usage line stay as they are.
    """
    project, selftest = None, False
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--selftest":
            selftest = True
        elif arg == "--project" and rest and not rest[0].startswith("-"):
            project = rest.pop(0)
        elif arg.startswith("--project="):
            project = arg.removeprefix("--project=")
        else:
            return None
    return argparse.Namespace(top_project=None if project is None else project_location(project),
                              selftest=selftest, command=None)


def _parser() -> argparse.ArgumentParser:
    from annotator.core.corpus import import_formats as formats  # for the import command's help

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Annotate claims, entities and stance in news articles. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action=_VersionAction)
    # A separate dest from the subcommands' --project: argparse lets a subparser's
    # default overwrite the parent's value, which would drop `annotator --project X stats`.
    parser.add_argument("--project", dest="top_project", type=project_location, metavar="PATH_OR_URL",
                        help="project file, or a shared project's postgresql:// URL, to open in the app (default: "
                        "your default project)")
    parser.add_argument("--selftest", action="store_true",
                        help="check that this installation works (seeds, tagging, the window offscreen, CSV "
                        "export, a web page, a chart) in a temporary folder; prints one line, exits 0 when ok, "
                        "1 when not")
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    default_note = f"default: your default project, {default_project_path()}"

    p = commands.add_parser("import", help="import articles, corpus files or REFI-QDA projects into a project",
                            description=f"Import articles into a project, one document per file: "
                            f"{formats.names('article')} ({', '.join(formats.suffixes('article'))}); folders are "
                            f"searched for those. A corpus file ({', '.join(formats.suffixes('corpus'))}) brings one "
                            "document per row (see the --*-column options). A .jsonl that Annotator exported "
                            "(its records have spans, document_codes or variables) brings its codes back as a "
                            "coder's. A REFI-QDA project (.qdpx) from "
                            "another QDA program brings its sources, codes and codings; a .qdc brings its codebook.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL; a file is created if it does not exist ({default_note})")
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR",
                   help="an article, a corpus file, a .qdpx/.qdc file, or a folder of articles")
    p.add_argument("--max-mb", type=str, metavar="MIB",
                   help="refuse articles larger than MIB mebibytes (MiB, 1024 x 1024 bytes) of text (default: the "
                   "project's import.max_mb setting, else 50)")
    p.add_argument("--force", action="store_true",
                   help="take the project over from an Annotator on another computer whose lock is more than "
                   "12 hours old; only when you are sure it is no longer running there")
    p.add_argument("--coder", metavar="NAME",
                   help="for a JSON Lines file Annotator exported: bring its codes in as this coder's (default: the "
                   "coder each record names, else your login name)")
    for role in ("text", "title", "date", "url", "outlet", "author"):
        p.add_argument(f"--{role}-column", metavar="COLUMN",
                       help=f"in .csv/.tsv/.jsonl corpus files, the column holding the {role} (default: guessed "
                       "from the column names; other columns become document metadata)")
    p.set_defaults(command="import", handler=_cmd_import)

    from annotator.core.interchange.formats import FORMATS  # no Qt, no pandas: cheap enough for every launch

    p = commands.add_parser("export", help="export the project as CSV, a coding matrix, JSON Lines, "
                            "Web Annotation or REFI-QDA",
                            description="Export a project (see docs/export-formats.md and docs/csv-format.md).")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL ({default_note})")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write (replaced)")
    p.add_argument("--format", choices=list(FORMATS), default="csv",
                   help="csv (default): see --what; matrix, matrix-binary: documents x labels, counts or 0/1; "
                   "coding: one row per document for SPSS/R/Stata; jsonl: one document per line with spans; "
                   "webanno: W3C Web Annotation JSON-LD; qdpx, qdc: REFI-QDA project or codebook")
    p.add_argument("--what", choices=("annotations", "documents", "entities", "memos"), default=None,
                   help="with --format csv: one row per annotation (default), per document, per registry entity, "
                   "or per memo and note")
    p.add_argument("--excel", action="store_true",
                   help="for opening in Excel (CSV formats only): adds a byte-order mark and makes formula-like "
                   "cells inert; "
                   "text is then no longer exact, so use the default for analysis")
    p.add_argument("--labels", action="store_true",
                   help="with --format coding or jsonl: write document variables' choices as their labels, not codes")
    p.add_argument("--coder", metavar="NAME",
                   help="export only this coder's codes, laid out as a one-coder project's (default: every coder's, "
                   "with a coder column when several have coded; see docs/export-formats.md)")
    p.add_argument("--gold", action="store_true",
                   help="only the adjudicated codes and answers (the gold layer `annotator adjudicate` fills)")
    p.set_defaults(command="export", handler=_cmd_export)

    p = commands.add_parser("stats", help="count documents and annotations",
                            description="Show document, status, layer and label counts for a project.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL ({default_note})")
    p.set_defaults(command="stats", handler=_cmd_stats)

    from annotator.cli_search import add_command as add_search_command  # no Qt: cheap for every launch

    add_search_command(commands, _open_existing)

    from annotator.cli_team import add_commands as add_team_commands  # no Qt: cheap for every launch

    add_team_commands(commands, _open_existing)

    from annotator.cli_charts import add_command as add_chart_command  # matplotlib loads only when one is drawn
    from annotator.cli_charts import add_report_command

    add_chart_command(commands, _open_existing)
    add_report_command(commands, _open_existing)

    from annotator.cli_shared import add_commands as add_shared_commands  # no Qt, no psycopg until run

    add_shared_commands(commands, _open_existing)

    from annotator.cli_server import add_commands as add_server_commands  # psycopg loads only when one runs

    add_server_commands(commands)

    p = commands.add_parser("check", help="check a project file for damage",
                            description="Check a project file without changing it: SQLite's integrity and "
                            "foreign-key checks, then Annotator's own rules (every span's text still equals the "
                            "document's text there, no annotation coded with a group, ...). Exits 0 when clean, "
                            "1 when problems are found, 2 when the file cannot be read.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL ({default_note})")
    p.add_argument("--repair", action="store_true",
                   help="first rebuild the full-text search index from the documents (what check suggests when "
                   "the index is damaged; close the project in Annotator first), then check")
    p.set_defaults(command="check", handler=_cmd_check)

    p = commands.add_parser("backup", help="back up a project now",
                            description="Copy the project into its backups folder (NAME.backups beside it, or the "
                            "user data folder when that folder is read-only) with SQLite's backup API, which is "
                            "safe while the project is open in the app. The newest backups are kept (10 unless "
                            "--keep says otherwise). Prints the backup's path.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL ({default_note})")
    p.add_argument("--keep", type=int, metavar="N",
                   help="from now on keep the newest N backups of this project (stored in the project; "
                   "the app's Preferences show the same number)")
    p.set_defaults(command="backup", handler=_cmd_backup)

    p = commands.add_parser("restore", help="list a project's backups, or put one back",
                            description="Replace the project with one of its backups. The project as it is now is "
                            "backed up first (reason before-restore), so restoring that copy undoes the restore. "
                            "Close the project in the app first.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help=f"project file or shared project URL ({default_note})")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--list", action="store_true", help="list the backups, newest first, with their counts")
    which.add_argument("--backup", type=Path, metavar="FILE", help="restore this backup (a path from --list)")
    which.add_argument("--latest", action="store_true", help="restore the newest backup")
    p.set_defaults(command="restore", handler=_cmd_restore)
    return parser


def _cmd_import(args: argparse.Namespace) -> int:
    from annotator.core.corpus.corpus_files import is_corpus_file
    from annotator.core.corpus.importing import (  # pulls in charset detection; only import needs it
        import_paths,
        megabytes_to_bytes,
    )

    # A bad --max-mb is refused before anything is opened or imported.
    limit = None if args.max_mb is None else megabytes_to_bytes(args.max_mb)
    from annotator.core.corpus.import_formats import suffixes
    from annotator.core.interchange.jsonl_import import is_annotator_jsonl

    refi_suffixes = suffixes("refi")
    exported = [path for path in args.paths if path.suffix.lower() == ".jsonl" and path.is_file()
                and is_annotator_jsonl(path)]
    if args.coder is not None and not exported:
        raise ProjectError("--coder names whose codes a JSON Lines file Annotator exported brings in; none of the "
                           "files given is one. Leave --coder out.")
    project = _open_for_import(args)
    with project:
        _backup_on_open(project)
        refi_code = _import_refi(project, [path for path in args.paths if path.suffix.lower() in refi_suffixes])
        refi_code = max(refi_code, _import_exported_jsonl(project, exported, args.coder))
        args.paths = [path for path in args.paths if path.suffix.lower() not in refi_suffixes and path not in exported]
        if not args.paths:
            return refi_code
        corpora = [path for path in args.paths if path.is_file() and is_corpus_file(path)]
        code = _import_corpora(project, corpora, args) if corpora else 0
        texts = [path for path in args.paths if path not in corpora]
        if texts or not corpora:
            report = import_paths(project, texts, on_progress=_progress_printer(), max_bytes=limit)
            for line in report.summary_lines():
                print(line)
            code = max(code, 0 if report.ok else 1)
    return max(code, refi_code)


def _import_refi(project: Project, paths: list[Path]) -> int:
    """REFI-QDA projects (.qdpx) and codebooks (.qdc) from other QDA programs, each whole or not at all."""
    from annotator.core.interchange.refi import import_qdc, import_qdpx

    return _import_each(paths, lambda path: (import_qdc if path.suffix.lower() == ".qdc" else import_qdpx)(project, path))


def _import_exported_jsonl(project: Project, paths: list[Path], coder: str | None) -> int:
    """Annotator's own JSON Lines exports, each file whole or not at all."""
    from annotator.core.interchange.jsonl_import import import_jsonl

    return _import_each(paths, lambda path: import_jsonl(project, path, coder=coder))


def _import_each(paths: list[Path], importer) -> int:
    """Import each file whole: a refusal is printed and the next file goes on; 1 when any was refused."""
    code = 0
    for path in paths:
        try:
            report = importer(path)
        except ProjectError as exc:
            print(f"{PROG}: error: {shown_text(str(exc))}", file=sys.stderr)
            code = 1
            continue
        for line in report.summary_lines():
            print(line)
    return code


def _import_corpora(project: Project, paths: list[Path], args: argparse.Namespace) -> int:
    """CSV and JSON Lines files, one article per row, mapped by the --*-column flags or by guessing."""
    from annotator.core.common.errors import ImportRefused
    from annotator.core.corpus.corpus_files import (
        ROLES,
        ColumnMapping,
        guess_mapping,
        import_corpus,
        resolve_column,
        sniff_corpus,
    )

    code = 0
    given = {role: getattr(args, f"{role}_column") for role in ROLES if getattr(args, f"{role}_column")}
    mappings: list[tuple[Path, ColumnMapping]] = []
    # Every file's mapping is settled before any is imported: a wrong flag changes nothing.
    for path in paths:
        try:
            columns = sniff_corpus(path).columns
        except ImportRefused as exc:
            print(f"Refused {shown(path)}: {exc.reason}")
            code = 1
            continue
        guessed = guess_mapping(columns)
        if "text" not in given and not guessed.text:
            raise ProjectError(f"{shown(path)}: cannot tell which column holds the article text; the columns are: "
                               f"{', '.join(columns)}. Name it with --text-column COLUMN.")
        named: dict[str, str] = {}
        for role, name in given.items():
            try:
                named[role] = resolve_column(name, columns)
            except ProjectError as exc:
                raise ProjectError(f"{shown(path)}: {exc} Name one of them with --{role}-column.") from None
        # The flags win over the guess, for their roles and for their columns.
        roles = {r: c for r, c in guessed.roles().items() if r not in named and c not in named.values()}
        roles.update(named)
        if "text" not in roles:  # a flag gave the guessed text column another role
            raise ProjectError(f"{shown(path)}: no column is left for the article text; name it with "
                               f"--text-column COLUMN (the columns are: {', '.join(columns)}).")
        mapping = ColumnMapping(**roles)
        try:
            mapping.check(columns)
        except ProjectError as exc:
            raise ProjectError(f"{shown(path)}: {exc}") from None
        mappings.append((path, mapping))
    printer = _progress_printer()
    for path, mapping in mappings:
        progress = None if printer is None else (lambda done, total, p=path: printer(done - 1, total, p))
        try:
            report = import_corpus(project, path, mapping, on_progress=progress)
        except ImportRefused as exc:  # the file changed since its mapping was settled
            print(f"Refused {shown(path)}: {exc.reason}")
            code = 1
            continue
        for line in report.summary_lines():
            print(line)
        code = max(code, 0 if report.ok else 1)
    return code


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.interchange.formats import describe_count, export

    if args.what is not None and args.format != "csv":
        raise ProjectError(f"--what chooses among the CSV exports; leave it out with --format {args.format}.")
    what = args.what or "annotations"
    with _open_existing(args) as project:
        count = export(project, args.format, args.out, what=what, excel=args.excel, labels=args.labels,
                       coder=args.coder, gold=args.gold)
    print(f"Wrote {describe_count(args.format, what, count)} to {shown(args.out)}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from annotator.core.safety.check import check_project

    # A file is checked as it lies; a shared project on its server, in one read-only snapshot.
    location = args.project or args.top_project or default_project_path()
    if args.repair:
        from annotator.core.safety.check import repair

        count = repair(location)
        print(f"Rebuilt the search index of {count:,} documents.")
    report = check_project(location)
    for line in report.lines():
        print(line)
    if report.error is not None:
        return _fail(report.error)  # exit 2: the project could not be read
    return report.exit_code


def _cmd_stats(args: argparse.Namespace) -> int:
    from annotator.core.coding.stats import format_stats, project_stats

    with _open_existing(args) as project:
        print(f"Project: {_where(project, shown(project.path))}")
        print(format_stats(project_stats(project)))
    return 0


def _where(project: Project, file_shown) -> str:
    """A shared project's address without its password, as messages name it; else file_shown, the file's name."""
    return project.store.where if getattr(project.store, "engine", "sqlite") != "sqlite" else str(file_shown)


def _refuse_shared(location, command: str) -> None:
    if is_url(location):
        raise ProjectError(f"`annotator {command}` works on project files; a shared project is backed up on its "
                           "server (pg_dump, by whoever runs it). To keep a copy of your own, run `annotator pull "
                           "--url URL --out FILE.annotator`.")


def _backup_on_open(project: Project) -> None:
    """Once an hour, a copy before an import changes the project; a failed copy warns but does not stop it."""
    from annotator.core.safety.backup import maybe_backup_on_open

    if getattr(project.store, "engine", "sqlite") != "sqlite":
        return  # a shared project's backups are its server's (pg_dump)

    try:
        maybe_backup_on_open(project)
    except ProjectError as exc:
        print(f"{PROG}: warning: {shown_text(str(exc))}", file=sys.stderr)


def _cmd_backup(args: argparse.Namespace) -> int:
    from annotator.core.safety.backup import back_up_now, set_backups_to_keep

    path = args.project or args.top_project or default_project_path()
    _refuse_shared(path, "backup")
    if args.keep is not None:
        with _project(path, create=False) as project:
            set_backups_to_keep(project, args.keep)
    # By path, through a connection of its own: works while the app has the project open.
    print(shown(back_up_now(path)))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from annotator.core.safety.backup import backup_dir, list_backups, restore_backup

    path = args.project or args.top_project or default_project_path()
    _refuse_shared(path, "restore")
    backups = list_backups(path)
    if args.list:
        if not backups:
            print(f"No backups of {shown(path)} yet (they go to {shown(backup_dir(path))}).")
        for info in backups:
            counts = (f"{info.documents:>6} documents {info.annotations:>7} annotations" if info.readable
                      else f"unreadable: {shown_text(info.problem)}")
            print(f"{info.created.astimezone():%Y-%m-%d %H:%M}  {shown_text(info.why):<34} {counts} "
                  f"{_size(info.size):>9}  {shown(info.path)}")
        return 0
    if args.latest:
        readable = [info for info in backups if info.readable]
        if not readable:
            raise ProjectError(f"No backups of {path} to restore (looked in {backup_dir(path)}).")
        chosen = readable[0].path
    else:
        chosen = args.backup
    saved = restore_backup(path, chosen)
    print(f"Restored {shown(path)} from {shown(chosen)}")
    if saved is not None:
        print(f"The project as it was is kept as {shown(saved)}")
    return 0


def _size(size: float) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _project(location: Path | str, **options) -> Project:
    """Open a project. The core is loaded here, not with this module: a launch of the app loads it
    while the collector is paused (main), which saved ~3 ms of collections among its imports (issue 17)."""
    from annotator.core.project import Project

    return Project(location, **options)


def _open_for_import(args: argparse.Namespace) -> Project:
    from annotator.core.store.lock import ProjectLocked
    from annotator.core.workspace import open_default_project

    project_path = args.project or args.top_project
    try:
        if project_path is None:
            project = open_default_project(take_over=args.force)
        else:
            project = _project(project_path, create=True, take_over=args.force)
    except ProjectLocked as exc:
        hint = " Run again with --force to take it over." if exc.can_take_over else ""
        raise ProjectError(f"{exc} Nothing was imported.{hint}") from None
    if project.read_only:  # a read-only file: say so once, not once per document
        reason = project.store.read_only_reason
        project.close()
        raise ProjectError(f"Cannot import into {_where(project, project.path)}: {reason} Nothing was imported.")
    return project


def _open_existing(args: argparse.Namespace) -> Project:
    # Reading commands never create a project: a typo in --project should say so,
    # not leave an empty project file behind.
    from annotator.core.store.lock import ProjectLocked

    path = args.project or args.top_project or default_project_path()
    try:
        project = _project(path, create=False)
    except ProjectLocked as exc:
        # Reading beside the app is safe: export and stats see everything it has saved.
        project = _project(path, create=False, read_only=True)
        where = exc.holder.describe() if exc.holder else "in another process"
        print(f"{PROG}: note: {shown(exc.path.name)} is open in Annotator {where}; reading it read-only.",
              file=sys.stderr)
        return project
    if project.read_only:  # a read-only folder or disk, or a damaged file: reading works, and says so
        where = _where(project, shown(project.path.name))
        print(f"{PROG}: note: reading {where} read-only: {project.store.read_only_reason}", file=sys.stderr)
    return project


def _progress_printer() -> Callable[[int, int, Path], None] | None:
    if not sys.stderr.isatty():
        return None  # keep logs and pipes free of progress noise

    def report(done: int, total: int, path: Path) -> None:
        print(f"[{done + 1}/{total}] {shown(path)}", file=sys.stderr, flush=True)

    return report


def _fail(message: str) -> int:
    # Messages are one line; one that names a title or a file holding a newline stays one, quoted.
    print(f"{PROG}: error: {shown_text(message)}", file=sys.stderr)
    return 2


def _describe_os_error(exc: OSError) -> str:
    if exc.filename and exc.strerror:
        return f"{shown(exc.filename)}: {exc.strerror}"
    return str(exc)


def _describe_sqlite_error(exc: sqlite3.DatabaseError) -> str:
    from annotator.core.common.errors import DAMAGED, DISK_FULL, READ_ONLY, damaged_message, storage_problem

    problem = storage_problem(exc)
    if problem == DISK_FULL:
        return (f"The disk is full ({exc}). What was being written was rolled back whole; the project keeps "
                "everything saved before. Free some disk space and run the command again.")
    if problem == DAMAGED:
        return damaged_message("The project", str(exc))
    if problem == READ_ONLY:
        return f"The project cannot be written here ({exc}). Copy it to a folder you can write to."
    return f"The project could not be read or written ({exc})."


class _VersionAction(argparse.Action):
    """--version, reading the version only when asked: every launch of the app builds this parser."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):  # noqa: A002 - argparse's own keyword
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        parser._print_message(f"{parser.prog} {_version()}\n", sys.stdout)
        parser.exit()


def _version() -> str:
    from annotator import __version__  # read when asked: a launch builds the parser, never needs it

    return __version__


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
