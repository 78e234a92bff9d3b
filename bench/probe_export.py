"""Export probe, run as a child process by the bench so the memory it reads is the export's own.

    python -m bench.probe_export FORMAT PROJECT OUT

Prints one line and exits:

    EXPORT format=... count=... seconds=... base_mb=... peak_mb=... growth_mb=...

The kernel's high-water mark (VmHWM) is reset once the project is open, so
growth_mb is the export's peak above what the open project already held.
"""

from __future__ import annotations

import sys
import time

from .rss import peak_mb, rss_mb


def main(argv: list[str]) -> int:
    name, project_path, out = argv
    from annotator.core.interchange.formats import export
    from annotator.core.project import Project

    with Project(project_path) as project:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # VmHWM starts again from what is resident now
        base = rss_mb() or 0.0
        started = time.perf_counter()
        count = export(project, name, out, what="annotations")
        seconds = time.perf_counter() - started
        peak = peak_mb() or 0.0
    print(f"EXPORT format={name} count={count} seconds={seconds:.2f} base_mb={base:.1f} peak_mb={peak:.1f} "
          f"growth_mb={peak - base:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
