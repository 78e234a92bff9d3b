"""A shared project's search index: the server splits and folds every document as the local engine does.

The local engine's index is SQLite FTS5 with the unicode61 tokenizer (remove_diacritics 2);
PostgreSQL has no such tokenizer, and its own text search parser splits words otherwise
(hyphens, apostrophes, e-mail addresses, and letters by the server's locale), so the same
query would find other documents. Instead the server keeps, for each document, its title
and text as unicode61 sees them: every word folded (case, accents; tables made from SQLite
itself, see unicode61.py) and one space between words, with a space at each end. A word
is then ' word ', a prefix ' word', a phrase ' one two ': LIKE patterns that a pg_trgm
trigram index answers, for Korean and every other script too, since trigrams need no
spaces between words.

A trigger keeps the words in step with documents inserted or retitled by any client (or
psql), so nothing on the client side indexes: store.pg never calls add_to_index's insert.
The trigger runs as the schema's owner (SECURITY DEFINER), so a role that may insert or
edit documents need not be granted the index's table as well.
"""

from __future__ import annotations

from annotator.core.store.pg.unicode61 import DROPPED, FOLD_FROM, FOLD_TO, SEPARATORS


def _escape(code: int) -> str:
    # Regular-expression escapes of PostgreSQL's AREs: exactly 4 or 8 hex digits, never ambiguous.
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _bracket(ranges: list[tuple[int, int]]) -> str:
    return "[" + "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges) + "]"


def _ranges(codes: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return [(a, b) for a, b in out]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fold_function() -> str:
    """annotator_search_fold(text): the text as ' word word ', as unicode61 splits and folds it.

    translate() with all ~1,200 folded characters looks each character of the text up in
    that list (7 s for 1 MB); so only the distinct characters this text has are handed to
    it, found by one regular expression over the text.
    """
    folding = _bracket(_ranges([ord(ch) for ch in FOLD_FROM]))
    return f"""
CREATE FUNCTION annotator_search_fold(value text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fold$
DECLARE
    folded text := lower(coalesce(value, '') COLLATE "C");
    fold_from text;
    fold_to text;
BEGIN
    IF folded ~ '{folding}' THEN
        SELECT string_agg(ch, ''), string_agg(substr({_literal(FOLD_TO)}, strpos({_literal(FOLD_FROM)}, ch), 1), '')
            INTO fold_from, fold_to
            FROM (SELECT DISTINCT hit[1] AS ch FROM regexp_matches(folded, '({folding})', 'g') AS hit) AS chars;
        folded := translate(folded, fold_from, fold_to);
    END IF;
    IF folded ~ '{_bracket(DROPPED)}' THEN
        folded := regexp_replace(folded, '{_bracket(DROPPED)}+', '', 'g');
    END IF;
    RETURN ' ' || btrim(regexp_replace(folded, '{_bracket(SEPARATORS)}+', ' ', 'g'), ' ') || ' ';
END $fold$
"""


INDEX = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE search_words (
    document_id integer PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    title text NOT NULL,
    body text NOT NULL
);
CREATE INDEX search_words_title ON search_words USING gin (title gin_trgm_ops);
CREATE INDEX search_words_body ON search_words USING gin (body gin_trgm_ops);

CREATE FUNCTION annotator_search_index() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO search_words(document_id, title, body)
        VALUES (NEW.id, annotator_search_fold(NEW.title), annotator_search_fold(NEW.text))
        ON CONFLICT (document_id) DO UPDATE SET title = excluded.title, body = excluded.body;
    RETURN NULL;
END $$;
CREATE TRIGGER annotator_search AFTER INSERT OR UPDATE OF title, text ON documents
    FOR EACH ROW EXECUTE FUNCTION annotator_search_index();
"""


def search_statements() -> list[str]:
    """What `server init` adds for search, after the project's tables."""
    return [fold_function(), INDEX]
