#!/usr/bin/env bash
# Build the one-folder PixVerse Desktop app with PyInstaller and smoke-test it.
#
#   packaging/build.sh [--skip-install] [--no-smoke]
#
# Environment:
#   VENV      virtualenv used for the build (created if missing; default packaging/.venv)
#   PYTHON    interpreter used to create it (default python3)
#   SMOKE_TIMEOUT  seconds allowed for the smoke test (default 120)
#
# Output: packaging/dist/pixverse-desktop/ (work files in packaging/build/).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"
SMOKE_TIMEOUT="${SMOKE_TIMEOUT:-120}"
DIST="$HERE/dist"
WORK="$HERE/build"
APP_DIR="$DIST/pixverse-desktop"

install=1
smoke=1
for arg in "$@"; do
    case "$arg" in
        --skip-install) install=0 ;;
        --no-smoke) smoke=0 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "==> creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
    install=1
fi
PY="$VENV/bin/python"

if (( install )); then
    echo "==> installing PyInstaller and the project into $VENV"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet --upgrade "pyinstaller>=6.10" "pyinstaller-hooks-contrib"
    # Install from a scratch copy so no build/ or *.egg-info is left in the working tree.
    src="$(mktemp -d)"
    cp -r "$ROOT/pyproject.toml" "$ROOT/pixverse_desktop" "$src/"
    for f in README.md LICENSE; do if [[ -e "$ROOT/$f" ]]; then cp "$ROOT/$f" "$src/"; fi; done
    find "$src" -name __pycache__ -prune -exec rm -rf {} +
    "$PY" -m pip install --quiet --force-reinstall --no-deps "$src"
    "$PY" -m pip install --quiet "$src"  # dependencies
    rm -rf "$src"
fi

echo "==> PyInstaller $("$PY" -m PyInstaller --version), Python $("$PY" -c 'import sys; print(sys.version.split()[0])')"
start=$(date +%s)
cd "$ROOT"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$HERE/pixverse-desktop.spec"
elapsed=$(( $(date +%s) - start ))

exe="$APP_DIR/pixverse-desktop"
[[ -x "$exe" ]] || { echo "build failed: $exe not found" >&2; exit 1; }
size=$(du -sh "$APP_DIR" | cut -f1)
echo "==> built $APP_DIR in ${elapsed}s, size $size ($(find "$APP_DIR" -type f | wc -l) files)"

if (( smoke )); then
    echo "==> smoke test: pixverse-desktop --demo --smoke-test (offscreen, throw-away profile)"
    profile="$(mktemp -d)"
    trap 'rm -rf "$profile"' EXIT
    smoke_start=$(date +%s)
    set +e
    env -u USEAPI_TOKEN \
        QT_QPA_PLATFORM=offscreen \
        HOME="$profile" \
        XDG_CONFIG_HOME="$profile/config" XDG_DATA_HOME="$profile/data" \
        XDG_CACHE_HOME="$profile/cache" XDG_STATE_HOME="$profile/state" \
        PIXVERSE_DESKTOP_HOME="$profile/pixverse" \
        timeout "$SMOKE_TIMEOUT" "$exe" --demo --smoke-test > "$profile/smoke.out" 2>&1
    rc=$?
    set -e
    tail -n 5 "$profile/smoke.out"
    echo "==> smoke test exit code $rc after $(( $(date +%s) - smoke_start ))s"
    # A frozen app can start fine yet have lost its video backend (e.g. a damaged FFmpeg library).
    if grep -q "No QtMultimedia backends found" "$profile/smoke.out"; then
        echo "smoke test: the Qt multimedia backend did not load in the frozen app" >&2
        rc=1
    fi
    if (( rc != 0 )); then
        echo "---- smoke test output ----" >&2
        tail -n 60 "$profile/smoke.out" >&2
        echo "---- last lines of the app log ----" >&2
        tail -n 40 "$profile"/pixverse/logs/*.log 2>/dev/null >&2 || true
        exit "$rc"
    fi
fi
echo "==> done: $APP_DIR (size $size, build ${elapsed}s)"
