"""Backups and restoring them, and `annotator check`."""
