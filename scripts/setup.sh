#!/usr/bin/env bash
# Installs what glia needs on a fresh Debian 12 machine (system packages, npm dependencies) and
# builds every package. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# tshark/tcpdump/nmap are test oracles and traffic tools; iproute2 makes the test network namespaces.
# clang/llvm/libbpf-dev/libelf-dev/zlib1g-dev build the eBPF programs (bpf/) and the libbpf addon
# (with make, g++ and python3 for node-gyp); iperf3, ping, curl, openssl and openssh make traffic
# for the kernel tests and benchmarks; libcap2-bin's capsh makes a host without BPF privileges.
# tshark/tcpdump/nmap are test oracles and traffic tools; iproute2 makes the test network namespaces;
# mmdb-bin (libmaxminddb's mmdblookup) and libmaxmind-db-writer-perl check glia's MMDB files both ways;
# openssl makes the test CA for the control plane's TLS.
PACKAGES=(tshark tcpdump nmap tcpreplay iproute2 dnsmasq libpcap-dev procps
  clang llvm libbpf-dev libelf-dev zlib1g-dev make g++ python3 iputils-ping iperf3 libcap2-bin
  curl openssl openssh-client openssh-server mmdb-bin libmaxmind-db-writer-perl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# shellcheck source=lib/apt.sh
source scripts/lib/apt.sh

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_waiting apt-get -o DPkg::Lock::Timeout=600 update -qq
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  apt_waiting env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: building"
npm run --silent build
