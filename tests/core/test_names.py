"""File names as reports show them and projects store them (issue 12, items 7 and 20)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from annotator.core.common.names import shown, shown_text, storable

NOT_UTF8 = os.fsdecode(b"caf\xe9.txt")  # how Linux hands Python a Latin-1 name


@pytest.mark.parametrize("name", ["report.txt", "기사 2024.txt", "a 'quoted' \"name\".txt", r"back\slash.txt"])
def test_names_that_print_are_shown_as_they_are(name):
    assert shown(Path("/in") / name) == f"/in/{name}"


@pytest.mark.parametrize(("name", "quoted"), [
    ("evil\nImported 99 documents.txt", r'"evil\nImported 99 documents.txt"'),
    ("a\rb\tc.txt", r'"a\rb\tc.txt"'),
    ("esc\x1b[2J.txt", r'"esc\x1b[2J.txt"'),
    ("cod\u202etxt.exe", r'"cod\u202etxt.exe"'),  # a right-to-left override disguising the suffix
    ("line\u2028sep.txt", r'"line\u2028sep.txt"'),
    (NOT_UTF8, r'"caf\xe9.txt"'),
    ('new\nline "and" back\\slash.txt', r'"new\nline \"and\" back\\slash.txt"'),
])
def test_names_with_control_characters_are_quoted_on_one_line(name, quoted):
    assert shown(name) == quoted
    assert "\n" not in shown(name) and shown(name).isprintable()


@pytest.mark.parametrize("text", ["Minister claims", "장관 발언 \"전문\"", "👩\u200d💻 coders", "no\u00a0break",
                                  "soft\u00adhyphen", r"back\slash"])
def test_text_that_forges_nothing_is_shown_as_it_is(text):
    # Joiners, no-break spaces and soft hyphens are parts of words and emoji, not disguises.
    assert shown_text(text) == text


@pytest.mark.parametrize(("text", "quoted"), [
    ("Title\nImported 99 documents.", r'"Title\nImported 99 documents."'),
    ("red\x1b[31m", r'"red\x1b[31m"'),
    ("csi\x9b2J", r'"csi\x9b2J"'),
    ("evil\u202eelif", r'"evil\u202eelif"'),
    ("para\u2029graph \"q\"", r'"para\u2029graph \"q\""'),
])
def test_text_with_a_control_character_is_quoted_on_one_line(text, quoted):
    assert shown_text(text) == quoted


def test_a_name_that_is_not_utf8_is_stored_with_its_byte_escaped():
    assert storable(f"/in/{NOT_UTF8}") == r"/in/caf\xe9.txt"
    assert storable("/in/기사.txt") == "/in/기사.txt"
    sqlite3.connect(":memory:").execute("SELECT ?", (storable(NOT_UTF8),))  # raw, SQLite refuses it
    with pytest.raises(UnicodeEncodeError):
        sqlite3.connect(":memory:").execute("SELECT ?", (NOT_UTF8,))
