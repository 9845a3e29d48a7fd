#!/usr/bin/env bash
# Builds the whole suite (libraries, kubeclass-grade, the app and every test) with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake preset "asan", g++, into build-asan/) and runs it with the "asan" test preset:
# leaks checked, the first UBSan report fatal, LeakSanitizer suppressions from tests/sanitizers/lsan.supp.
# Usage: scripts/run-sanitizers.sh [ctest arguments...]      e.g. -R '^test_grader' to run one suite
# Takes ~20 minutes to build and ~10 to run on 2 cores; not part of the README's test command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/install-deps.sh test
# Warnings are not errors in this preset (a sanitized -O1 build warns in libstdc++'s <regex>), whatever CI says.
cmake --preset asan >/dev/null
cmake --build --preset asan -- -j"${SANITIZER_JOBS:-$(nproc)}"
started=$(date +%s)
status=0
ctest --preset asan -j"$(nproc)" --timeout 1800 "$@" | tee build-asan/ctest.log || status=$?
reports=$(grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error:' build-asan/ctest.log || true)
echo "figures: $(grep -E 'tests passed|tests failed' build-asan/ctest.log | tail -1); sanitizer reports: $reports;" \
     "$(( $(date +%s) - started )) s"
exit "$status"
