"""Document metadata: where an article comes from (outlet, author, date, url, language, any custom field).

Stored as key/value rows so that news pages, Word files and corpus columns all
fit one shape. The title is not metadata: it is the document's own title.
A value is text as the analyst or the source gave it, without surrounding
whitespace; an empty value means "not known" and is not stored at all, so a
filter or an export never has to tell "" from missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from annotator.core.common.errors import ProjectError
from annotator.core.store.database import Change, ChangeKind, Store

# The keys importers fill in; the panel and the exports list these first.
STANDARD_KEYS = ("outlet", "author", "date", "url", "language")
MAX_KEY_CHARS = 100

# Day-first and month-name forms news sites print; ISO and RFC 2822 are tried before these.
_DATE_FORMATS = (
    "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
    "%B %d %Y", "%b %d %Y", "%Y년 %m월 %d일",
)


class DocumentMetadata:
    def __init__(self, store: Store):
        self._store = store

    def get(self, doc_id: int) -> dict[str, str]:
        """The document's metadata, standard keys first, then the others alphabetically."""
        rows = self._store.query("SELECT key, value FROM document_metadata WHERE document_id = ?", (doc_id,))
        return {key: value for key, value in sorted(rows, key=lambda row: key_order(row[0]))}

    def set(self, doc_id: int, key: str, value: str | None) -> None:
        """Set one field as one undoable edit; None or a blank value removes it."""
        self.set_many(doc_id, {key: value})

    def set_many(self, doc_id: int, values: Mapping[str, str | None]) -> None:
        """Set several fields as one edit (what an import does); None or blank removes a field.

        Every key is checked before anything is written, so a bad key leaves the
        document's metadata as it was.
        """
        self._check_document(doc_id)
        wanted = {_clean_key(key): _clean_value(value) for key, value in values.items()}
        current = self.get(doc_id)
        changes = {key: value for key, value in wanted.items() if current.get(key) != value}
        if not changes:
            return
        with self._store.write() as db:
            for key, value in changes.items():
                if value is None:
                    db.execute("DELETE FROM document_metadata WHERE document_id = ? AND key = ?", (doc_id, key))
                else:
                    db.execute(
                        "INSERT INTO document_metadata(document_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT(document_id, key) DO UPDATE SET value = excluded.value",
                        (doc_id, key, value),
                    )
            self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=doc_id))

    def keys(self) -> list[str]:
        """Every key some document has, standard keys first, then the others alphabetically."""
        # A skip-scan down the (key, value) index, one probe per key: DISTINCT read all of it (300,000
        # entries, ~15 ms on the bench archive, twice at every start-up) to find a handful of keys.
        rows = self._store.query(
            "WITH RECURSIVE k(key) AS (SELECT min(key) FROM document_metadata UNION ALL "
            "SELECT (SELECT min(key) FROM document_metadata WHERE key > k.key) FROM k WHERE k.key IS NOT NULL) "
            "SELECT key FROM k WHERE key IS NOT NULL")
        return sorted((row[0] for row in rows), key=key_order)

    def documents_where(self, key: str, contains: str) -> list[int]:
        """Ids of documents whose `key` holds `contains`, ignoring case; "" matches any value.

        Matched in Python, not with LIKE: SQLite folds only ASCII case, so
        "Le Monde" would miss "LE MONDE" written with accents or in other scripts.
        """
        needle = contains.strip().casefold()
        rows = self._store.query(
            "SELECT document_id, value FROM document_metadata WHERE key = ? ORDER BY document_id", (key,)
        )
        return [doc_id for doc_id, value in rows if needle in value.casefold()]

    def _check_document(self, doc_id: int) -> None:
        if self._store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise ProjectError(f"There is no document {doc_id}; it may have been removed. Choose another document.")


def iso_date(value: str) -> str:
    """A publication date as ISO 8601 when it can be read ("2024-03-05", "2024-03-05T08:30:00+09:00").

    A value that cannot be read is kept as given: a rough date ("spring 2019")
    is still worth more to the analyst than nothing.
    """
    text = " ".join(value.split())
    if not text:
        return text
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        # A bare date stays a bare date: adding midnight would claim a time nobody gave.
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()
    import email.utils  # ~10 ms of imports (calendar, locale) every start-up would pay for an import's dates

    try:
        return email.utils.parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


def key_order(key: str) -> tuple[int, str, str]:
    """The sort key for metadata fields: the standard ones in their order, then the rest
    alphabetically with case aside (outlet, alpha, Zeta). The one order the Document info
    panel, the field filter and every export list fields in."""
    rank = STANDARD_KEYS.index(key) if key in STANDARD_KEYS else len(STANDARD_KEYS)
    return rank, key.casefold(), key  # the key itself last: "Desk" and "desk" never tie


def _clean_key(key: str) -> str:
    cleaned = " ".join(str(key).split())
    if not cleaned:
        raise ProjectError("A metadata field needs a name; type one (for example outlet or author).")
    if len(cleaned) > MAX_KEY_CHARS:
        raise ProjectError(
            f"The field name ‘{cleaned[:30]}…’ is too long ({len(cleaned)} characters); "
            f"use at most {MAX_KEY_CHARS}."
        )
    return cleaned


def _clean_value(value: str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    cleaned = str(value).strip()
    return cleaned or None
