"""Crash safety, proven by killing: SIGKILL an editor at random moments and inspect what it left.

Each round starts tests/crash/editor_child.py on the same project file, lets it
edit for a random moment and kills it with SIGKILL, the way a crash, a forced
quit or a dead battery ends a session. Then the file must pass SQLite's
integrity and foreign-key checks and `annotator check`, and hold exactly the
edits the child reported as committed, plus at most the one it had begun but
not yet reported. Every few rounds the GUI opens the file too.

CI runs 50 rounds (about half a minute); ANNOTATOR_KILL_TEST_ROUNDS=500 runs more.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.safety.check import check_project

from .project_state import State, apply, differences, read_state, reopen, resolve_new

ROUNDS = int(os.environ.get("ANNOTATOR_KILL_TEST_ROUNDS", "50"))
GUI_EVERY = 10  # opening the window costs more than a round; every tenth round proves the point
CHILD = Path(__file__).with_name("editor_child.py")
SEED = 5150

ARTICLES = {
    "월마트, 아마존 클라우드 떠난다 🚀": "월마트가 아마존의 클라우드를 버렸다 🚀. \"We are done,\" said Kim Ji-ho. "
    * 6 + "Cafe\u0301 owners 👩‍👩‍👧 cheered on 3 May, according to the 시장 report.",
    "Samsung sells more phones": "Samsung sold 5% more phones, the company said on Tuesday. 삼성전자는 만족했다. "
    * 8,
    "Fact-check: the 40% claim": "The minister claimed that prices fell 40% in a year. Economists disagree: "
    "\"That figure is wrong,\" said one. ‏مرحبا‎ and עברית appear in quotes. " * 5,
}

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")


def make_project(path: Path) -> list[str]:
    """A project with articles and attributes of every kind; returns the document titles."""
    with Project(path) as project:
        for title, text in ARTICLES.items():
            project.documents.add(title=title, text=text)
        # The default Claim has choice and yes/no attributes; add the other kinds.
        book = project.codebook
        book.add_attribute(book.by_name("Claim").id, "Amount", "number")
        book.add_attribute(book.by_name("Person").id, "Role", "text")
        book.add_attribute(book.by_name("Quote").id, "Language", "choice", ["English", "한국어"])
    return list(ARTICLES)


def run_and_kill(path: Path, seed: int, rng: random.Random, stderr_path: Path) -> list[str]:
    """Run the child, SIGKILL it at a random moment; return every whole line it wrote."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with stderr_path.open("wb") as stderr:
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(seed)], stdout=subprocess.PIPE,
                                 stderr=stderr, env=env, cwd=str(CHILD.parent))
        lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            # Reading without pause keeps the pipe from filling: a child blocked on a
            # full pipe would always die in the same place.
            for raw in child.stdout:
                if raw.endswith(b"\n"):  # a line cut by the kill was never reported
                    lines.append(raw.decode("utf-8").rstrip("\n"))
                    if lines[-1] == "ready":
                        ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if rng.random() < 0.1:
            time.sleep(rng.uniform(0, 0.3))  # sometimes die while opening the project
        else:
            deadline = time.monotonic() + 60
            while not ready.wait(0.02) and child.poll() is None and time.monotonic() < deadline:
                pass
            time.sleep(rng.uniform(0, 0.35))
        child.send_signal(signal.SIGKILL)
        code = child.wait(timeout=30)
        reader.join(timeout=30)
    if code != -signal.SIGKILL:
        pytest.fail(f"the editor ended by itself (exit {code}) before the kill:\n{stderr_path.read_text()}")
    return lines


def fold(lines: list[str], before: State) -> tuple[State, tuple[str, State] | None, Counter]:
    """What the file must hold after the reported edits, the begun-but-unreported edit, and a tally."""
    state, pending, kinds = before, None, Counter()
    for line in lines:
        word, *rest = line.split(" ", 4)
        if word == "begin":
            n, kind, intent = rest[0], rest[1], json.loads(" ".join(rest[2:]))
            assert pending is None, f"edit {n} began before the last one was reported"
            pending = (n, kind, intent)
        elif word == "committed":
            n, kind, _touched, delta = rest
            assert pending is not None and pending[0] == n, f"edit {n} was reported without beginning"
            state, pending = apply(state, json.loads(delta)), None
            kinds[kind] += 1
    return state, (pending[1], pending[2]) if pending else None, kinds


def read_file(path: Path) -> State:
    # Read-only, so the next editor finds the file exactly as the kill left it and
    # replays its WAL itself.
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        state = read_state(conn)
    conn.close()
    return state


def open_in_gui(qtbot, path: Path, titles: list[str]) -> None:
    from annotator.ui.main_window import MainWindow

    window = MainWindow(reopen(path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    shown = [window.doc_model.index(row, 0).data() for row in range(window.doc_model.rowCount())]
    assert shown == titles
    window.close()


# A round takes about a third of a second, a GUI round more; the long run needs more than the default limit.
@pytest.mark.timeout(max(120, 3 * ROUNDS))
def test_editor_killed_at_random_moments_loses_no_committed_edit(tmp_path, qtbot):
    path = tmp_path / "killed.annotator"
    titles = make_project(path)
    expected = read_file(path)
    rng = random.Random(SEED)
    committed: Counter = Counter()
    for round_ in range(ROUNDS):
        seed = SEED * 1000 + round_
        lines = run_and_kill(path, seed, rng, tmp_path / "child-stderr.txt")
        must_hold, pending, kinds = fold(lines, expected)
        committed.update(kinds)

        report = check_project(path)  # as a user would run it right after the crash, -wal and all
        assert report.ok, f"round {round_} (seed {seed}): " + "\n".join(report.lines())
        found = read_file(path)
        if found != must_hold:  # then the one begun-but-unreported edit must have committed, whole
            resolved = resolve_new(pending[1], found, must_hold) if pending else None
            if resolved is None or apply(must_hold, resolved) != found:
                pytest.fail(f"round {round_} (seed {seed}): the file lost a reported edit, or holds part of one "
                            f"or one never begun (unreported: {pending[0] if pending else 'none'}):\n"
                            + "\n".join(differences(must_hold, found)))
        expected = found
        if round_ % GUI_EVERY == GUI_EVERY - 1:
            open_in_gui(qtbot, path, titles)
            expected = read_file(path)  # opening changes no edit, but must not lose any either
            assert expected == found

    # The rounds must have exercised every kind of edit, thousands of times in all.
    total = sum(committed.values())
    assert total >= 20 * ROUNDS, committed
    assert ROUNDS < 20 or set(committed) >= {"tag", "delete", "relabel", "set_span", "value", "entity", "link", "note", "memo",
                              "rename", "undo"}, committed
