"""Help › Keyboard shortcuts: every key the window answers, the codebook's label keys first."""

from __future__ import annotations


def shortcuts_text(label_keys: list[tuple[str, str]]) -> str:
    """The text of the shortcuts box; label_keys: (key, label name) of each codable label with a key."""
    keys = ", ".join(f"{key} {name}" for key, name in label_keys)
    return (
        "Select text, then press a label key to tag it:\n" + keys + "\n\n"
        "Alt+key: tag the exact selection (no snapping to whole words)\n"
        "Delete: delete the selected annotation\nCtrl+Z / Ctrl+Shift+Z: undo / redo\n"
        "Ctrl+F: find; Enter next match; Esc closes and keeps the match selected\n"
        "Alt+Down / Alt+Up: next / previous document\nCtrl+plus / Ctrl+minus / Ctrl+0: zoom\n"
        "F2: edit the document title\n"
        "Tab / Shift+Tab: next / previous annotation; Ctrl+Enter: mark done, open the next to do\n"
        "Selected annotation, nothing selected: Shift+Left / Shift+Right extend its start / end, "
        "Alt+Right / Alt+Left shrink its start / end (add Ctrl for whole words)\n\n"
        "Analyze › Charts (Ctrl+Shift+H): click a bar, cell or node to list the documents behind it\n"
        "Analyze › Adjudicate (Ctrl+Shift+J), on the selected row: 1–9 take that coder's version into gold; "
        "Enter takes the selected cell's coder's; A or Ctrl+Shift+A takes everything all coders agree on; "
        "Ctrl+Delete clears gold for the document; Ctrl+Z / Ctrl+Shift+Z undo / redo the window's steps"
    )
