#!/usr/bin/env bash
# Builds the Linux bundle and .deb, installs the .deb, runs the installed app's self-test offscreen,
# screenshots its main window under Xvfb and checks the bundle size. Exits non-zero on any failure.
#   bash packaging/ci-linux.sh            (as root, or with sudo for apt-get)
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
LIMIT_MB=200
SHOT="dist/screenshot-linux.png"
started=$SECONDS
work="$(mktemp -d)"
app_pid=""
cleanup() {
    if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; fi
    rm -rf "$work"
    # Leave the machine as it was: the package was installed only to test it.
    if dpkg -s annotator >/dev/null 2>&1; then apt-get remove -y -q annotator >/dev/null || true; fi
}
trap cleanup EXIT
fail() { echo "ci-linux: FAILED: $*" >&2; exit 1; }

missing=()
command -v dpkg-deb >/dev/null || missing+=(dpkg)
command -v xvfb-run >/dev/null || missing+=(xvfb xauth)
command -v import >/dev/null || missing+=(imagemagick)
command -v xwininfo >/dev/null || missing+=(x11-utils)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -q "${missing[@]}" >/dev/null
fi
"$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install -q "pyinstaller>=6.0"

echo "== build"
"$PY" packaging/build.py --tar --deb
deb=(dist/annotator_*_amd64.deb)
[ -f "${deb[0]}" ] || fail "no .deb in dist/"

echo "== install ${deb[0]}"
apt-get install -y -q "./${deb[0]}" >/dev/null || fail "apt-get could not install ${deb[0]}"
[ -x /usr/bin/annotator ] || fail "/usr/bin/annotator is missing after install"
[ -f /usr/share/applications/annotator.desktop ] || fail "the .desktop entry is missing"
[ -f /usr/share/icons/hicolor/256x256/apps/annotator.png ] || fail "the icon is missing"

echo "== self-test (offscreen)"
selftest="$(cd "$work" && env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen ANNOTATOR_HOME="$work/selftest" \
    /usr/bin/annotator --selftest 2>/dev/null)" || fail "annotator --selftest: $selftest"
echo "$selftest"

echo "== first launch under Xvfb, screenshot"
home="$work/home"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    ANNOTATOR_HOME="$1" /usr/bin/annotator >"$1.log" 2>&1 &
    pid=$!
    for _ in $(seq 60); do  # up to 30 s for the main window to map
        if xwininfo -root -tree | grep -q "\"Annotator"; then break; fi
        sleep 0.5
    done
    sleep 2  # let it paint
    xwininfo -root -tree | grep -q "\"Annotator" || { echo "no Annotator window appeared" >&2; kill $pid; exit 1; }
    import -window root "$2"
    kill $pid; wait $pid 2>/dev/null || true
' _ "$home" "$SHOT" || fail "the installed app did not show its window (log: $(tail -5 "$home.log" 2>/dev/null))"
colours="$(identify -format %k "$SHOT")"
[ "$colours" -gt 50 ] || fail "the screenshot is nearly blank ($colours colours)"
documents="$(ANNOTATOR_HOME="$home" /usr/bin/annotator stats 2>/dev/null | awk '/^Documents/ {print $2}')"
[ "$documents" = "5" ] || fail "the first launch's default project has ${documents:-no} documents, not the 5 seeds"

echo "== size"
size=$(du -sb /opt/annotator | cut -f1)
size_mb=$((size / 1024 / 1024))
[ "$size_mb" -lt "$LIMIT_MB" ] || fail "the installed bundle is $size_mb MB, over $LIMIT_MB MB"

echo
echo "ci-linux: ok in $((SECONDS - started)) s"
echo "  bundle:     /opt/annotator  $size_mb MB (limit $LIMIT_MB MB)"
for f in dist/annotator-*-linux-x86_64.tar.gz "${deb[0]}"; do
    echo "  artefact:   $f  $(du -h "$f" | cut -f1)"
done
echo "  self-test:  $selftest"
echo "  screenshot: $SHOT ($colours colours); first launch created the default project with $documents seed articles"
