#!/usr/bin/env bash
# Installs what is missing, builds the desktop app and starts it. Extra arguments go to the app.
# This is the README's run command.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
build_dir="${KUBECLASS_BUILD_DIR:-build}"
cmake -S . -B "$build_dir" -G Ninja
cmake --build "$build_dir" -j "$(nproc)" --target kubeclass kubeclass-grade
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "kubeclass: no display found (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
  echo "  Start it from a desktop session, or try it headless with QT_QPA_PLATFORM=offscreen." >&2
  exit 1
fi
exec "$build_dir/app/kubeclass" "$@"
