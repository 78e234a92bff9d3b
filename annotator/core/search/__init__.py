"""Full-text search: the query language, the FTS5 index and keyword-in-context results."""
