"""First-run set-up behind `make run` and `make test`: system libraries, then .venv.

Runs with the system's Python and the standard library only, because nothing else is there yet.
On Debian and Ubuntu the libraries Qt draws with (and python3-venv, which Debian ships apart from
Python) are installed with apt-get when missing: directly as root, through sudo otherwise (it
says what and why first). Elsewhere it checks nothing and leaves the libraries to the README.

    python3 tools/bootstrap.py .venv '.[test]'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Lists shared with .ci/run: what the app needs on Debian 12 / Ubuntu 22.04+, and what only its tests add.
PACKAGE_LIST = REPO / "tools" / "debian-packages.txt"
TEST_PACKAGE_LIST = REPO / "tools" / "debian-test-packages.txt"


def debian_packages(for_tests: bool = False) -> list[str]:
    lists = [PACKAGE_LIST, TEST_PACKAGE_LIST] if for_tests else [PACKAGE_LIST]
    lines = [line for path in lists for line in path.read_text(encoding="utf-8").splitlines()]
    return [word for line in lines for word in line.split("#", 1)[0].split()]


def missing_debian_packages(wanted: list[str]) -> list[str]:
    query = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *wanted],
                           capture_output=True, text=True)
    installed = {line.split()[0] for line in query.stdout.splitlines() if line.endswith(" installed")}
    return [name for name in wanted if name not in installed]


def install_system_packages(for_tests: bool = False) -> None:
    if not (shutil.which("apt-get") and shutil.which("dpkg-query")):
        return  # not Debian or Ubuntu: the README lists what other systems need
    missing = missing_debian_packages(debian_packages(for_tests))
    if not missing:
        return
    what = "Qt's libraries, a Korean font, Python's venv" + (", PostgreSQL for the tests" if for_tests else "")
    print(f"Annotator needs these system packages ({what}):\n  {' '.join(missing)}", flush=True)
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo") and sys.stdin.isatty():
        print("Installing them with sudo (it may ask for your password).", flush=True)
        prefix = ["sudo"]
    else:
        sys.exit("Install them, then run this again:\n"
                 f"  sudo apt-get install {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env)
    install = update.returncode == 0 and subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env).returncode == 0
    if not install:
        sys.exit("Could not install the system packages above. Install them by hand, then run this again:\n"
                 f"  sudo apt-get install {' '.join(missing)}")


def create_venv(venv: Path, requirement: str) -> None:
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)])
        if made.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)  # a venv without pip would pass the check above next time
            sys.exit("Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv")
    quiet = ["--quiet", "--disable-pip-version-check"]
    for step in (["--upgrade", "pip"], ["-e", requirement]):
        if subprocess.run([str(python), "-m", "pip", "install", *quiet, *step], cwd=REPO).returncode != 0:
            sys.exit(f"pip could not install {' '.join(step)}; see the message above.")


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Annotator needs Python 3.11 or newer (found {sys.version.split()[0]}).")
    venv, requirement = Path(argv[0]), argv[1]
    install_system_packages(for_tests="[test" in requirement)
    create_venv(venv, requirement)


if __name__ == "__main__":
    main(sys.argv[1:])
