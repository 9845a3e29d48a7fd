#!/usr/bin/env bash
# Installs what is missing, builds everything (warnings are errors under CI) and runs the whole test suite.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
build_dir="${KUBECLASS_BUILD_DIR:-build}"
jobs="$(nproc)"
cmake -S . -B "$build_dir" -G Ninja -DKUBECLASS_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$jobs"
# GUI tests render offscreen; nothing needs a display.
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" --timeout 600
