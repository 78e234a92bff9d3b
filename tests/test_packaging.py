"""The Linux packaging script's AppImage step, as far as it runs without appimagetool."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _build_module():
    spec = importlib.util.spec_from_file_location("annotator_build", REPO / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_appdir_runs_the_bundle_through_apprun_from_anywhere(tmp_path):
    build = _build_module()
    bundle = tmp_path / "dist" / "annotator"
    bundle.mkdir(parents=True)
    program = bundle / "annotator"
    program.write_text('#!/bin/sh\necho "bundle got: $*"\n', encoding="utf-8")
    program.chmod(0o755)

    appdir = build.make_appdir(bundle, "annotator", "Code news.", tmp_path / "Annotator.AppDir")

    entry = (appdir / "annotator.desktop").read_text(encoding="utf-8")
    assert "Exec=annotator %F" in entry and "Icon=annotator" in entry
    assert (appdir / "annotator.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (appdir / ".DirIcon").resolve() == (appdir / "annotator.png").resolve()
    # Called through a symlink from another folder, as a mounted AppImage's runtime does.
    link = tmp_path / "elsewhere" / "AppRun"
    link.parent.mkdir()
    link.symlink_to(appdir / "AppRun")
    done = subprocess.run([str(link), "--selftest", "two words"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "bundle got: --selftest two words"


def test_appimage_without_appimagetool_says_where_to_get_it_before_building(monkeypatch, capsys):
    build = _build_module()
    monkeypatch.delenv("APPIMAGETOOL", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(build, "build_bundle", lambda name: pytest.fail("built before checking the tool"))
    with pytest.raises(SystemExit) as refused:
        build.main(["--appimage"])
    assert "appimagetool was not found" in str(refused.value)
    assert "APPIMAGETOOL=" in str(refused.value)


def test_every_package_of_the_source_tree_is_shipped():
    """A wheel or installer carries only the packages pyproject lists: a new subdomain must be there."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(root).parts) for p in (root / "annotator").rglob("__init__.py")}
    assert on_disk - listed == set()
