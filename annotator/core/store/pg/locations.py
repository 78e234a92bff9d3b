"""Telling a shared project's address from a file path, and showing it without its password.

Imports nothing of psycopg: the command line and the window ask is_url() of every path.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
APPLICATION = "annotator"


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def project_location(text: str) -> str | Path:
    """A --project argument as given: a shared project's URL kept whole (a Path would fold its `//`), else a path."""
    return text if is_url(text) else Path(text)


def database_name(url: str) -> str:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    return name or parse_qs(parts.query).get("dbname", [""])[0]


def describe(url: str) -> str:
    """The address as shown to people and in logs: user, host and database, never a password."""
    parts = urlsplit(url)
    host = parts.hostname or parse_qs(parts.query).get("host", ["local socket"])[0]
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{unquote(parts.username)}@" if parts.username else ""
    return f"{user}{host}/{database_name(url)}"


def without_password(url: str) -> str:
    """The URL to keep in settings and recent lists: libpq finds the password itself next time."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = unquote(parts.username or "")
    return urlunsplit((parts.scheme, f"{user}@{netloc[1]}" if user else netloc[1], parts.path, parts.query,
                       parts.fragment))


def connection_string(url: str) -> str:
    """The URL as handed to libpq, naming the application so the server's views show who is connected."""
    separator = "&" if "?" in url else "?"
    if "application_name=" in url:
        return url
    return f"{url}{separator}application_name={APPLICATION}"
