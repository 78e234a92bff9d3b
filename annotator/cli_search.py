"""`annotator search [--project PATH] QUERY`: keyword-in-context lines from every document, grouped by document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.names import shown_text

DESCRIPTION = (
    'Search the titles and texts of every document. Words must all occur; "an exact phrase" between quotes; '
    "amaz* for words starting with amaz; amazon OR walmart for either; -word leaves out documents with it. "
    "Case and accents are ignored, and a Korean word also finds it with a particle attached (삼성전자 finds "
    "삼성전자가); a Latin word with a particle glued on (AWS를) is found with aws*. A query starting with - goes "
    "after --. Each document is listed with its first hits in context, the match between [ and ] and its "
    "position in code points (@start). Exits 0 when something matched, 1 when nothing did, 2 on errors."
)


def add_command(commands, open_existing) -> None:
    """Add `search` to the subcommands; open_existing opens the project as the other reading commands do."""
    p = commands.add_parser("search", help="full-text search with keyword-in-context lines",
                            description=DESCRIPTION)
    p.add_argument("--project", type=_location, metavar="PATH",
                   help="project file or a shared project's postgresql:// URL (default: your default project)")
    p.add_argument("query", metavar="QUERY", help='what to look for, e.g. \'amazon "cloud services" -walmart\'')
    p.add_argument("--label", action="append", default=[], metavar="NAME",
                   help="only documents with an annotation of this label or group (repeat for any of several)")
    p.add_argument("--entity", metavar="NAME", help="only documents where this registry entity (name or alias) "
                   "is tagged or named as source, target or holder")
    p.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                   help="only documents whose metadata field KEY is VALUE (KEY alone: that have it); repeatable")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="list at most N documents (default 20)")
    p.add_argument("--hits", type=int, default=3, metavar="N", help="show at most N hits per document (default 3)")
    p.set_defaults(command="search", handler=lambda args: _run_opened(args, open_existing))


def _location(text: str) -> str | Path:
    # A URL stays as typed: Path() would fold the // of postgresql:// into one slash.
    from annotator.core.store.pg.locations import is_url

    return text if is_url(text) else Path(text)


def _run_opened(args: argparse.Namespace, open_existing) -> int:
    with open_existing(args) as project:
        return run(args, project)


def run(args: argparse.Namespace, project) -> int:
    from annotator.core.coding import annotation_choices
    from annotator.core.search.fulltext import SearchFilter, search

    labels = []
    for name in args.label:
        label = project.codebook.by_name(name)
        if label is None:
            known = ", ".join(shown_text(lab.name) for lab in project.codebook.labels())
            raise ProjectError(f"No label or group is called {name!r}; use one of: {known}.")
        labels.append(label.id)
    entity_id = None
    if args.entity:
        entity_id = annotation_choices.entity_named(project, args.entity)
        if entity_id is None:
            raise ProjectError(f"No entity in the registry is called {args.entity!r} (by name or alias).")
    metadata = []
    for pair in args.meta:
        key, _sep, value = pair.partition("=")
        metadata.append((key, value))
    if not 1 <= args.limit <= 1000 or args.hits < 0:
        raise ProjectError("Give --limit between 1 and 1000 and --hits of 0 or more.")
    flt = SearchFilter(label_ids=tuple(labels), entity_id=entity_id, metadata=tuple(metadata))
    page = search(project, args.query, flt, limit=args.limit, hits_per_document=args.hits)
    bold = sys.stdout.isatty()
    for doc in page.documents:
        count = "match in title" if doc.hit_count == 0 else f"{doc.hit_count:,} hit{'s' * (doc.hit_count != 1)}"
        print(f"[{doc.document_id}] {shown_text(doc.title)} — {count}")
        for hit in doc.hits:
            match = " ".join(hit.match.split())
            context = f"{hit.before}[{match}]{hit.after}"
            if shown_text(context) != context:
                context = shown_text(context)  # quoted with escapes, the match still in [ ]
            elif bold:
                context = f"{hit.before}\033[1m{match}\033[0m{hit.after}"
            print(f"  @{hit.start}: {context}")
        if doc.hit_count > len(doc.hits):
            print(f"  … and {doc.hit_count - len(doc.hits):,} more")
    print(_summary(page))
    return 0 if page.documents else 1


def _summary(page) -> str:
    if not page.documents:
        return "No matches — try fewer words, a shorter word start with *, or fewer filters."
    total = f"{page.total_documents:,}" if page.total_is_exact else f"at least {page.total_documents:,}"
    noun = "document" if page.total_documents == 1 and page.total_is_exact else "documents"
    if len(page.documents) >= page.total_documents and page.total_is_exact:
        return f"{total} {noun}."
    return f"{total} {noun}; showing the first {len(page.documents):,} (see --limit)."
