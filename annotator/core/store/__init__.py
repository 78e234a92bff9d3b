"""The project file: the SQLite database, its schema and migrations, exact undo, and the one-writer lock."""
