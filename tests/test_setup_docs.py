"""The set-up the README promises is the set-up the code does."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_readme_names_every_system_package_the_bootstrap_installs():
    bootstrap = runpy.run_path(str(REPO / "tools" / "bootstrap.py"))
    wanted = bootstrap["debian_packages"]()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"sudo apt-get install ((?:\\\n|[^\n`])+)", readme.split("## What the two commands need")[1])[:1]
    listed = command.replace("\\\n", " ").split()
    assert "make" in wanted and "python3-venv" in wanted and "fonts-noto-cjk" in wanted
    assert sorted(listed) == sorted(wanted)


def test_ci_installs_the_same_list_before_running_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/debian-packages.txt" in ci and "\nmake test\n" in ci


def test_ci_runs_the_tests_against_a_postgresql_cluster_it_starts_and_stops():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/debian-test-packages.txt" in ci
    assert "postgresql postgresql-contrib" in (REPO / "tools" / "debian-test-packages.txt").read_text(encoding="utf-8")
    started = ci.index('ANNOTATOR_TEST_PG="$(python3 tools/pg_cluster.py start "$pg_folder")"')
    assert ci.index("trap stop_pg EXIT") < started < ci.index("\nmake test\n")
    assert "ANNOTATOR_REQUIRE_PG=1" in ci and "pg_cluster.py stop" in ci
    # Only the tests need the server: the app's own list stays without it.
    assert "postgresql" not in (REPO / "tools" / "debian-packages.txt").read_text(encoding="utf-8")


def test_the_readme_says_how_to_run_the_tests_against_your_own_server():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    part = readme.split("### Running the tests against your own server")[1].split("\n## ")[0]
    assert "ANNOTATOR_TEST_PG=postgresql://" in part and "make test" in part
    assert "postgresql postgresql-contrib" in part and "ANNOTATOR_REQUIRE_PG=1" in part


def test_make_test_installs_postgresql_and_make_run_does_not():
    bootstrap = runpy.run_path(str(REPO / "tools" / "bootstrap.py"))
    assert {"postgresql", "postgresql-contrib"} <= set(bootstrap["debian_packages"](for_tests=True))
    assert "postgresql" not in bootstrap["debian_packages"]()
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "tools/bootstrap.py $(VENV) '.[test]'" in makefile
