"""A throwaway PostgreSQL cluster for the tests, CI and the bench: `python tools/pg_cluster.py start DIR`.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then belongs to the
unprivileged `postgres` user (Debian's package creates it) and is run through `runuser`.
It listens on a Unix socket inside DIR only (no TCP port), with fsync off: it lives for one
run and holds nothing worth a disk flush. `start` prints the connection URL, `stop` ends it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "annotator_admin"


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[-3]))
    return Path(versions[-1]).parent if versions else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def url_for(folder: Path, database: str = "postgres", user: str = SUPERUSER) -> str:
    return f"postgresql://{quote(user)}@/{quote(database)}?host={quote(str(folder))}"


def start(folder: str | os.PathLike) -> str:
    """Create (if need be) and start a cluster in folder; return a superuser URL to it."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
                           "apt-get install postgresql postgresql-contrib")
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o755)
    if not (data / "PG_VERSION").exists():
        subprocess.run(_as_owner([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                                  "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
    options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
    subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                              "-o", options, "-w", "-t", "60", "start"]), check=True, stdout=subprocess.DEVNULL)
    return url_for(folder)


def stop(folder: str | os.PathLike, mode: str = "fast") -> None:
    binaries = server_binaries()
    data = Path(folder).resolve() / "data"
    if binaries is None or not (data / "postmaster.pid").exists():
        return
    subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"]),
                   check=False, stdout=subprocess.DEVNULL)


def restart(folder: str | os.PathLike, down_seconds: float = 0.0) -> None:
    """Stop the server (immediately, like a crash) and start it again: the fault tests use it."""
    stop(folder, mode="immediate")
    time.sleep(down_seconds)
    start(folder)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "stop"}:
        print("usage: python tools/pg_cluster.py start|stop FOLDER", file=sys.stderr)
        return 2
    if argv[0] == "start":
        print(start(argv[1]))
    else:
        stop(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
