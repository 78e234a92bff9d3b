"""Builds the Linux bundle, and with --tar/--deb/--appimage its archive and packages, in one command.

    python packaging/build.py [--tar] [--deb] [--appimage]

Needs the `packaging` extra (pip install -e .[packaging]), dpkg-deb for --deb, and
appimagetool for --appimage (on PATH or named by $APPIMAGETOOL; no Debian or PyPI
package carries it, so the hosted CI workflow downloads it). Artefacts land in
dist/: the one-folder bundle dist/annotator/, then annotator-<version>-linux-x86_64.tar.gz,
annotator_<version>_amd64.deb and Annotator-<version>-x86_64.AppImage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
DIST = REPO / "dist"
INSTALL_DIR = "/opt/annotator"
# What Qt's xcb platform plugin and its fonts need on a Debian or Ubuntu desktop; the bundle brings the rest.
DEB_DEPENDS = [
    "libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libxkbcommon-x11-0", "libdbus-1-3",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
    "fonts-noto-cjk",  # the seed articles and many analysts' sources are Korean, Chinese or Japanese
]
BUNDLE_LIMIT_MB = 200


def project_info() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def run(command: list[str], **kwargs) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def stage_site() -> Path:
    """Install the wheel into build/site: the bundle is then made from what pip users get, package data included."""
    source, wheels, site = BUILD / "src", BUILD / "wheel", BUILD / "site"
    for folder in (source, wheels, site):
        shutil.rmtree(folder, ignore_errors=True)
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("annotator", "resources", "seeds"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)])
    (wheel,) = wheels.glob("*.whl")
    run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)])
    return site


def build_bundle(name: str) -> Path:
    site = stage_site()
    env = {**os.environ, "ANNOTATOR_BUILD_SITE": str(site)}
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(REPO / "packaging" / "annotator.spec")],
        env=env)
    bundle = DIST / name
    if not (bundle / name).is_file():
        raise SystemExit(f"PyInstaller finished but {bundle / name} is missing")
    return bundle


def make_tar(bundle: Path, name: str, version: str) -> Path:
    out = DIST / f"{name}-{version}-linux-x86_64.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(bundle, arcname=f"{name}-{version}")
    return out


def make_deb(bundle: Path, name: str, version: str, description: str) -> Path:
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("dpkg-deb is not installed; install it (apt-get install dpkg) or leave out --deb")
    root = BUILD / "deb" / "root"
    shutil.rmtree(root.parent, ignore_errors=True)
    shutil.copytree(bundle, root / INSTALL_DIR.lstrip("/"), symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / name).symlink_to(f"{INSTALL_DIR}/{name}")
    icon_dir = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icon_dir.mkdir(parents=True)
    shutil.copy2(REPO / "resources" / "icon.png", icon_dir / f"{name}.png")
    scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(REPO / "resources" / "icon.svg", scalable / f"{name}.svg")
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{name}.desktop").write_text(desktop_entry(name, description), encoding="utf-8")
    size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: amd64\nMaintainer: Annotator developers <annotator@localhost>\n"
        f"Installed-Size: {size_kb}\nDepends: {', '.join(DEB_DEPENDS)}\nSection: science\nPriority: optional\n"
        f"Description: {description}\n Tag claims, entities and stance in news articles and export them for analysis.\n",
        encoding="utf-8")
    out = DIST / f"{name}_{version}_amd64.deb"
    run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", str(root), str(out)])
    return out


def desktop_entry(name: str, description: str) -> str:
    """The menu entry: one for the .deb's /usr/share/applications and the AppImage's top folder."""
    return ("[Desktop Entry]\nType=Application\nName=Annotator\nGenericName=News annotation\n"
            f"Comment={description}\nExec={name} %F\nIcon={name}\nTerminal=false\n"
            "Categories=Office;Education;Science;\nKeywords=annotation;coding;claims;entities;stance;news;\n")


# AppRun finds the bundle next to itself wherever the AppImage is mounted or extracted.
APPRUN = """#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/lib/{name}/{name}" "$@"
"""


def make_appdir(bundle: Path, name: str, description: str, root: Path) -> Path:
    """The AppDir an AppImage is made of: AppRun, the menu entry and icon at the top, the bundle inside."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "usr" / "lib" / name, symlinks=True)
    apprun = root / "AppRun"
    apprun.write_text(APPRUN.format(name=name), encoding="utf-8")
    apprun.chmod(0o755)
    (root / f"{name}.desktop").write_text(desktop_entry(name, description), encoding="utf-8")
    shutil.copy2(REPO / "resources" / "icon.png", root / f"{name}.png")
    (root / ".DirIcon").symlink_to(f"{name}.png")
    return root


def appimagetool() -> str:
    tool = os.environ.get("APPIMAGETOOL") or shutil.which("appimagetool")
    if not tool:
        raise SystemExit(
            "appimagetool was not found: it is in no Debian or PyPI package. Download it from "
            "https://github.com/AppImage/appimagetool/releases, make it executable and put it on PATH "
            "or set APPIMAGETOOL=/path/to/appimagetool; or leave out --appimage.")
    return tool


def make_appimage(bundle: Path, name: str, version: str, description: str) -> Path:
    tool = appimagetool()
    appdir = make_appdir(bundle, name, description, BUILD / "appimage" / "Annotator.AppDir")
    out = DIST / f"Annotator-{version}-x86_64.AppImage"
    # --appimage-extract-and-run: build containers have no FUSE to mount the tool itself.
    run([tool, "--appimage-extract-and-run", str(appdir), str(out)], env={**os.environ, "ARCH": "x86_64"})
    return out


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Annotator bundle for Linux.")
    parser.add_argument("--tar", action="store_true", help="also make the .tar.gz of the bundle")
    parser.add_argument("--deb", action="store_true", help="also make the .deb (needs dpkg-deb)")
    parser.add_argument("--appimage", action="store_true", help="also make the AppImage (needs appimagetool)")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        raise SystemExit("build.py builds the Linux artefacts; "
                         "Windows and macOS are built by the scripts in packaging/windows and packaging/macos")
    info = project_info()
    name, version = info["name"], info["version"]
    if args.appimage:
        appimagetool()  # refuse before a long build, not after
    started = time.monotonic()
    bundle = build_bundle(name)
    artefacts = [bundle]
    if args.tar:
        artefacts.append(make_tar(bundle, name, version))
    if args.deb:
        artefacts.append(make_deb(bundle, name, version, info["description"]))
    if args.appimage:
        artefacts.append(make_appimage(bundle, name, version, info["description"]))
    print(f"\nbuilt in {time.monotonic() - started:.0f} s:")
    for path in artefacts:
        size = folder_size(path) if path.is_dir() else path.stat().st_size
        print(f"  {path.relative_to(REPO)}{'/' if path.is_dir() else ''}  {mb(size)}")
    bundle_size = folder_size(bundle)
    if bundle_size > BUNDLE_LIMIT_MB * 1024 * 1024:
        print(f"the bundle is {mb(bundle_size)}, over the {BUNDLE_LIMIT_MB} MB limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
