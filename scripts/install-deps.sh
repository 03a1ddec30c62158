#!/usr/bin/env bash
# Installs every Debian package the project builds, tests and benchmarks with.
# Idempotent: apt-get skips what is already there. Run as root on Debian 12.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates ccache
  clang-format clang-tidy
  clang libclang-rt-14-dev llvm   # fuzz/: libFuzzer (libclang_rt.fuzzer in libclang-rt-14-dev), llvm-symbolizer
  prometheus-cpp-dev libcivetweb-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev libcli11-dev libcurl4-openssl-dev libssl-dev
  libsystemd-dev systemd zlib1g-dev libcrypt-dev libabsl-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  prometheus prometheus-alertmanager
  curl iproute2 procps util-linux python3 python3-yaml docker-compose openssl passwd
)

# npm fetches the pinned real gateway and its Node (scripts/fetch-openclaw.sh). A machine whose Node.js comes from
# elsewhere (NodeSource's nodejs ships npm) keeps it; a fresh Debian 12 gets Debian's npm.
command -v npm >/dev/null || packages+=(npm)

# Peers and load tools for bench/ only: `install-deps.sh --bench`.
if [[ ${1:-} == --bench ]]; then
  packages+=(prometheus-process-exporter prometheus-blackbox-exporter webhook wrk hyperfine valgrind linux-perf)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Installing prometheus/alertmanager must not start daemons (no systemd as PID 1 here anyway).
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.openclaw
if [[ ! -e /usr/sbin/policy-rc.d ]]; then cp /usr/sbin/policy-rc.d.openclaw /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi
rm -f /usr/sbin/policy-rc.d.openclaw
apt-get install -y -qq --no-install-recommends "${missing[@]}"
