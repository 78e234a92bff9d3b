"""Documents and how they get in: files, web pages, corpus tables, decoding, titles, metadata, duplicates."""
