"""`annotator server`: set up a shared project on a PostgreSQL server and say who may do what in it.

`init` makes a database a shared project with its owner, coder and viewer roles;
`add-user`, `users` and `remove-user` manage the people (logins) and their role. The rules
each role lives by are the server's (core/store/pg/roles.py); these commands only wrap
core/store/pg/server.py and users.py. Passwords are read from a prompt or stdin, never
from the command line, and never kept.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from annotator.core.common.errors import ProjectError
from annotator.core.store.pg.locations import describe, is_url

ROLE_CHOICES = ("owner", "coder", "viewer")
SERVER_DESCRIPTION = (
    "Shared projects on a PostgreSQL server. `init` creates one (the database if missing, its tables and its "
    "owner, coder and viewer roles); `add-user` gives a login a role (owner: codebook, documents, hand-out, "
    "adjudication, managing coders; coder: writes only their own codes; viewer: reads only), creating the login "
    "when new; `users` lists who has which role; `remove-user` takes a login's role away. The server enforces "
    "the roles, whatever client connects. Run these as the server's administrator (a login that may create "
    "roles and databases)."
)


def add_commands(commands) -> None:
    p = commands.add_parser("server", help="set up a shared project on PostgreSQL and manage its people",
                            description=SERVER_DESCRIPTION)
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="server_action")
    url_help = "the project's address, e.g. postgresql://admin@db.example.org/newsdesk (a password comes from " \
               "PGPASSWORD, ~/.pgpass or a service file)"

    init = actions.add_parser("init", help="create a shared project: database, tables and roles")
    init.add_argument("--url", required=True, help=url_help)
    init.set_defaults(handler=run_init)

    add = actions.add_parser("add-user", help="give a login a role in the project (creating the login when new)")
    add.add_argument("--url", required=True, help=url_help)
    add.add_argument("--role", required=True, metavar="ROLE", help="owner, coder or viewer")
    add.add_argument("login", metavar="LOGIN", help="the person's login name on the server; a coder's codes are "
                     "signed with it")
    add.add_argument("--password-prompt", action="store_true",
                     help="ask for the login's password (read from stdin when it is not a terminal); "
                     "without it a new login gets none and signs in as the server's authentication allows")
    add.set_defaults(handler=run_add_user)

    users = actions.add_parser("users", help="list the project's logins and their roles")
    users.add_argument("--url", required=True, help=url_help)
    users.set_defaults(handler=run_users)

    remove = actions.add_parser("remove-user", help="take a login's role in the project away (its codes stay)")
    remove.add_argument("--url", required=True, help=url_help)
    remove.add_argument("login", metavar="LOGIN")
    remove.set_defaults(handler=run_remove_user)

    p.set_defaults(command="server", handler=lambda args: _no_action(p))


def _no_action(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    print("annotator server: choose an action: init, add-user, users or remove-user", file=sys.stderr)
    return 2


def _url(args: argparse.Namespace) -> str:
    if not is_url(args.url):
        raise ProjectError(f"--url takes a PostgreSQL address such as postgresql://admin@host/project, not "
                           f"{args.url!r}.")
    return args.url


def run_init(args: argparse.Namespace) -> int:
    url = _url(args)
    from annotator.core.store.pg import server

    groups = server.init(url)
    print(f"Set up the shared project {describe(url)}, with the roles owner ({groups['owner']}), "
          f"coder ({groups['coder']}) and viewer ({groups['viewer']}).")
    print("Next:")
    print(f"  give each person a role:  annotator server add-user --url {describe_url(url)} --role coder LOGIN "
          "--password-prompt")
    print(f"  bring a project in:       annotator push --project FILE.annotator --url {describe_url(url)}")
    print("  each person then opens:   annotator --project postgresql://LOGIN@HOST/DATABASE")
    return 0


def describe_url(url: str) -> str:
    from annotator.core.store.pg.locations import without_password

    return without_password(url)


def _password(login: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {login}: ")
        if first != getpass.getpass(f"Password for {login} again: "):
            raise ProjectError("The two passwords differ; nothing was changed. Run the command again.")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise ProjectError("The password is empty; nothing was changed. Give one, or leave out --password-prompt.")
    return first


def run_add_user(args: argparse.Namespace) -> int:
    url = _url(args)
    from annotator.core.store.pg import users

    users.check_role(args.role)
    users.check_login(args.login)
    password = _password(args.login) if args.password_prompt else None
    print(users.add(url, args.login, args.role, password=password))
    return 0


def run_users(args: argparse.Namespace) -> int:
    url = _url(args)
    from annotator.core.store.pg import users

    found = users.members(url)
    width = max(len(m.login) for m in found)
    for member in found:
        print(f"{member.login:<{width}}  {member.role}")
    return 0


def run_remove_user(args: argparse.Namespace) -> int:
    url = _url(args)
    from annotator.core.store.pg import users

    print(users.remove(url, args.login))
    return 0
