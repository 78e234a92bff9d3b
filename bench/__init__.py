"""Performance bench for Annotator at archive scale: `python -m bench` (or `make bench`).

The table of issue 7, on a synthetic news archive of 100,000 articles and
1,000,000 annotations (bench/archive.py, generated once and cached), each row with
a reference measured in the same run so that the ratio means something on any
machine:

1. startup: process start to main window shown and idle   (bare QMainWindow + QPlainTextEdit)
2. open document 1 (1 MB, 10,000 annotations), first paint (QPlainTextEdit + minimal interval highlighter)
3. tag: key press to committed row and repainted highlight (one INSERT + COMMIT in WAL)
4. import 100,000 article files, indexed; peak memory     (executemany into a plain table)
5. search: common word, rare word, phrase; first page     (raw FTS5 MATCH ... LIMIT 50)
6. CSV export of 1,000,000 annotations                    (csv.writer over pre-fetched rows; 6b: the
                                                           sqlite3 shell on the same query, when installed)
7. resident memory, archive open, document 1 painted      (the bare window's)
8. annotation table: jump to last row, filter by label    (the raw SQLite queries)

`--quick` runs the same rows on the 300-document archive for CI and checks
correctness only; no figure is ever compared against a time target for pass/fail.

This module stays import-light: `python -m bench.probe_startup` imports it
first, and that start-up is being measured.
"""

# Bump when the generated projects change shape; cached files under
# bench/.cache/<CACHE_VERSION>-.../ are then rebuilt instead of reused.
CACHE_VERSION = "fixtures-v3"
