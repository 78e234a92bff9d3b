"""`annotator server` (issue 15, item 5): set up a shared project and manage who has which role in it.

What each role may do is tested in tests/core/test_pg_roles.py against raw SQL; here the
commands, their output and their messages for bad input.
"""

from __future__ import annotations

import io
import itertools
import os
import uuid
from urllib.parse import quote

import psycopg
from psycopg import sql

from annotator.cli import main
from tests.core.test_pg_roles import as_login
from tests.pg_support import with_database

_numbers = itertools.count(1)


def test_server_commands_set_up_a_project_and_manage_its_people(pg_server, capsys, monkeypatch):
    tag = f"{os.getpid()}_{next(_numbers)}_{uuid.uuid4().hex[:6]}"
    url = with_database(pg_server.url, f"annotator_cli_{tag}")
    login = f"미나 {tag}"
    try:
        assert main(["server", "init", "--url", url]) == 0
        out = capsys.readouterr().out
        assert "add-user" in out and f"annotator_cli_{tag}_coder" in out
        assert main(["server", "init", "--url", url]) == 2
        assert "already holds tables" in capsys.readouterr().err

        monkeypatch.setattr("sys.stdin", io.StringIO("s3cret\n"))
        assert main(["server", "add-user", "--url", url, "--role", "coder", login, "--password-prompt"]) == 0
        assert "now a coder" in capsys.readouterr().out
        with psycopg.connect(pg_server.url) as admin:
            stored = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (login,)).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$") and "s3cret" not in stored

        assert main(["server", "add-user", "--url", url, "--role", "boss", login]) == 2
        assert "no role 'boss'" in capsys.readouterr().err
        assert main(["server", "add-user", "--url", url, "--role", "coder", f" {login}"]) == 2
        assert "spaces" in capsys.readouterr().err
        # A coder may not hand out roles: the server says no, the command says why.
        assert main(["server", "add-user", "--url", as_login(url, login, "s3cret"), "--role", "owner",
                     f"x {tag}"]) == 2
        assert "administrator" in capsys.readouterr().err

        assert main(["server", "users", "--url", url]) == 0
        listed = capsys.readouterr().out
        assert [line.split()[-1] for line in listed.splitlines() if login in line] == ["coder"]
        assert "owner" in listed
        assert main(["server", "add-user", "--url", url, "--role", "viewer", login]) == 0
        capsys.readouterr()
        assert main(["server", "users", "--url", url]) == 0
        assert [line.split()[-1] for line in capsys.readouterr().out.splitlines() if login in line] == ["viewer"]

        assert main(["server", "remove-user", "--url", url, login]) == 0
        assert "no role" in capsys.readouterr().out
        assert main(["server", "remove-user", "--url", url, login]) == 2
        assert "has no role" in capsys.readouterr().err
        assert main(["server", "users", "--url", "not-a-url"]) == 2
        assert "PostgreSQL address" in capsys.readouterr().err
    finally:
        pg_server.drop(url)
        with psycopg.connect(pg_server.url, autocommit=True) as admin:
            for name in (login, f"annotator_cli_{tag}_owner", f"annotator_cli_{tag}_coder",
                         f"annotator_cli_{tag}_viewer"):
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_server_commands_say_when_the_server_is_unreachable(tmp_path, capsys):
    url = f"postgresql://nobody@/nowhere?host={quote(str(tmp_path))}"
    assert main(["server", "users", "--url", url]) == 2
    assert "Could not connect" in capsys.readouterr().err
    assert main(["server", "init", "--url", url]) == 2
    assert "Could not connect" in capsys.readouterr().err


def test_server_init_says_what_a_login_that_may_not_create_roles_lacks(pg_server, capsys):
    tag = f"{os.getpid()}_{next(_numbers)}_{uuid.uuid4().hex[:6]}"
    url = with_database(pg_server.url, f"annotator_cli_{tag}")
    login = f"no roles {tag}"
    with psycopg.connect(pg_server.url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD 'pw'").format(sql.Identifier(login)))
    try:
        assert main(["server", "init", "--url", as_login(url, login, "pw")]) == 2
        assert "CREATEROLE" in capsys.readouterr().err
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_schema = 'public'").fetchone()[0] == 0
    finally:
        pg_server.drop(url)
        with psycopg.connect(pg_server.url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
