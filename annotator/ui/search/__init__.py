"""The Search tab and searching memos."""
