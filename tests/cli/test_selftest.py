"""`annotator --selftest`: the installed app's one-line health check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import annotator.selftest as selftest
from annotator.core.corpus.importing import ImportReport


@pytest.mark.timeout(400)
def test_selftest_passes_headless_and_prints_one_ok_line(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    home = tmp_path / "home"
    env["ANNOTATOR_HOME"] = str(home)
    result = subprocess.run([sys.executable, "-m", "annotator", "--selftest"], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=360)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"annotator selftest: ok \(5 documents, 4 annotations, \d+ ms\)\n", result.stdout)
    # It works in a throwaway folder: the analyst's own data folder gets no project.
    assert not (home / "default.annotator").exists()


def test_selftest_reports_missing_seeds_as_failed(monkeypatch, capsys):
    monkeypatch.setattr(selftest, "import_seeds", lambda project: ImportReport([]))

    assert selftest.run_selftest() == 1

    out = capsys.readouterr().out
    assert out == "annotator selftest: FAILED: imported 0 of 5 seed articles; are the seeds missing from this installation?\n"


def test_selftest_fails_when_the_shared_project_driver_is_missing(monkeypatch, capsys):
    # An installer that left psycopg out would open local files and fail on the first shared project.
    monkeypatch.setattr(selftest, "_tag_through_the_reader", lambda path, doc_id: None)
    monkeypatch.setitem(sys.modules, "psycopg", None)

    assert selftest.run_selftest() == 1

    out = capsys.readouterr().out
    assert out.startswith("annotator selftest: FAILED: the PostgreSQL driver for shared projects is missing")


def _skip_the_window(monkeypatch):
    """The checks before the charts, without the window's tag (and so with one row fewer to export)."""
    monkeypatch.setattr(selftest, "_tag_through_the_reader", lambda path, doc_id: None)
    monkeypatch.setattr(selftest, "_check_csv_export", lambda path, out: (5, 4))


def test_selftest_fails_when_charts_cannot_be_drawn(monkeypatch, capsys):
    # An installer that left matplotlib out (as one did to stay under its size limit) draws no chart.
    _skip_the_window(monkeypatch)
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    assert selftest.run_selftest() == 1

    out = capsys.readouterr().out
    assert out.startswith("annotator selftest: FAILED: This installation of Annotator cannot draw charts")


def test_selftest_fails_when_no_font_shows_the_korean_in_a_chart(monkeypatch, capsys):
    from annotator.core.charts import draw

    _skip_the_window(monkeypatch)
    monkeypatch.setattr(draw, "CJK_FONTS", ())  # as on a system with no font that has Hangul

    assert selftest.run_selftest() == 1

    out = capsys.readouterr().out
    assert out.startswith("annotator selftest: FAILED: charts cannot show Korean text (Glyph ")
    assert "install a font with Hangul" in out


def test_selftest_fails_when_the_web_page_extractors_url_tables_are_missing(monkeypatch, capsys):
    # The installers once left out tld's public-suffix table: pages from sites with short names
    # (yna.co.kr, ign.com) then imported as "no article text found".
    import courlan.urlutils
    import tld.utils

    _skip_the_window(monkeypatch)
    monkeypatch.setattr(tld.utils.MozillaTLDSourceParser, "local_path", "res/not-installed.dat.txt")
    monkeypatch.setattr(tld.utils, "tld_names", {})
    if hasattr(courlan.urlutils.get_tldinfo, "cache_clear"):
        courlan.urlutils.get_tldinfo.cache_clear()

    assert selftest.run_selftest() == 1

    out = capsys.readouterr().out
    assert out.startswith("annotator selftest: FAILED: a saved web page did not import: no article text found")
