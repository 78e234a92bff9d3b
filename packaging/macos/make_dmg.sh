#!/usr/bin/env bash
# Packs dist/Annotator.app (from make_app.sh) into dist/Annotator-<version>.dmg with an
# /Applications link to drag it onto. Signs and notarises the disk image with the same
# environment variables as make_app.sh; without them the image is unsigned.
set -euo pipefail
cd "$(dirname "$0")/../.."

APP=dist/Annotator.app
PYTHON=${PYTHON:-python3}
VERSION=${APP_VERSION:-$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')}
DMG="dist/Annotator-$VERSION.dmg"

if [[ "$(uname)" != Darwin ]]; then
    echo "make_dmg.sh: this runs on macOS only (it needs hdiutil)." >&2
    exit 1
fi
if [[ ! -d "$APP" ]]; then
    echo "make_dmg.sh: $APP not found; run packaging/macos/make_app.sh first." >&2
    exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# ditto keeps the signature, stapled ticket and symlinks inside the bundle intact; cp -R may not.
ditto "$APP" "$stage/Annotator.app"
ln -s /Applications "$stage/Applications"
rm -f "$DMG"
hdiutil create -volname "Annotator $VERSION" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$DMG"
hdiutil verify "$DMG"

if [[ -n "${APPLE_SIGNING_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$APPLE_SIGNING_IDENTITY" "$DMG"
    notary_args=()
    if [[ -n "${APPLE_NOTARY_PROFILE:-}" ]]; then
        notary_args=(--keychain-profile "$APPLE_NOTARY_PROFILE")
    elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
        notary_args=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
    fi
    if (( ${#notary_args[@]} )); then
        echo "Submitting $DMG to Apple's notary service (this waits for the verdict)"
        xcrun notarytool submit "$DMG" "${notary_args[@]}" --wait
        # Stapling lets Gatekeeper accept the image offline, e.g. on a newsroom's firewalled network.
        xcrun stapler staple "$DMG"
    fi
else
    echo "NOTE: $DMG is UNSIGNED. After dragging Annotator to Applications, open it the first time with"
    echo "      right-click > Open (macOS 15 and later: System Settings > Privacy & Security > Open Anyway)."
fi
echo "Built $DMG ($(du -h "$DMG" | cut -f1))"
