"""Team coding from the command line: `annotator coders`, `variables`, `code`, `agreement`, `adjudicate`,
`handout` and `merge`.

Thin wrappers over core.coding's Coders, Variables and Codesheet, and core.team's adjudication, handout
and merge. The current coder is
--coder NAME, else the login name, as a new annotation's annotator is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LEVELS, VARIABLE_KIND_NAMES, VARIABLE_KINDS, Variable
from annotator.core.store.pg.locations import project_location

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

HANDOUT_DESCRIPTION = (
    "Write a new project file for one coder: the documents (all of them, a random --sample N drawn with "
    "--seed S, or --documents IDS) with their metadata, the codebook with its document variables, and the "
    "entity registry, but nobody's codes. Whoever opens it codes as --coder NAME. Give each coder of a "
    "reliability sample the same --sample and --seed; take their files back with `annotator merge`."
)
MERGE_DESCRIPTION = (
    "Bring coders' files (from `annotator handout`) back into the project: each file's annotations, attribute "
    "values, entity links, codesheet answers and coded marks come in as its coder's. Documents are matched by "
    "their text, labels, attributes and variables by name. What is already in the project is not added again, "
    "so merging a file twice changes nothing. A codebook that conflicts (a label in another layer, a choice "
    "code that means something else, a variable of another type) is refused and nothing is merged. Prints "
    "what came in for each coder."
)


def add_commands(commands, open_existing) -> None:
    """Add `coders`, `variables` and `code`; open_existing opens the project as the other commands do."""
    p = commands.add_parser("coders", help="list the project's coders, or add or rename one",
                            description="Everyone who codes in the project. Every annotation and codesheet "
                            "answer is one coder's; a new name coding adds a coder by itself.")
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
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
        sub.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                         help="project file or shared project URL (default: your default project)")
    p.set_defaults(command="variables", handler=lambda args: _opened(args, open_existing, run_variables))

    p = commands.add_parser("code", help="answer a document's codesheet", description=CODE_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--document", type=int, required=True, metavar="ID", help="the document's id")
    p.add_argument("--set", dest="answers", action="append", default=[], metavar="NAME=VALUE",
                   help="answer a variable (repeat for several)")
    p.add_argument("--coded", action="store_true",
                   help="say you have coded the document, also when there was nothing to answer or tag")
    p.add_argument("--coder", metavar="NAME", help="code as this coder (default: your login name)")
    p.set_defaults(command="code", handler=lambda args: _opened(args, open_existing, run_code))

    p = commands.add_parser("agreement", help="how far the coders agree (alpha, kappa, F1)",
                            description=AGREEMENT_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--coders", metavar="A,B,...", help="compare these coders (default: every coder who shares a "
                   "document with another)")
    p.add_argument("--documents", metavar="IDS", help="only these documents, e.g. 3,7,10-12")
    p.add_argument("--level", choices=LEVELS, help="compare every variable whose type allows it at this level "
                   "of measurement instead of its own")
    p.add_argument("--out", type=Path, metavar="FILE.csv", help="write the table as CSV instead of printing it")
    p.set_defaults(command="agreement", handler=lambda args: _opened(args, open_existing, run_agreement))

    p = commands.add_parser("handout", help="write a project file for one coder to code in",
                            description=HANDOUT_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--coder", required=True, metavar="NAME", help="the coder the file is for; they code as NAME")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.annotator", help="the new file (never overwritten)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--sample", type=int, metavar="N", help="a random sample of N documents (with --seed)")
    which.add_argument("--documents", metavar="IDS", help="these documents only, e.g. 3,7,12-20")
    p.add_argument("--seed", metavar="S", help="the sample's seed: the same N and seed draw the same documents")
    p.set_defaults(command="handout", handler=lambda args: _opened(args, open_existing, run_handout))

    p = commands.add_parser("merge", help="take coders' files back into the project", description=MERGE_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.annotator", help="coders' files to merge")
    p.set_defaults(command="merge", handler=lambda args: _opened(args, open_existing, run_merge))

    p = commands.add_parser("adjudicate", help="compare the coders' versions of a document and settle them in gold",
                            description=ADJUDICATE_DESCRIPTION)
    p.add_argument("--project", type=project_location, metavar="PATH_OR_URL",
                   help="project file or shared project URL (default: your default project)")
    p.add_argument("--document", type=int, required=True, metavar="ID", help="the document's id")
    step = p.add_mutually_exclusive_group()
    step.add_argument("--take", metavar="CODER", help="take this coder's version into gold")
    step.add_argument("--take-agreed", action="store_true", help="take every code all the coders agree on")
    step.add_argument("--clear", action="store_true", help="remove the document's gold codes and answers")
    p.add_argument("--item", dest="items", action="append", metavar="ID|VARIABLE",
                   help="with --take: only this annotation (its #id in the listing) or this variable's answer "
                   "(repeat for several)")
    p.set_defaults(command="adjudicate", handler=lambda args: _opened(args, open_existing, run_adjudicate))


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
    gold = coders.gold()
    for coder in everyone + ([gold] if gold else []):
        role = " (adjudicated layer)" if coder.is_gold else ""
        print(f"{coder.name}{role}: {_count(counts.get(coder.id, 0), 'annotation')}, "
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


# -- shared ------------------------------------------------------------------------------------------


def parse_documents(text: str) -> list[int]:
    """Document ids from "3,7,10-12" (what --documents takes), or a ProjectError saying what to write."""
    found: list[int] = []
    for piece in text.replace(" ", "").split(","):
        if not piece:
            continue
        low, dash, high = piece.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ProjectError(f"--documents takes ids and ranges like 3,7,10-12; {piece!r} is neither.")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ProjectError(f"--documents: the range {piece} runs backwards; write {last}-{first}.")
        if last - first >= 10_000_000:
            raise ProjectError(f"--documents {piece} spans more documents than a project holds; "
                               "give the ids the project has.")
        found.extend(range(first, last + 1))
    if not found:
        raise ProjectError("--documents names no document; give ids like 3,7,10-12.")
    return list(dict.fromkeys(found))


# -- agreement -------------------------------------------------------------------------------------


def run_agreement(args: argparse.Namespace, project) -> int:
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


# -- handout and merge ------------------------------------------------------------------------------


def run_handout(args: argparse.Namespace, project) -> int:
    from annotator.core.common.names import shown, shown_text
    from annotator.core.team.handout import handout

    if args.seed is not None and args.sample is None:
        raise ProjectError("--seed draws a --sample; give --sample N with it.")
    documents = parse_documents(args.documents) if args.documents is not None else None
    made = handout(project, args.coder, args.out, sample=args.sample, seed=args.seed, documents=documents)
    print(f"Wrote {shown(made.path)} for {shown_text(made.coder)}: {_count(len(made.document_ids), 'document')}.")
    if made.seed is not None:
        print(f"Sample of {args.sample:,} drawn with seed {shown_text(made.seed)}; the same --sample and --seed "
              "draw the same documents.")
    return 0


def run_merge(args: argparse.Namespace, project) -> int:
    from annotator.core.team.merge import merge

    report = merge(project, args.files)
    for line in report.lines():
        print(line)
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


# -- adjudicate -----------------------------------------------------------------------------------

ADJUDICATE_DESCRIPTION = (
    "Print every coder's codes and answers for a document side by side with the gold layer (the "
    "adjudicated codes): 'agree' when all coders have the same span, label and roles (and answer), "
    "'DIFFER' when they coded the same place differently, 'alone' when one coder coded it, 'gold' when "
    "only gold has it. --take CODER copies that coder's version into gold (or only the --item ones), "
    "replacing gold's conflicting codes; --take-agreed copies everything all coders agree on; --clear "
    "empties gold for the document. Each step is one edit; exports take --gold to write only gold."
)
_CELL_WIDTH = 30
_MARKS = {"agree": "agree", "differ": "DIFFER", "alone": "alone", "gold": "gold", "blank": "-"}


def run_adjudicate(args: argparse.Namespace, project) -> int:
    from annotator.core.team import adjudication

    _check_document(project, args.document)
    if args.items and not args.take:
        raise ProjectError("--item chooses what --take takes; give --take CODER with it.")
    if args.take:
        items = [int(item) if item.strip().isdigit() else item for item in args.items] if args.items else None
        done = adjudication.take(project, args.document, args.take, items)
        print(f"Took {project.coders.named(args.take).name}'s version into gold: {_outcome(done)}.")
    elif args.take_agreed:
        print(f"Took what all coders agree on into gold: {_outcome(adjudication.take_agreed(project, args.document))}.")
    elif args.clear:
        done = adjudication.clear_gold(project, args.document)
        print(f"Cleared gold: removed {_count(done.removed, 'code or answer', 'codes and answers')}."
              if done.changed else "Gold had nothing for this document.")
    print("\n".join(format_versions(project, adjudication.versions(project, args.document))))
    return 0


def _outcome(done) -> str:
    if not done.changed:
        return "nothing new (gold already has it)"
    parts = [_count(n, noun) for n, noun in ((done.spans, "span"), (done.document_codes, "whole-document code"),
                                             (done.answers, "answer")) if n]
    replaced = f", replacing {_count(done.removed, 'gold code or answer', 'gold codes and answers')}" \
        if done.removed else ""
    return ", ".join(parts or ["nothing new"]) + replaced


def format_versions(project, view) -> list[str]:
    """The versions as aligned lines: codes, then answers, one column per coder and one for gold."""
    from annotator.core.common.names import fit, shown_text

    title = project.documents.get(view.document_id, with_text=False).title
    names = [c.name for c in view.coders]
    gold = view.gold.name if view.gold else "gold"
    lines = [f"Document {view.document_id}: {shown_text(title)}",
             f"Coders: {', '.join(names) or 'nobody yet'}; adjudicated codes in {gold}.", ""]
    labels = {label.id: label.name for label in project.codebook.labels()}

    def code(coded) -> str:
        a = coded.annotation
        said = f"→ {project.annotations.display_role(a, 'target')}" if a.is_document_level else f"«{a.text}»"
        return shown_text(f"#{a.id} {labels.get(a.label_id, '?')} {said}")

    rows = []
    for unit in view.units:
        place = "whole document" if unit.document_level else f"{unit.layer} {unit.start}-{unit.end}"
        cells = [[code(c) for c in unit.versions.get(coder.id, [])] for coder in view.coders]
        rows.append((_MARKS[unit.status], place, cells + [[code(c) for c in unit.gold]]))
        if unit.differs_in:
            rows.append(("", "", [[f"↳ they differ in: {', '.join(unit.differs_in)}"]]))
    answers = [(_MARKS[a.status], a.variable.name,
                [[_shown(a.variable, a.values.get(coder.id))] for coder in view.coders] + [[_shown(a.variable, a.gold)]])
               for a in view.answers]
    for heading, table in (("Codes", rows), ("Answers", answers)):
        if not table:
            lines.append(f"{heading}: none.")
            continue
        place_width = max(display(place) for _mark, place, _cells in table)
        lines.append(f"{heading}:")
        header = ("", "", [[name] for name in names] + [[gold]])
        widths = [min(_CELL_WIDTH, max(display(line) for _m, _p, cells in (header, *table) if i < len(cells)
                                       for line in cells[i] or ["-"])) for i in range(len(names) + 1)]
        for mark, place, cells in (header, *table):
            if len(cells) == 1 and mark == "" and place == "":  # a note under the row above
                lines.append(f"{'':8}{'':{place_width}}  {cells[0][0]}")
                continue
            for n in range(max(1, *(len(cell) for cell in cells))):
                shown = [fit(cell[n] if n < len(cell) else ("-" if n == 0 else ""), width)
                         for cell, width in zip(cells, widths)]
                first = n == 0
                lines.append(f"{fit(mark if first else '', 6)}  {fit(place if first else '', place_width)}  "
                             + "  ".join(shown).rstrip())
        lines.append("")
    return lines[:-1] if lines[-1] == "" else lines


def display(text: str) -> int:
    from annotator.core.common.names import display_width

    return display_width(text)


def _check_document(project, doc_id: int) -> None:
    try:
        project.documents.get(doc_id, with_text=False)
    except KeyError:
        raise ProjectError(f"There is no document {doc_id}; `annotator search` or the coding table lists "
                           "their ids.") from None


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
