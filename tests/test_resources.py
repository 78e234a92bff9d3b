"""Every file the app loads at run time comes from package data, so installed and bundled copies find it.

A source checkout hides the mistake: a file read relative to the source tree works there
and fails for every analyst who installed the app. So the check installs a real wheel
into an empty folder and runs from somewhere else.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import annotator
from tests.support import max_channel_difference

REPO = Path(__file__).resolve().parent.parent
PACKAGE = Path(annotator.__file__).resolve().parent

PROBE = r"""
import json, os, sys
from importlib import resources
site = os.path.realpath(sys.argv[1])
import annotator
from annotator.core.coding.codebook_files import default_codebook
from annotator.core.corpus.importing import import_seeds
from annotator.core.project import Project
assert os.path.realpath(annotator.__file__).startswith(site + os.sep), annotator.__file__
book = default_codebook()
labels = [label["name"] for layer in book["layers"] for label in layer["labels"]]
seeds = sorted(e.name for e in resources.files("annotator.seeds").iterdir() if e.name.endswith(".txt"))
with Project("probe.annotator") as project:
    imported = len(import_seeds(project).imported)
    codable = len(project.codebook.codable_labels())
icon = resources.files("annotator.resources").joinpath("icon.png").read_bytes()
print(json.dumps({"labels": len(labels), "codable": codable, "seeds": seeds, "imported": imported,
                  "icon_png": icon[:8] == b"\x89PNG\r\n\x1a\n"}))
"""


def _build_wheel(tmp_path: Path) -> Path:
    # Built from a copy: other work may be going on in the tree, and pip leaves build/ behind.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("annotator", "resources", "seeds"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    wheels = tmp_path / "wheels"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = wheels.glob("annotator-*.whl")
    return wheel


@pytest.mark.timeout(600)
def test_an_installed_wheel_finds_codebook_seeds_and_icon_without_the_source_tree(tmp_path: Path):
    wheel = _build_wheel(tmp_path)
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                             str(wheel)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # -S skips site-packages' .pth files, where the editable install's finder points at the source tree;
    # the dependencies still come from this venv's site-packages, after the installed copy.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]]),
           "ANNOTATOR_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-S", "-c", PROBE, str(site)], capture_output=True, text=True,
                            cwd=elsewhere, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    found = result.stdout.strip().splitlines()[-1]
    seeds = sorted(path.name for path in (REPO / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    assert found == (f'{{"labels": 13, "codable": 13, "seeds": {seeds}, "imported": 5, "icon_png": true}}'
                     .replace("'", '"'))


def test_no_module_finds_data_files_relative_to_its_own_source():
    # __file__-relative paths work in a checkout and break in a wheel, a zip or a bundle.
    offenders = [str(path.relative_to(PACKAGE)) for path in sorted(PACKAGE.rglob("*.py"))
                 if re.search(r"\b__file__\b", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_app_window_icon_is_the_bundled_one(qapp):
    from PySide6.QtGui import QImage

    from annotator.ui.app import create_app

    icon = create_app().windowIcon()
    assert not icon.isNull()
    shown = icon.pixmap(256, 256).toImage().convertToFormat(QImage.Format_ARGB32)
    committed = QImage(str(REPO / "resources" / "icon.png")).convertToFormat(QImage.Format_ARGB32)
    assert shown.size() == committed.size() and shown.width() == 256
    # Premultiplying semi-transparent pixels rounds differently on different CPUs (one unit seen on
    # 16 edge pixels), so the same icon is equal within a couple of units, not bit for bit.
    assert max_channel_difference(shown, committed) <= 3
    blank = QImage(shown.size(), QImage.Format_ARGB32)
    blank.fill(0)
    assert max_channel_difference(shown, blank) > 100  # a wrong or missing icon would not pass


def test_the_icon_is_found_when_the_package_is_not_a_folder_on_disk(qapp, monkeypatch):
    # Installed inside a zip, the package data has no folder: the icon is read through importlib.resources.
    import importlib.util

    from annotator.ui import app

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    icon = app.app_icon()
    assert not icon.isNull() and icon.pixmap(64, 64).width() == 64
