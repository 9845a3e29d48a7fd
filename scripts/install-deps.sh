#!/usr/bin/env bash
# Installs the Debian bookworm packages kubeclass needs to build, run and test, skipping those already present.
# Usage: scripts/install-deps.sh [build|test|fuzz]   (test adds what only the test suite uses; fuzz adds clang and
# libFuzzer for scripts/run-fuzz.sh)
set -euo pipefail

purpose="${1:-build}"
packages=(
  cmake ninja-build g++ pkg-config ccache
  libcpprest-dev libssl-dev openssl libyaml-cpp-dev nlohmann-json3-dev libexpected-dev
  libsqlite3-dev libgit2-dev
  qt6-base-dev qt6-qpa-plugins qt6-charts-dev qt6-svg-dev fonts-dejavu-core
)
if [ "$purpose" = test ]; then
  # Catch2 for the suite; the Python Kubernetes client is one of the real clients run against the API double.
  packages+=(catch2 python3 python3-kubernetes)
fi
if [ "$purpose" = fuzz ]; then
  # The libFuzzer targets build with clang (CMake preset "fuzz"); libclang-rt-14-dev holds libFuzzer and the
  # sanitizer runtimes for clang 14.
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "kubeclass: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "kubeclass: run as root or install sudo to add: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
