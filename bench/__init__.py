"""Performance bench for Annotator: `python -m bench` (or `make bench`).

Five figures from the performance issues, each with a baseline measured in the
same run so that the ratio means something on any machine:

1. process start to main window shown      (baseline: bare QMainWindow + QPlainTextEdit)
2. open the longest seed with 1,000 synthetic annotations, first paint
                                           (baseline: QPlainTextEdit.setPlainText + paint)
3. tag-to-stored latency                   (baseline: one INSERT + COMMIT in SQLite WAL)
4. CSV export of 100,000 annotations       (baseline: csv.writer over pre-fetched rows)
5. annotation table over 200,000 rows: jump to the last row, filter by label
                                           (baseline: the same two queries in raw SQLite)

`--quick` shrinks every size for CI and checks correctness only; no figure is
ever compared against a time target.

This module stays import-light: `python -m bench.probe_startup` imports it
first, and that start-up is being measured.
"""

# Bump when the generated fixture projects change shape; cached files under
# bench/.cache/<CACHE_VERSION>-.../ are then rebuilt instead of reused.
CACHE_VERSION = "fixtures-v1"
