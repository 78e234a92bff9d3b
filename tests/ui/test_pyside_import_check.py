"""PySide's per-import question "does this module name PySide6?", answered from the file's bytes (issue 17)."""

from __future__ import annotations

import importlib
import inspect
import sys
import types

import annotator.ui  # noqa: F401 - replaces the check


def _pyside_semantics(module) -> bool:
    # What shiboken's own check computes: the module's source text contains "PySide6"; no source, False.
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


def test_start_up_uses_the_faster_check():
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert getattr(check, "reads_bytes", False)


def test_it_gives_the_same_answers_as_pyside_for_every_kind_of_module(tmp_path, monkeypatch):
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    (tmp_path / "mentions_it.py").write_text("# works with PySide6 too\nVALUE = 1\n", encoding="utf-8")
    (tmp_path / "korean_comment.py").write_text("# 월마트가 PySide6 없이\nVALUE = 2\n", encoding="utf-8")
    (tmp_path / "plain.py").write_text("VALUE = 3\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = [importlib.import_module(name) for name in ("mentions_it", "korean_comment", "plain")]
    modules += [importlib.import_module(name) for name in ("annotator.ui.main_window", "annotator.core.project", "json", "sys",
                                               "_sqlite3", "PySide6.QtCore")]
    modules.append(types.ModuleType("made_in_memory"))
    answers = {module.__name__: check(module) for module in modules}
    assert answers == {module.__name__: _pyside_semantics(module) for module in modules}
    assert [name for name, uses in answers.items() if uses] == ["mentions_it", "korean_comment",
                                                                 "annotator.ui.main_window"]
