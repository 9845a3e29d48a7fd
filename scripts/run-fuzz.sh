#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset "fuzz", clang, into build-fuzz/) and runs each for a set time,
# one after another, starting from its seed corpus in tests/fuzz/corpus/<target>/.
# Usage: scripts/run-fuzz.sh [seconds-per-target] [target ...]     (default 60 s, every target)
# New inputs that reach new code go to build-fuzz/fuzz-corpus/<target>/ (the seeds in the tree stay untouched);
# crash, leak and timeout inputs go to build-fuzz/fuzz-crashes/<target>/. Copy a crash input into
# tests/fuzz/regressions/<target>/ once its bug is fixed: test_fuzz_regressions replays it from then on.
# Prints one "figures" line per target: execs, execs/s, corpus entries, new entries, coverage, crash files.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
all_targets=(kubeconfig manifest rubric matcher quiz_bank quiz_answers snapshot watch)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

command -v clang++ >/dev/null || { echo "run-fuzz: clang++ is missing (scripts/install-deps.sh fuzz)" >&2; exit 1; }
cd "$root"
# Warnings from clang stay warnings here (the preset turns -Werror off), whatever CI says.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -- -j"${FUZZ_JOBS:-2}"

# libFuzzer's own checks: inputs up to 64 KiB (the loaders' limits are tested separately, by the bad-input
# corpus), 2 GiB of memory, 10 s per input.
max_len="${FUZZ_MAX_LEN:-65536}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/${t}_fuzz"
  [ -x "$exe" ] || { echo "run-fuzz: no fuzz target $t" >&2; exit 1; }
  work="$build/fuzz-corpus/$t"
  crashes="$build/fuzz-crashes/$t"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  seeds_before=$(find "$work" -type f | wc -l)
  start=$(date +%s)
  set +e
  "$exe" "$work" "$root/tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus_now=$(find "$work" -type f | wc -l)
  crash_files=$(find "$crashes" -type f | wc -l)
  echo "figures $t: seconds=$elapsed execs=${execs:-?} execs_per_s=${speed:-?} corpus=$corpus_now" \
       "new=$((corpus_now - seeds_before)) cov=${cov:-?} crash_files=$crash_files exit=$rc"
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "run-fuzz: $t stopped with a finding; see $log and $crashes" >&2
  fi
done
exit "$failed"
