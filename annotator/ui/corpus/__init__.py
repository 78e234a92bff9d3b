"""The document list's filter and info panels, duplicate flags, and importing a corpus table."""
