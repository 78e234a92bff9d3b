"""Team coding: how far coders agree (figures from plain data; feeding them from a project lives elsewhere)."""
