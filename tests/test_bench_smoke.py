"""The bench runs end to end in quick mode: every row of issue 7's table measured, every check passed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# Label, and a word of its title that must be on the same line.
ROWS = [("1", "startup"), ("2", "open"), ("2b", "open dense"), ("2c", "open dense"), ("3", "tag"), ("4a", "import"), ("4b", "import"),
        ("5a", "common word"), ("5b", "rare word"), ("5c", "phrase"), ("6", "export"),
        ("6c", "JSON Lines"), ("6d", "Web Annotation"), ("6e", "qdpx"), ("7", "memory"),
        ("8a", "last row"), ("8b", "filter by label"), ("9", "agreement"), ("9b", "from a project"),
        ("10", "merge"), ("12a", "stance-targets"), ("12b", "stance-outlets"), ("12c", "stance-time"),
        ("12d", "entities"), ("12e", "labels"), ("12f", "matrix"), ("12g", "cooccurrence"),
        ("12h", "sentence")]
NUMBER = r"[\d,]+(?:\.\d+)?"


# Generous bounds: a slow or busy machine must not fail a correctness test (speed lives in bench/).
@pytest.mark.timeout(600)
def test_quick_bench_measures_and_checks_every_row(tmp_path: Path) -> None:
    home = tmp_path / "annotator_home"
    home.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_HOME=str(home))
    # Row 11 needs a PostgreSQL server: it has a test of its own below, which has one.
    from bench.rows import ROW_KEYS

    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", *(key for key in ROW_KEYS if key != "shared")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=540,
    )
    output = proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{output}\nstderr:\n{proc.stderr[-3000:]}"
    assert "FAILED" not in output
    for label, word in ROWS:
        # label, title, unit, n >= 1, then median/min/max, target (a number, a ratio, both or -), reference, ratio.
        target = rf"(?:{NUMBER} and {NUMBER}x|{NUMBER}x|{NUMBER}|-)"
        line = re.search(rf"^{label}\s+.*{word}.*\s(?:ms|s|MB)\s+([1-9]\d*)\s+({NUMBER})\s+({NUMBER})\s+"
                         rf"({NUMBER})\s+{target}\s+({NUMBER})\s+({NUMBER})x$", output, re.MULTILINE)
        assert line is not None, f"row {label} ({word}) has no measured line in:\n{output}"
    assert "SQLite" in output and "PySide6" in output  # the environment line
    assert "rows over target (informational):" in output
    # The bench keeps to its own temporary data folder, not even the one it was given.
    assert list(home.iterdir()) == []
    assert re.search(rf"^1\s+startup.*\s500\.0 and 2\.5x\s+{NUMBER}\s+{NUMBER}x$", output, re.MULTILINE)


def test_a_row_is_over_target_by_its_figure_or_by_its_ratio_to_the_reference() -> None:
    from bench.report import RowResult, over_target_line

    def row(median: float, reference: float) -> RowResult:
        return RowResult("1", "startup: window", "ms", 500, "bare window", target_ratio=2.5,
                         samples=[median], reference=[reference], checked=True)

    assert not row(300, 150).over_target  # 2.0x, under 500 ms
    assert row(400, 150).over_target  # under 500 ms but 2.67x
    assert row(600, 300).over_target  # 2.0x but over 500 ms
    assert over_target_line([row(400, 150)]) == \
        "rows over target (informational): 1 startup (400.0 ms, 2.67x; target 500.0 and 2.5x)"


@pytest.mark.timeout(300)
def test_quick_bench_runs_the_shared_project_row_on_a_local_server(tmp_path: Path, pg_server) -> None:
    """Row 11 briefly: 20 coders for 2 s; its checks (zero lost, every tag seen, check clean) must pass."""
    home = tmp_path / "annotator_home"
    home.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_HOME=str(home), ANNOTATOR_TEST_PG=pg_server.url)
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "shared", "--seconds", "2"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=240,
    )
    output = proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{output}\nstderr:\n{proc.stderr[-3000:]}"
    for label, unit in (("11a", "tags/s"), ("11b", "ms"), ("11c", "ms")):
        line = re.search(rf"^{label}\s+shared: 20 coders .*\s{unit}\s+1\s+({NUMBER})\s", output, re.MULTILINE)
        assert line is not None, f"row {label} has no measured line in:\n{output}"
    assert re.search(r"^  11a\. [\d,]+ tags by 20 coders in 2 s, 0 lost, every one seen by the observer; 0 refused; "
                     r"`annotator check` clean", output, re.MULTILINE), output
    assert list(home.iterdir()) == []
