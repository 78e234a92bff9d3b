"""Shared projects from the command line: `annotator push` and `annotator pull`.

Thin wrappers over core.store.pg.transfer; the URL is shown without its password everywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.names import shown
from annotator.core.store.pg.locations import describe, is_url, project_location

PUSH_DESCRIPTION = (
    "Upload a project file whole into a shared project on a PostgreSQL server: every document with its text, "
    "the codebook, every coder's codes, entities and document variables, ids kept. An address with no shared "
    "project yet is set up first (as `annotator server init` does); one that already holds documents or codes "
    "is refused. All in one transaction: a failure leaves the server as it was. The password comes from "
    "PGPASSWORD, ~/.pgpass or a service file, never from the command line's output."
)
PULL_DESCRIPTION = (
    "Write a full local copy of a shared project, for working offline: a normal project file with every "
    "document, code and coder, its search index built. It is written under a temporary name and renamed into "
    "place when complete. Codes made in a copy go back with `annotator merge --project URL COPY` (hand it out "
    "with `annotator handout` first to code as one coder)."
)


def add_commands(commands, open_existing) -> None:
    """Add `push` and `pull`; open_existing opens the project file as the other commands do."""
    p = commands.add_parser("push", help="upload a project file into a new shared project (PostgreSQL)",
                            description=PUSH_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH",
                   help="the project file to upload (default: your default project)")
    p.add_argument("--url", required=True, metavar="URL",
                   help="the shared project, postgresql://user@host:port/database (?sslmode=require passes TLS on)")
    p.set_defaults(command="push", handler=lambda args: run_push(args, open_existing))

    p = commands.add_parser("pull", help="write a full local copy of a shared project",
                            description=PULL_DESCRIPTION)
    p.add_argument("--url", required=True, metavar="URL", help="the shared project, postgresql://...")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.annotator", help="the project file to write")
    p.add_argument("--force", action="store_true", help="replace --out when it exists (close it in Annotator first)")
    p.set_defaults(command="pull", handler=run_pull)


def _url(text: str) -> str:
    if not is_url(text):
        raise ProjectError(f"--url takes a shared project's address, postgresql://user@host/database; "
                           f"{text!r} is not one.")
    return text


def run_push(args: argparse.Namespace, open_existing) -> int:
    from annotator.core.store.pg.transfer import push  # psycopg loads only for a shared project

    url = _url(args.url)
    if is_url(args.project):
        raise ProjectError("--project names the project file to upload; the shared project goes in --url.")
    with open_existing(args) as project:
        counts = push(project.store.conn, url, on_progress=_progress())
        name = shown(project.path)
    print(f"Pushed {name} to {describe(url)}: {_summary(counts)}.")
    return 0


def run_pull(args: argparse.Namespace) -> int:
    from annotator.core.store.pg.transfer import pull  # psycopg loads only for a shared project

    url = _url(args.url)
    counts = pull(url, args.out, replace=args.force, on_progress=_progress())
    print(f"Pulled {describe(url)} into {shown(args.out)}: {_summary(counts)}.")
    return 0


def _summary(counts: dict[str, int]) -> str:
    words = (("documents", "document"), ("annotations", "annotation"), ("labels", "label"), ("coders", "coder"))
    shown_counts = [(counts.get(table, 0), word) for table, word in words]
    return ", ".join(f"{n:,} {word}{'s' * (n != 1)}" for n, word in shown_counts)


def _progress():
    if not sys.stderr.isatty():
        return None

    def report(table: str, count: int) -> None:
        print(f"{table}: {count:,} rows", file=sys.stderr, flush=True)

    return report
