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
