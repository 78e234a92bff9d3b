"""The Linux packaging script's AppImage step, as far as it runs without appimagetool."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
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


QT_ICU_USES = """
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
print(sorted(["하나", "가방", "Zebra", "apple", "Äpfel"], key=QCollator(QLocale("ko_KR")).sortKey))
print(sorted(["b", "A", "a", "B"], key=QCollator(QLocale("en_US")).sortKey))
print([QStringDecoder(name).isValid() for name in ("EUC-KR", "Shift_JIS", "GB18030", "windows-1252")])
seoul = QTimeZone(b"Asia/Seoul")
print([seoul.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(name))
       for name in ("en_US", "ko_KR")])
print(QLocale("tr_TR").toUpper("istanbul"))
"""


# The ICU trim is a step of the Linux bundle only (annotator.spec); Windows and macOS ship Qt's data whole.
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle's step")
def test_the_bundles_smaller_icu_data_serves_everything_qt_asks_of_icu(tmp_path):
    """packaging/icu_data.py drops the ICU data Qt never reads; what Qt does read must answer as before."""
    import shutil

    import PySide6

    if not (shutil.which("as") and shutil.which("ld")):
        pytest.fail("binutils (as, ld) are needed to build the bundle; install them (apt-get install binutils)")
    spec = importlib.util.spec_from_file_location("icu_data", REPO / "packaging" / "icu_data.py")
    icu_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(icu_data)
    (full,) = (Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*")
    small = tmp_path / full.name
    assert icu_data.shrink(full, small) > 2000
    assert small.stat().st_size < 0.6 * full.stat().st_size

    def run(preload: Path | None) -> str:
        env = {"PATH": "/usr/bin:/bin", "LD_PRELOAD": str(preload)} if preload else {"PATH": "/usr/bin:/bin"}
        done = subprocess.run([sys.executable, "-c", QT_ICU_USES], capture_output=True, text=True, env=env,
                              check=True)
        return done.stdout

    answers = run(None)
    assert "Korean Standard Time" in answers and "[True, True, True, True]" in answers
    assert run(small) == answers
