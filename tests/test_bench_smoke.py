"""The bench runs end to end in quick mode: every figure measured, every correctness check passed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

ROW_NAMES = [
    "process start to main window shown",
    "open the longest seed with 50 synthetic annotations, first paint",
    "tag-to-stored latency",
    "CSV export of 1,000 annotations",
    "annotation table over 1,000 rows: jump to last row, filter by label",
]


def test_quick_bench_runs_every_row_and_exits_zero(tmp_path: Path) -> None:
    home = tmp_path / "annotator_home"
    home.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_HOME=str(home))
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    output = proc.stdout
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{output}\nstderr:\n{proc.stderr[-3000:]}"
    for name in ROW_NAMES:
        assert name in output, f"row {name!r} missing from:\n{output}"
    assert "FAILED" not in output
    assert "SQLite" in output and "PySide6" in output  # the environment line
    # The bench keeps to its own temporary data folder, not even the one it was given.
    assert list(home.iterdir()) == []
