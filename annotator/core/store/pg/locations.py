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


# A server whose network drops packets (rather than refusing) would leave a statement waiting for
# the operating system's TCP timeouts, a quarter of an hour; with these the connection is found dead
# within about 20 s and the window says the server is unreachable. libpq ignores them on a Unix socket.
DEAD_PEER = {"keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5", "keepalives_count": "2",
             "tcp_user_timeout": "20000"}


def connection_string(url: str) -> str:
    """The URL as handed to libpq: naming the application (the server's views show who is connected) and
    noticing a dead network in seconds; whatever the URL sets itself stays as it is."""
    added = {"application_name": APPLICATION, **DEAD_PEER}
    extra = "&".join(f"{key}={value}" for key, value in added.items() if f"{key}=" not in url)
    if not extra:
        return url
    return f"{url}{'&' if '?' in url else '?'}{extra}"


# -- the window's connection form (issue 15, item 1) ---------------------------------------

SSL_MODES = ("prefer", "disable", "allow", "require", "verify-ca", "verify-full")


def build_url(*, host: str = "", port: int | str | None = None, database: str, user: str = "",
              sslmode: str = "") -> str:
    """A libpq URL from the form's fields; a host starting with / is a Unix socket's folder."""
    from urllib.parse import quote, urlencode

    if not database.strip():
        raise ValueError("Name the database that holds the shared project.")
    host, user = host.strip(), user.strip()
    query = {}
    netloc = f"{quote(user, safe='')}@" if user else ""
    if host.startswith("/"):
        query["host"] = host
        if port:
            query["port"] = str(port)
    else:
        netloc += f"[{host}]" if ":" in host else host
        if port:
            netloc += f":{int(port)}"
    if sslmode and sslmode != "prefer":  # libpq's default needs no mention
        query["sslmode"] = sslmode
    url = f"postgresql://{netloc}/{quote(database.strip(), safe='')}"
    return f"{url}?{urlencode(query, safe='/')}" if query else url


def with_password(url: str, password: str) -> str:
    """The URL with a password the user typed, for this session's connections only (never stored)."""
    from urllib.parse import quote

    parts = urlsplit(without_password(url))
    user, _, host = parts.netloc.rpartition("@")
    netloc = f"{user}:{quote(password, safe='')}@{host}" if user else f":{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def needs_password(message: str) -> bool:
    """The server wants a password that libpq found nowhere (or a wrong one was given)."""
    text = message.lower()
    return "no password supplied" in text or "password authentication failed" in text
