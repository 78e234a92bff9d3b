"""The streaming corpus reader reads exactly what the csv module reads from the whole text."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.core.corpus import corpus_reading
from annotator.core.corpus.corpus_reading import layout_of, read_rows

TRICKY = [
    'title,text\nA,plain\nB,"quoted, with comma"\nC,"two\nlines"\n',
    'title,text\r\nA,"crlf ""inside""\r\nquoted"\r\nB,5" screen is not a quote\r\n',
    'title,text\nA,"ends in quote"""\nB,"""starts with one"\nC,  spaced  \n\nD,after a blank line\n',
    'title;text\nA;"semi; colon"\nB;x"y"z\n',
    'title,text\nA,"' + "long " * 50 + '\n' + "more " * 30 + '"\nB,' + "plain " * 40 + "\n",
]


@pytest.mark.parametrize("piece", [7, 1024 * 1024])
@pytest.mark.parametrize("content", TRICKY)
def test_rows_match_the_csv_module_whatever_the_piece_size(tmp_path, monkeypatch, content, piece):
    monkeypatch.setattr(corpus_reading, "_PIECE", piece)  # lines cut into pieces mid-word and mid-quote
    path = tmp_path / "c.csv"
    path.write_text(content, encoding="utf-8", newline="")
    layout = layout_of(path)
    expected = list(csv.reader(io.StringIO(content.replace("\r\n", "\n"), newline=""), delimiter=layout.delimiter))

    columns, rows = read_rows(path, layout)

    got = [[values[c] for c in columns] for _name, values, _reason in rows]
    assert [columns, *got] == [row for row in expected if any(cell.strip() for cell in row)]


def test_a_broken_quote_after_an_over_large_row_still_refuses_the_file(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('title,text\nHuge,"' + "x" * 3000 + '"\nBad,"unclosed\nmore,C\n', encoding="utf-8")
    columns, rows = read_rows(path, layout_of(path), max_bytes=1000)
    assert next(rows)[1:] == (None, corpus_reading.too_large_row(3012, 1000))
    with pytest.raises(corpus_reading.ImportRefused, match="broken quoted field in the row starting on line 3"):
        list(rows)
