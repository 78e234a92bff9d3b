"""What an analyst types in the search box, read into an FTS5 MATCH expression and a text matcher.

The query language:

* words: every one must occur (in the title or the text), in any order;
* "an exact phrase" between double quotes;
* prefix* matches every word that starts with it (at least two letters before the star);
* OR between two words or phrases: either will do (amazon OR walmart);
* -word or -"a phrase" leaves out documents that contain it.

Case and accents do not matter (Cafe finds café, CAFÉ and "Cafe" with a combining
accent). Korean: the index keeps a Hangul word together with the particle glued to
it (삼성전자가, 삼성전자는), so a Hangul word is always matched as the start of a word:
삼성전자 finds 삼성전자가 and 삼성전자는, and the hit covers what was typed. A Latin word
with a particle glued on (AWS를) is one word to the index too: aws* finds it, aws does not.

Every word is quoted in the MATCH expression, so nothing typed (quotes, colons,
brackets, NEAR, AND, NOT, a column name) ever becomes FTS5 syntax or an SQL error.

Where the words were found is worked out again in Python (the FTS index knows the
documents, not where in them), with each character folded exactly as SQLite's
unicode61 tokenizer (remove_diacritics 2) folds it: the tokenizer itself is asked,
once per character, so the two never disagree about what a word is.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.core.common.errors import ProjectError

# In folded text a separator is a space and a character the tokenizer drops (a
# combining accent) is NUL: folding keeps one character per character, so offsets
# into the folded text are offsets into the document.
_SEPARATOR = " "
_DROPPED = "\x00"
_FOLDED_APART = re.compile("[^\x00-\x7f\uac00-\ud7a3]+")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
# Myanmar): the index sees a whole run of them as one word. A shared project's server
# finds such a word anywhere inside the run (see Term.pattern's inside_words).
_SPACELESS = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
                        "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
MIN_PREFIX = 2
_EXAMPLE = 'for example: amazon cloud, "cloud services", amaz*, amazon OR walmart, amazon -walmart'


class _Tokenizer:
    """How unicode61 (remove_diacritics 2) treats each character: SQLite is asked, once per character."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folds: dict[int, str] = {}  # non-ASCII code point -> folded char, _SEPARATOR or _DROPPED
        self._probe: sqlite3.Connection | None = None
        self._bytes_table: bytes | None = None
        self._outside_latin1 = ""

    def fold(self, text: str) -> str:
        """The text as the index sees it, one character for each of the text's characters."""
        lowered = text.lower()  # right for ASCII, and fast; other characters are redone below
        if "\x00" in lowered:
            lowered = lowered.replace("\x00", _SEPARATOR)
        if text.isascii():
            return lowered
        latin1 = self._latin1_fold(text)
        if latin1 is not None:
            return latin1
        if len(lowered) != len(text):  # İ lowers to two characters: fold every character instead
            self._learn(set(text))
            return text.translate(self._table())
        # lower() changed no length, so positions agree; only the characters outside
        # ASCII and Hangul syllables (which fold to themselves) are folded one by one.
        runs = list(_FOLDED_APART.finditer(text))
        self._learn(set("".join(m.group() for m in runs)))
        folds = self._folds
        pieces, position = [], 0
        for m in runs:
            pieces.append(lowered[position:m.start()])
            pieces.append(m.group().translate(folds))
            position = m.end()
        pieces.append(lowered[position:])
        return "".join(pieces)

    def _latin1_fold(self, text: str) -> str | None:
        """Text written in Latin-1 characters only, folded by a byte table (1 MB in ~1 ms); else None."""
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            return None
        if self._bytes_table is None:
            self._learn({chr(code) for code in range(0x80, 0x100)})
            table = bytearray(range(256))
            table[0] = ord(_SEPARATOR)
            table[ord("A"):ord("Z") + 1] = range(ord("a"), ord("z") + 1)
            self._outside_latin1 = ""
            for code in range(0x80, 0x100):
                folded = self._folds[code]
                if ord(folded) > 0xFF:  # µ folds to Greek μ: such texts take the general path
                    self._outside_latin1 += chr(code)
                else:
                    table[code] = ord(folded)
            self._bytes_table = bytes(table)
        if any(ch in text for ch in self._outside_latin1):
            return None
        return data.translate(self._bytes_table).decode("latin-1")

    def _table(self) -> dict[int, str]:
        table = dict(self._folds)
        table.update({code: chr(code + 32) for code in range(ord("A"), ord("Z") + 1)})
        table[0] = _SEPARATOR
        return table

    def _learn(self, chars: set[str]) -> None:
        unknown = [ch for ch in chars if ord(ch) not in self._folds]
        if not unknown:
            return
        with self._lock:
            unknown = [ch for ch in unknown if ord(ch) not in self._folds]
            surrogates = [ch for ch in unknown if 0xD800 <= ord(ch) <= 0xDFFF]  # SQLite cannot store them
            self._folds.update((ord(ch), _SEPARATOR) for ch in surrogates)
            asked = [ch for ch in unknown if ch not in surrogates]
            if asked:
                self._folds.update(self._ask(asked))

    def _ask(self, chars: list[str]) -> dict[int, str]:
        # Each character between two q's: two tokens means a separator, "qq" a dropped
        # character, and "q?q" a token character folded to "?".
        if self._probe is None:
            self._probe = sqlite3.connect(":memory:", check_same_thread=False)
            self._probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
            self._probe.execute("CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, instance)")
        conn = self._probe
        with conn:
            conn.executemany("INSERT INTO probe(rowid, x) VALUES (?, ?)", [(ord(ch), f"q{ch}q") for ch in chars])
            terms: dict[int, list[str]] = {}
            for term, doc in conn.execute("SELECT term, doc FROM probe_terms"):
                terms.setdefault(doc, []).append(term)
            conn.execute("DELETE FROM probe")
        found = {}
        for ch in chars:
            got = terms.get(ord(ch), [])
            if len(got) == 1 and got[0] == "qq":
                found[ord(ch)] = _DROPPED
            elif len(got) == 1 and len(got[0]) == 3:
                found[ord(ch)] = got[0][1]
            else:
                found[ord(ch)] = _SEPARATOR
        return found


TOKENIZER = _Tokenizer()
# Token characters in folded text: ASCII letters and digits, dropped marks, and every
# other non-ASCII character (non-ASCII separators were folded to spaces).
_T = "0-9a-z\\x00\\x80-\\U0010ffff"


@dataclass(frozen=True)
class Token:
    """One word of a term as the index holds it: the typed text and its folded form."""

    typed: str
    folded: str
    prefix: bool  # matches the start of a word: typed with *, or a Hangul word

    @property
    def spaceless(self) -> bool:
        """Written in a script without spaces between words (Chinese, Japanese, Thai...)."""
        return bool(_SPACELESS.search(self.folded))

    @property
    def extends(self) -> bool:
        """Typed with *: the hit covers the whole word. A Hangul word's hit stops before its particle."""
        return self.prefix and not _HANGUL.search(self.folded)


@dataclass(frozen=True)
class Term:
    """A word or a phrase: its tokens must follow one another."""

    tokens: tuple[Token, ...]

    def expression(self) -> str:
        # Tokens never contain a double quote (it is a separator), so quoting is safe.
        return " + ".join(f'"{t.typed}"' + (" *" if t.prefix else "") for t in self.tokens)

    def pattern(self, dropped: bool, inside_words: bool = False) -> str:
        """A regular expression for the term in folded text; dropped: the text holds dropped marks.

        Without dropped marks the pattern starts with the first word itself and checks
        the character before it afterwards, so the regex engine can jump from one
        occurrence of the word to the next instead of trying every position.
        inside_words (a shared project): a first or last word in a script without spaces
        may start or end inside a word of the text.
        """
        parts = []
        first_inside = inside_words and self.tokens[0].spaceless
        for n, token in enumerate(self.tokens):
            chars = [re.escape(ch) for ch in token.folded]
            body = "\\x00*".join(chars) + "\\x00*" if dropped else "".join(chars)
            if n == 0 and not dropped and not first_inside:
                body += f"(?<![{_T}]{body})"
            last = n == len(self.tokens) - 1
            if token.prefix and (token.extends or not last):
                body += f"[{_T}]*"  # the rest of the word: a typed prefix's, or a Hangul particle inside a phrase
            elif not token.prefix and not (last and inside_words and token.spaceless):
                body += f"(?![{_T}])"
            parts.append(body)
        return ("" if not dropped or first_inside else f"(?<![{_T}])") + f"[^{_T}]+".join(parts)


@dataclass(frozen=True)
class ParsedQuery:
    """Groups that must all match (each: terms of which one will do), and terms that must not."""

    text: str
    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    def expression(self) -> str:
        """The FTS5 MATCH expression."""
        wanted = " AND ".join(
            "(" + " OR ".join(t.expression() for t in group) + ")" if len(group) > 1 else group[0].expression()
            for group in self.groups)
        if not self.excluded:
            return wanted
        return f"({wanted}) NOT (" + " OR ".join(t.expression() for t in self.excluded) + ")"

    def matchers(self, dropped: bool = False, inside_words: bool = False) -> list[re.Pattern]:
        """One pattern per wanted term, for folded text (see hits())."""
        terms = {t for group in self.groups for t in group}
        return [re.compile(t.pattern(dropped, inside_words)) for t in sorted(terms, key=Term.expression)]


def hits(matchers: list[re.Pattern], folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every match in text order, never overlapping; at one place the longest wins.

    One pattern per term rather than one alternation: a pattern starting with a word
    is searched for at the speed of str.find, an alternation is tried at every position.
    """
    if len(matchers) == 1:
        yield from (m.span() for m in matchers[0].finditer(folded))
        return
    streams = [((m.start(), -m.end()) for m in matcher.finditer(folded)) for matcher in matchers]
    reached = 0
    for start, negative_end in heapq.merge(*streams):
        if start >= reached:
            reached = -negative_end
            yield start, reached


@dataclass(frozen=True)
class _Item:
    text: str
    quoted: bool
    excluded: bool
    star_after: bool = False


def parse(query: str) -> ParsedQuery:
    """Read a query; bad ones raise ProjectError saying what to type instead."""
    items = _items(query)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False  # the previous item was OR
    for item in items:
        if not item.quoted and not item.excluded and item.text == "OR":
            if joining or not groups:
                raise ProjectError("Put OR between two words or phrases, like amazon OR walmart.")
            joining = True
            continue
        term = _term(item)
        if term is None:
            continue  # nothing searchable in it: stray punctuation, a lone * or -
        if item.excluded:
            if joining:
                raise ProjectError("OR cannot join a left-out word (-word); put OR between words to look for, "
                                   "like amazon OR walmart.")
            excluded.append(term)
        elif joining:
            groups[-1].append(term)
            joining = False
        else:
            groups.append([term])
    if joining:
        raise ProjectError("Put a word or phrase after OR, like amazon OR walmart.")
    if not groups:
        if excluded:
            raise ProjectError("Add a word to look for: -word only leaves documents out "
                               "(for example: amazon -walmart).")
        raise ProjectError(f"Nothing to search for: type a word or a phrase ({_EXAMPLE}).")
    return ParsedQuery(query, tuple(tuple(group) for group in groups), tuple(excluded))


def _items(query: str) -> list[_Item]:
    """Split the query into words and quoted phrases; a quote left open runs to the end."""
    items: list[_Item] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        excluded = query[i] == "-" and i + 1 < n and not query[i + 1].isspace()
        if excluded:
            i += 1
        if query[i] == '"':
            close = query.find('"', i + 1)
            end = n if close < 0 else close
            star = close >= 0 and close + 1 < n and query[close + 1] == "*"
            items.append(_Item(query[i + 1:end], True, excluded, star))
            i = end + 1 + (1 if star else 0)
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] != '"':
                end += 1
            items.append(_Item(query[i:end], False, excluded))
            i = end
    return items


def _term(item: _Item) -> Term | None:
    folded = TOKENIZER.fold(item.text)
    runs = [m for m in re.finditer(f"[{_T}]+", folded) if m.group().strip(_DROPPED)]
    if not runs:
        return None
    stripped = item.text.rstrip()
    # A trailing star makes the last word a prefix; stray punctuation after it is ignored.
    trailing = stripped[runs[-1].end():]
    starred = item.star_after or trailing.startswith("*")
    tokens = []
    for n, run in enumerate(runs):
        typed = item.text[run.start():run.end()]
        word = run.group().replace(_DROPPED, "")
        prefix = (starred and n == len(runs) - 1) or bool(_HANGUL.search(word))
        if starred and n == len(runs) - 1 and len(word) < MIN_PREFIX and not _HANGUL.search(word):
            raise ProjectError(f"Type at least {MIN_PREFIX} letters before the star: “{typed}*” would match "
                               "almost every word.")
        tokens.append(Token(typed, word, prefix))
    return Term(tuple(tokens))
