"""The Qt layer: item models, views, dialogs and undo commands over annotator.core.

PySide wraps every import that runs after it loads, for its optional `from __feature__
import ...` switches (which Annotator never uses). Once per module, the wrapper asks whether
the module names PySide6, by reading it through inspect.getsource: tokenizing its file and
keeping every line in linecache. Over the ~110 modules a start-up imports after Qt that was
10 to 14 ms (issue 17). The same question is answered below from the file's bytes, ~0.03 ms
a module; anything without a plain source file gets PySide's own answer.
"""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401 - loads shiboken's support modules, whose check is replaced below


def _names_pyside_from_its_file() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    pyside_answer = getattr(feature, "_mod_uses_pyside", None)
    if pyside_answer is None or getattr(pyside_answer, "reads_bytes", False):
        return  # a PySide without this check, or already replaced

    def names_pyside(module) -> bool:
        path = getattr(getattr(module, "__spec__", None), "origin", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return pyside_answer(module)

    names_pyside.reads_bytes = True
    feature._mod_uses_pyside = names_pyside


_names_pyside_from_its_file()
