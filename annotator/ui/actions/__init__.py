"""User actions: undoable operations on the open project and the File menu's work."""
