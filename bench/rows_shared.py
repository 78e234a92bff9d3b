"""Row 11: a team on one shared project: 20 coders tagging at once, one observer watching.

The server is local and reached through a Unix socket only: the one ANNOTATOR_TEST_PG names
(a fresh database on it, dropped afterwards), else a throwaway cluster of tools/pg_cluster.py
started for the row and stopped after it. The coders run in four child processes of five
threads (two cores: one process would measure Python's lock, not the server), the observer
in a fifth. Each run is bounded: SECONDS of tagging, then the observer's grace period, and
every child is killed if it outlives that. Afterwards every tag a coder was told was saved
must be in the project and must have reached the observer, and `annotator check` of the
project must be clean.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .probe_shared import PASSWORD, coder_login
from .common import BYTECODE_CACHE, REPO_ROOT, CheckFailed, Context, check, fields_of
from .report import RowResult

CODERS = 20
PROCESSES = 4
DOCUMENTS = 10
LOGIN_PREFIX = f"bench_coder_{os.getpid()}"
REFERENCE_SECONDS = 3.0
PARAGRAPH = ("Walmart opened a store in Seoul on Monday, the company said. 월마트가 새 매장을 열었다. "
             "Amazon did not comment; analysts expect prices to fall by 3% next year. ")


def seconds_for(ctx: Context) -> float:
    return ctx.shared_seconds if ctx.shared_seconds is not None else 5.0 if ctx.quick else 60.0


class _Server:
    """A database for the row: on ANNOTATOR_TEST_PG's server, or on a cluster of our own."""

    def __init__(self) -> None:
        sys.path.insert(0, str(REPO_ROOT / "tools"))
        import pg_cluster

        self._cluster = pg_cluster
        self.folder = None
        base = os.environ.get("ANNOTATOR_TEST_PG")
        if not base:
            check(pg_cluster.server_binaries() is not None,
                  "PostgreSQL's server programs are not installed (apt-get install postgresql postgresql-contrib), "
                  "and ANNOTATOR_TEST_PG names no server")
            self.folder = Path(tempfile.mkdtemp(prefix="annotator-bench-pg-"))
            base = pg_cluster.start(self.folder)
        parts = urlsplit(base)
        self.admin = base
        self.roles: list[str] = []  # the project's groups and the coders' logins: cluster-wide, dropped after
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/annotator_bench_{os.getpid()}", parts.query, ""))

    def close(self) -> None:
        import psycopg

        from psycopg import sql

        try:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                name = urlsplit(self.url).path.lstrip("/")
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                for role in reversed(self.roles):
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        finally:
            if self.folder is not None:
                self._cluster.stop(self.folder)
                import shutil

                shutil.rmtree(self.folder, ignore_errors=True)


def _prepare(server_: _Server) -> None:
    """The project, its documents, and one coder login per simulated coder (the server's coder role)."""
    from annotator.core.project import Project
    from annotator.core.store.pg import server, users

    server_.roles.extend(server.init(server_.url).values())
    with Project(server_.url) as project:
        for n in range(DOCUMENTS):
            project.documents.add(title=f"Desk story {n + 1}", text=f"Story {n + 1}. " + PARAGRAPH * 40)
    for n in range(1, CODERS + 1):
        login = coder_login(LOGIN_PREFIX, n)
        users.add(server_.url, login, "coder", password=PASSWORD)
        server_.roles.append(login)


def _spawn(args: list[str], home: Path) -> subprocess.Popen:
    env = dict(os.environ, ANNOTATOR_HOME=str(home), PYTHONPYCACHEPREFIX=str(BYTECODE_CACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.Popen([sys.executable, "-m", "bench.probe_shared", *args], cwd=REPO_ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def _run_team(ctx: Context, url: str, seconds: float) -> tuple[list[str], list[str]]:
    """Start the observer and the coders, let them go at one moment, return (coders' lines, observer's)."""
    share = CODERS // PROCESSES
    children = [_spawn(["observe", url, str(seconds)], ctx.home)]
    children += [_spawn(["coders", url, str(seconds), str(1 + k * share), str(share), LOGIN_PREFIX], ctx.home)
                 for k in range(PROCESSES)]
    bound = seconds + 120  # connecting, tagging, the grace period: a child still running after this is stuck
    watchdog = threading.Timer(bound, lambda: [child.kill() for child in children])
    watchdog.start()
    try:
        for child in children:
            ready = child.stdout.readline().strip()
            if ready != "READY":
                raise CheckFailed(f"a bench.probe_shared child did not start: {ready!r} "
                                  f"{child.stderr.read()[-500:] if child.poll() is not None else ''}")
        start = time.monotonic() + 0.5
        for child in children:
            child.stdin.write(f"{start}\n")
            child.stdin.flush()
        outputs = [child.communicate() for child in children]
    finally:
        watchdog.cancel()
        for child in children:
            if child.poll() is None:
                child.kill()
    for child, (_out, err) in zip(children, outputs):
        check(child.returncode == 0, f"a bench.probe_shared child exited {child.returncode}: {err[-500:]}")
    observer = outputs[0][0].splitlines()
    coders = [line for out, _err in outputs[1:] for line in out.splitlines()]
    return coders, observer


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _raw_reference(url: str) -> tuple[float, float, float]:
    """psycopg alone: NOTIFY on one connection to a LISTENing other (p50, p99 ms), and the rate at which
    CODERS connections INSERT + COMMIT one row each into a plain table, for REFERENCE_SECONDS."""
    import psycopg

    sender = psycopg.connect(url, autocommit=True)
    listener = psycopg.connect(url, autocommit=True)
    try:
        listener.execute("LISTEN bench_reference")
        trips = []
        for _ in range(200):
            began = time.monotonic()
            sender.execute("SELECT pg_notify('bench_reference', '')")
            for _ in listener.notifies(timeout=5, stop_after=1):
                pass
            trips.append((time.monotonic() - began) * 1000.0)
        sender.execute("CREATE TABLE bench_rows (id integer GENERATED ALWAYS AS IDENTITY, n integer)")
    finally:
        sender.close()
        listener.close()
    counts = [0] * CODERS
    until = time.monotonic() + REFERENCE_SECONDS

    def insert(k: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() < until:
                conn.execute("INSERT INTO bench_rows(n) VALUES (%s)", (k,))
                counts[k] += 1

    threads = [threading.Thread(target=insert, args=(k,)) for k in range(CODERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statistics.median(trips), _percentile(trips, 0.99), sum(counts) / REFERENCE_SECONDS


def row_shared(ctx: Context, lines: list[RowResult]) -> None:
    rate_line, p50_line, p99_line = lines
    seconds = seconds_for(ctx)
    server = _Server()
    try:
        _prepare(server)
        coders, observer = _run_team(ctx, server.url, seconds)
        tags = [fields_of(line, "TAG") for line in coders if line.startswith("TAG ")]
        done = [fields_of(line, "DONE") for line in coders if line.startswith("DONE")]
        seen = {int(f["id"]): float(f["at"]) for f in (fields_of(line, "SEEN") for line in observer
                                                           if line.startswith("SEEN "))}
        check(len(done) == PROCESSES, f"only {len(done)} of {PROCESSES} coder processes finished")
        refused = sum(int(f["errors"]) for f in done)
        committed = {int(f["id"]): (float(f["began"]), float(f["committed"])) for f in tags}
        check(len(committed) == len(tags) > 0, f"{len(tags)} tags reported, {len(committed)} distinct ids")
        stored = _stored_ids(server.url)
        lost = sorted(set(committed) - stored)
        check(not lost, f"{len(lost)} tags a coder was told were saved are missing: {lost[:10]}")
        check(stored == set(committed), f"{len(stored - set(committed))} annotations nobody reported")
        unseen = sorted(set(committed) - set(seen))
        check(not unseen, f"{len(unseen)} committed tags never reached the observer: {unseen[:10]}")
        latencies = [max(0.0, (seen[i] - committed[i][1]) * 1000.0) for i in committed]
        from annotator.core.safety.check import check_project

        report = check_project(server.url)
        check(report.ok, "`annotator check` of the shared project: " + " | ".join(report.lines()))
        ref_p50, ref_p99, ref_rate = _raw_reference(server.url)
    finally:
        server.close()
    rate_line.samples.append(len(committed) / seconds)
    p50_line.samples.append(_percentile(latencies, 0.5))
    p99_line.samples.append(_percentile(latencies, 0.99))
    rate_line.reference.append(ref_rate)
    p50_line.reference.append(ref_p50)
    p99_line.reference.append(ref_p99)
    calls = [(committed[i][1] - committed[i][0]) * 1000.0 for i in committed]
    early = sum(1 for i in committed if seen[i] < committed[i][1])
    whole = [(seen[i] - committed[i][0]) * 1000.0 for i in committed]
    rate_line.notes.append(f"{len(committed):,} tags by {CODERS} coders in {seconds:g} s, 0 lost, every one seen by "
                           f"the observer; {refused} refused; `annotator check` clean. Each coder tags as fast as "
                           "its client goes (no pause): the heaviest load. One run (bounded), not repeated.")
    p50_line.notes.append(f"the tag call itself (annotations.add to committed): p50 {_percentile(calls, 0.5):.1f} "
                          f"ms, p99 {_percentile(calls, 0.99):.1f} ms; from the call to the observer reading it: "
                          f"p50 {_percentile(whole, 0.5):.1f} ms, p99 {_percentile(whole, 0.99):.1f} ms")
    p99_line.notes.append(f"latency counts from the coder's store announcing the commit; {early:,} tags reached the "
                          "observer before that (counted as 0 ms)")
    for line in lines:
        line.checked = True


def _stored_ids(url: str) -> set[int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM annotations")}
