"""Shared projects: the store on a PostgreSQL server (imported only when a postgresql:// URL is opened)."""
