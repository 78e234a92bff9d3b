#!/usr/bin/env bash
# Finishes dist/Annotator.app after PyInstaller has run packaging/annotator.spec on macOS: sets the Info.plist
# keys, signs it and has Apple notarise it when the credentials are in the environment.
#
#   APPLE_SIGNING_IDENTITY   "Developer ID Application: Name (TEAMID)" in the keychain -> signed, hardened runtime
#   APPLE_NOTARY_PROFILE     a profile stored with `xcrun notarytool store-credentials`, or else
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)  -> notarised and stapled
#
# Without them the app is built unsigned (ad-hoc signature only) and Gatekeeper warns on first open.
#
# What packaging/annotator.spec must do on macOS for dist/Annotator.app to exist: end with
#   app = BUNDLE(coll, name="Annotator.app", icon="resources/icon.png",
#                bundle_identifier="org.annotator.Annotator", version=<version from pyproject.toml>,
#                info_plist={"NSHighResolutionCapable": True})
# (PyInstaller turns the .png into .icns when Pillow is installed.) BUNDLE also moves data files out
# of Contents/MacOS, which codesign requires; a hand-made wrapper around dist/annotator/ would not sign.
set -euo pipefail
cd "$(dirname "$0")/../.."

APP=dist/Annotator.app
ENTITLEMENTS=packaging/macos/entitlements.plist
PYTHON=${PYTHON:-python3}
VERSION=${APP_VERSION:-$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')}

if [[ "$(uname)" != Darwin ]]; then
    echo "make_app.sh: this runs on macOS only (it needs codesign and the BUNDLE step of PyInstaller)." >&2
    exit 1
fi
if [[ ! -d "$APP" ]]; then
    echo "make_app.sh: $APP not found. Run 'python -m PyInstaller --noconfirm --distpath dist packaging/annotator.spec' first; if it ran, the spec lacks the" >&2
    echo "BUNDLE(...) step described at the top of this script." >&2
    exit 1
fi

plist="$APP/Contents/Info.plist"
plutil -replace CFBundleIdentifier -string org.annotator.Annotator "$plist"
plutil -replace CFBundleShortVersionString -string "$VERSION" "$plist"
plutil -replace CFBundleVersion -string "$VERSION" "$plist"
plutil -replace NSHighResolutionCapable -bool YES "$plist"
# Let the app follow the system's dark mode, as the reader's colours do.
plutil -replace NSRequiresAquaSystemAppearance -bool NO "$plist"
plutil -replace LSMinimumSystemVersion -string 12.0 "$plist"

notary_args=()
if [[ -n "${APPLE_NOTARY_PROFILE:-}" ]]; then
    notary_args=(--keychain-profile "$APPLE_NOTARY_PROFILE")
elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    notary_args=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi

if [[ -n "${APPLE_SIGNING_IDENTITY:-}" ]]; then
    echo "Signing $APP as $APPLE_SIGNING_IDENTITY (hardened runtime)"
    codesign --force --deep --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
        --sign "$APPLE_SIGNING_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
    if (( ${#notary_args[@]} )); then
        zip="dist/Annotator-$VERSION-notarise.zip"
        ditto -c -k --keepParent "$APP" "$zip"
        echo "Submitting $APP to Apple's notary service (this waits for the verdict)"
        xcrun notarytool submit "$zip" "${notary_args[@]}" --wait
        xcrun stapler staple "$APP"
        rm -f "$zip"
        spctl --assess --type execute --verbose=2 "$APP"
    else
        echo "NOTE: signed but not notarised (set APPLE_NOTARY_PROFILE or APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD);"
        echo "      Gatekeeper still warns on other Macs."
    fi
else
    if (( ${#notary_args[@]} )); then
        echo "make_app.sh: notarisation needs a signed app; set APPLE_SIGNING_IDENTITY too." >&2
        exit 1
    fi
    # Editing Info.plist broke PyInstaller's ad-hoc signature; Apple Silicon refuses to run
    # unsigned code and reports the app as "damaged", so re-sign ad hoc.
    codesign --force --deep --sign - "$APP"
    echo "NOTE: $APP is UNSIGNED (APPLE_SIGNING_IDENTITY not set). Gatekeeper will warn when it is opened"
    echo "      after a download. Users open it the first time with right-click (or Control-click) > Open;"
    echo "      on macOS 15 and later: System Settings > Privacy & Security > Open Anyway."
fi
echo "Built $APP ($(du -sh "$APP" | cut -f1))"
