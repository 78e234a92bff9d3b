"""Backups and the one-writer lock, as the analyst sees them."""
