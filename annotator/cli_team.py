"""Team coding from the command line: `annotator coders`, `annotator variables`, `annotator code` and
`annotator agreement`.

Thin wrappers over core.coding's Coders, Variables and Codesheet. The current coder is
--coder NAME, else the login name, as a new annotation's annotator is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LEVELS, VARIABLE_KIND_NAMES, VARIABLE_KINDS, Variable

VARIABLES_DESCRIPTION = (
    "The codesheet: questions every document is asked (document variables). `list` prints them with their "
    "choices' codes; `add` adds one at the end; `remove` deletes one (with --with-answers when coders "
    "answered it). Answer them with `annotator code`."
)
CODE_DESCRIPTION = (
    "Answer a document's codesheet as the current coder (--coder, else your login name): --set NAME=VALUE "
    "for each variable (a choice by its code or label, several choices joined with ';', yes/no, a number, a "
    "date as YYYY-MM-DD, or text; an empty VALUE clears the answer). All answers are checked before any is "
    "stored. Prints the document's codesheet and whether it is done: every required variable answered."
)
AGREEMENT_DESCRIPTION = (
    "How far the coders agree, over the documents at least two of them coded (a coder coded a document when "
    "they marked it coded, tagged anything in it or answered any of its variables). Document variables: "
    "Krippendorff's alpha at each variable's level, percent agreement, Cohen's kappa (two coders) or Fleiss' "
    "kappa (more). Spans, per label and layer: unitizing alpha, the binary |u-alpha and F1 with exact and "
    "overlapping boundaries. Roles and attributes: alpha over pairs of overlapping spans. Prints a table "
    "(alphas read by Krippendorff's bands: .800 reliable, .667 tentative); --out writes it as CSV with the "
    "columns scope,name,measure,level,value,coders,documents,units."
)


def add_commands(commands, open_existing) -> None:
    """Add `coders`, `variables` and `code`; open_existing opens the project as the other commands do."""
    p = commands.add_parser("coders", help="list the project's coders, or add or rename one",
                            description="Everyone who codes in the project. Every annotation and codesheet "
                            "answer is one coder's; a new name coding adds a coder by itself.")
    p.add_argument("--project", type=Path, metavar="PATH", help="project file (default: your default project)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--add", metavar="NAME", help="add a coder of this name")
    which.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"),
                       help="rename a coder; the annotations signed with the old name follow")
    p.set_defaults(command="coders", handler=lambda args: _opened(args, open_existing, run_coders))

    p = commands.add_parser("variables", help="list, add or remove the codesheet's document variables",
                            description=VARIABLES_DESCRIPTION)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print the variables with their choices and answer counts")
    adding = actions.add_parser("add", help="add a variable at the end of the codesheet")
    adding.add_argument("name", metavar="NAME", help="the variable's name, e.g. topic (a column var_topic)")
    adding.add_argument("--type", dest="kind", required=True, choices=VARIABLE_KINDS,
                        help="single_choice, multiple_choice, yes_no, number, date (YYYY-MM-DD) or text")
    adding.add_argument("--question", default="", metavar="TEXT", help="what the coder reads")
    adding.add_argument("--level", choices=LEVELS,
                        help="level of measurement for agreement (default: nominal; number ratio; date interval)")
    adding.add_argument("--required", action="store_true", help="a document is done only once it is answered")
    adding.add_argument("--choice", action="append", default=[], metavar="CODE=LABEL",
                        help="a choice, in scale order (repeat); a LABEL alone is numbered 1, 2, 3...")
    removing = actions.add_parser("remove", help="delete a variable")
    removing.add_argument("name", metavar="NAME")
    removing.add_argument("--with-answers", action="store_true", help="also delete the answers coders gave it")
    for sub in (listing, adding, removing):
        sub.add_argument("--project", type=Path, metavar="PATH", help="project file (default: your default project)")
    p.set_defaults(command="variables", handler=lambda args: _opened(args, open_existing, run_variables))

    p = commands.add_parser("code", help="answer a document's codesheet", description=CODE_DESCRIPTION)
    p.add_argument("--project", type=Path, metavar="PATH", help="project file (default: your default project)")
    p.add_argument("--document", type=int, required=True, metavar="ID", help="the document's id")
    p.add_argument("--set", dest="answers", action="append", default=[], metavar="NAME=VALUE",
                   help="answer a variable (repeat for several)")
    p.add_argument("--coded", action="store_true",
                   help="say you have coded the document, also when there was nothing to answer or tag")
    p.add_argument("--coder", metavar="NAME", help="code as this coder (default: your login name)")
    p.set_defaults(command="code", handler=lambda args: _opened(args, open_existing, run_code))

    p = commands.add_parser("agreement", help="how far the coders agree (alpha, kappa, F1)",
                            description=AGREEMENT_DESCRIPTION)
    p.add_argument("--project", type=Path, metavar="PATH", help="project file (default: your default project)")
    p.add_argument("--coders", metavar="A,B,...", help="compare these coders (default: every coder who shares a "
                   "document with another)")
    p.add_argument("--documents", metavar="IDS", help="only these documents, e.g. 3,7,10-12")
    p.add_argument("--level", choices=LEVELS, help="compare every variable whose type allows it at this level "
                   "of measurement instead of its own")
    p.add_argument("--out", type=Path, metavar="FILE.csv", help="write the table as CSV instead of printing it")
    p.set_defaults(command="agreement", handler=lambda args: _opened(args, open_existing, run_agreement))


def _opened(args: argparse.Namespace, open_existing, run) -> int:
    with open_existing(args) as project:
        return run(args, project)


# -- coders ----------------------------------------------------------------------------------------


def run_coders(args: argparse.Namespace, project) -> int:
    coders = project.coders
    if args.add:
        print(f"Added coder {coders.add(args.add).name}.")
        return 0
    if args.rename:
        old, new = args.rename
        renamed = coders.rename(coders.named(old).id, new)
        print(f"Renamed coder {old} to {renamed.name}.")
        return 0
    everyone = coders.list()
    if not everyone:
        print("No coders yet: the first annotation or answer adds its coder.")
        return 0
    counts = dict(project.store.query("SELECT coder_id, count(*) FROM annotations GROUP BY coder_id"))
    answered = dict(project.store.query("SELECT coder_id, count(DISTINCT document_id) FROM variable_values "
                                        "GROUP BY coder_id"))
    for coder in everyone:
        print(f"{coder.name}: {_count(counts.get(coder.id, 0), 'annotation')}, "
              f"answers for {_count(answered.get(coder.id, 0), 'document')}")
    return 0


# -- variables -------------------------------------------------------------------------------------


def run_variables(args: argparse.Namespace, project) -> int:
    variables = project.variables
    if args.action == "add":
        choices = [_choice(text, position) for position, text in enumerate(args.choice, 1)]
        added = variables.add(args.name, args.kind, question=args.question, level=args.level,
                              required=args.required, choices=choices)
        print(f"Added {describe(added)}.")
        return 0
    if args.action == "remove":
        removed = variables.remove(variables.named(args.name).id, with_answers=args.with_answers)
        print(f"Removed {removed.name}.")
        return 0
    listed = variables.list()
    if not listed:
        print("No document variables yet; add one with `annotator variables add NAME --type TYPE`.")
    for number, variable in enumerate(listed, 1):
        print(f"{number}. {describe(variable)}: {_count(variables.answer_count(variable.id), 'answer')}")
        if variable.question:
            print(f"   {variable.question}")
        for choice in variable.choices:
            print(f"   {choice.code} = {choice.label}")
    return 0


def describe(variable: Variable) -> str:
    """topic (single choice, nominal, required)"""
    required = ", required" if variable.required else ""
    return f"{variable.name} ({VARIABLE_KIND_NAMES[variable.kind]}, {variable.level}{required})"


def _choice(text: str, position: int) -> tuple[object, str]:
    code, sep, label = text.partition("=")
    return (code.strip(), label) if sep else (position, text)


# -- agreement -------------------------------------------------------------------------------------


def run_agreement(args: argparse.Namespace, project) -> int:
    from annotator.core.team.agreement_data import parse_documents
    from annotator.core.team.project_agreement import agreement, format_agreement_report
    from annotator.core.team.table import write_agreement_csv

    coders = None
    if args.coders is not None:
        coders = [name for name in (piece.strip() for piece in args.coders.split(",")) if name]
    documents = None if args.documents is None else parse_documents(args.documents)
    report = agreement(project, coders=coders, documents=documents, level=args.level)
    if report.problem is not None:
        print(f"annotator: {report.problem}", file=sys.stderr)
        return 1
    if args.out is None:
        print(format_agreement_report(report))
        return 0
    written = write_agreement_csv(report.rows, args.out)
    print(f"Wrote {written:,} figures over {len(report.units):,} documents to {args.out}.")
    empty = [row for row in report.rows if row.figure.value is None]
    if empty:  # the CSV leaves them blank; say why here
        print(f"{len(empty):,} of them have no value:")
        for row in empty:
            print(f"  {row.scope} {row.name} {row.figure.measure}: {row.figure.reason}")
    for note in report.notes:
        print(f"Note: {note}")
    return 0


# -- code ------------------------------------------------------------------------------------------


def run_code(args: argparse.Namespace, project) -> int:
    if args.coder is not None:
        project.annotations.annotator = args.coder
    coder = project.coders.current_name
    answers: dict[str, str] = {}
    for pair in args.answers:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ProjectError(f"--set takes NAME=VALUE, e.g. --set topic=2; {pair!r} has no '='.")
        answers[project.variables.named(name).name] = value
    _check_document(project, args.document)
    if answers or args.coded:
        with project.store.write():  # the answers and the coded mark are one edit
            if answers:
                project.codesheet.set_many(args.document, answers)
            if args.coded:
                project.codesheet.mark_coded(args.document)
    given = project.codesheet.answers(args.document)
    for variable in project.variables.list():
        stored = given.get(variable.id)
        print(f"{variable.name}: {_shown(variable, stored)}")
    missing = project.codesheet.missing_required(args.document)
    if project.codesheet.is_done(args.document):
        print(f"Document {args.document} is done for {coder}.")
    elif missing:
        print(f"Document {args.document} is not done for {coder}: {', '.join(v.name for v in missing)} "
              f"still {'needs' if len(missing) == 1 else 'need'} an answer.")
    else:
        print(f"Document {args.document} is not coded by {coder} yet (answer a variable, or give --coded).")
    return 0


def _shown(variable: Variable, stored: str | None) -> str:
    from annotator.core.coding.variables import answer_codes, choices_of

    if stored is None:
        return "-"
    if variable.kind in ("single_choice", "multiple_choice", "yes_no"):
        meaning = {choice.code: choice.label for choice in choices_of(variable)}
        return "; ".join(f"{code} = {meaning.get(code, '?')}" for code in answer_codes(variable, stored))
    return stored


def _check_document(project, doc_id: int) -> None:
    try:
        project.documents.get(doc_id, with_text=False)
    except KeyError:
        raise ProjectError(f"There is no document {doc_id}; `annotator search` or the coding table lists "
                           "their ids.") from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"
