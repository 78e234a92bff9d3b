"""Child processes of row 11: simulated coders tagging a shared project, and one observer watching it.

    python -m bench.probe_shared coders URL SECONDS FIRST COUNT LOGIN_PREFIX
    python -m bench.probe_shared observe URL SECONDS

Coder n logs in as LOGIN_PREFIX_nn, a login with the server's coder role. Each child connects
first, prints READY, then reads the start time (time.monotonic(), the
same clock in every process of the machine) from stdin. Coders tag through the core
(Project(url).annotations.add, the path the window takes) with a short random pause
between tags, and print `TAG id= began= committed=` per tag; the observer LISTENs as the
window does, reads what other clients committed through SharedStore.others_changes() at
each notification, and prints `SEEN id= at=` per annotation it was told of.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from urllib.parse import quote, urlsplit, urlunsplit

THINK_SECONDS = 0.0  # as fast as they can: the heaviest load 20 coders can make
LABELS = ("Person", "Organization", "Location", "Claim", "Quote")
GRACE_SECONDS = 3.0  # the observer keeps listening this long after the coders stop


PASSWORD = "bench-coder"  # for a server that asks; a throwaway cluster trusts its socket


def coder_login(prefix: str, n: int) -> str:
    return f"{prefix}_{n:02d}"


def as_login(url: str, login: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{quote(login, safe='')}:{quote(PASSWORD, safe='')}@{host}", parts.path,
                       parts.query, parts.fragment))


def _start_time() -> float:
    print("READY", flush=True)
    return float(sys.stdin.readline())


def _words(text: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            spans.append((start, i))
            start = None
    return spans


def coders(url: str, seconds: float, first: int, count: int, prefix: str) -> int:
    from annotator.core.project import Project

    projects = []
    for n in range(first, first + count):
        # Each coder logs in as themself, so the server's coder role and its row-level security
        # are on the measured path.
        projects.append((n, Project(as_login(url, coder_login(prefix, n)))))
    docs = projects[0][1].documents.ids()
    texts = {doc: _words(projects[0][1].documents.text(doc)) for doc in docs}
    labels = [projects[0][1].codebook.by_name(name) for name in LABELS]
    start = _start_time()
    results: list[tuple[int, float, float]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def coder(n: int, project) -> None:
        from annotator.core.store.database import ChangeKind

        rng = random.Random(n)
        doc = docs[n % len(docs)]
        mine = []
        # The store tells its listeners right after COMMIT returned: the moment the coder's
        # client knows the tag is saved, the "commit" the latency counts from.
        committed_at: dict[int, float] = {}
        project.subscribe(lambda change: committed_at.setdefault(change.annotation_id, time.monotonic())
                          if change.kind is ChangeKind.ANNOTATION_ADDED else None)
        while time.monotonic() < start:
            time.sleep(0.001)
        while True:
            time.sleep(rng.uniform(0, THINK_SECONDS))
            if time.monotonic() >= start + seconds:
                break
            words = texts[doc]
            at = rng.randrange(len(words) - 3)
            begin, end = words[at][0], words[at + rng.randrange(3)][1]
            began = time.monotonic()
            try:
                made = project.annotations.add(doc, rng.choice(labels), begin, end)
            except Exception as exc:  # counted and reported: a refused tag is not a lost one
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            mine.append((made.id, began, committed_at[made.id]))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=coder, args=(n, project)) for n, project in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, project in projects:
        project.close()
    for made, began, committed in results:
        print(f"TAG id={made} began={began:.6f} committed={committed:.6f}")
    for error in errors[:5]:
        print(f"ERROR {error}", file=sys.stderr)
    print(f"DONE tags={len(results)} errors={len(errors)}", flush=True)
    return 0


def observe(url: str, seconds: float) -> int:
    import psycopg

    from annotator.core.project import Project
    from annotator.core.store.database import ChangeKind
    from annotator.core.store.pg.server_schema import CHANNEL

    project = Project(url)
    listener = psycopg.connect(url, autocommit=True)
    listener.execute(f"LISTEN {CHANNEL}")
    project.store.others_changes()  # caught up with the set-up
    start = _start_time()
    seen: dict[int, float] = {}
    notified = 0
    while time.monotonic() < start + seconds + GRACE_SECONDS:
        woke = False
        for _ in listener.notifies(timeout=0.2, stop_after=1):
            woke = True
        if not woke:
            continue
        notified += 1
        changes = project.store.others_changes()
        at = time.monotonic()
        for change in changes:
            if change.kind is ChangeKind.ANNOTATION_ADDED and change.annotation_id not in seen:
                seen[change.annotation_id] = at
    listener.close()
    project.close()
    for made, at in seen.items():
        print(f"SEEN id={made} at={at:.6f}")
    print(f"DONE seen={len(seen)} wakeups={notified}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["coders"] and len(argv) == 6:
        return coders(argv[1], float(argv[2]), int(argv[3]), int(argv[4]), argv[5])
    if argv[:1] == ["observe"] and len(argv) == 3:
        return observe(argv[1], float(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
