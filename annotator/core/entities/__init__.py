"""The entity registry: one record per real-world referent, its names, and its mentions in the text."""
