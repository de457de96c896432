#!/usr/bin/env bash
# Installs what glia needs on a fresh Debian 12 machine (system packages, npm dependencies) and
# builds every package. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# tshark/tcpdump/nmap are test oracles and traffic tools; iproute2 makes the test network namespaces;
# libpcap-dev builds the af_packet binding.
# clang/llvm/libbpf-dev/libelf-dev/zlib1g-dev build the eBPF programs (bpf/) and the libbpf addon
# (with make, g++ and python3 for node-gyp); iperf3, ping, curl, openssl and openssh make traffic
# for the kernel tests and benchmarks; libcap2-bin's capsh makes a host without BPF privileges.
# tshark/tcpdump/nmap are test oracles and traffic tools; iproute2 makes the test network namespaces;
# mmdb-bin (libmaxminddb's mmdblookup) and libmaxmind-db-writer-perl check glia's MMDB files both ways;
# openssl makes the test CA for the control plane's TLS.
# pcre2-utils (pcre2test) is the oracle of the services enricher's regex translation; nginx-light,
# redis-server, vsftpd and postgresql are the real daemons its namespace test identifies (started
# by the test, never as services), with dnsmasq and openssh-server; bind9-dnsutils' dig is one of
# the everyday clients it talks to them with (ssh, redis-cli and psql come with the servers).
# The service graph's tests: postgresql (a real server they start), chromium (the live page, driven
# by playwright-core), graphviz (reads the DOT output back).
PACKAGES=(tshark tcpdump nmap tcpreplay iproute2 dnsmasq libpcap-dev procps
  clang llvm libbpf-dev libelf-dev zlib1g-dev make g++ python3 iputils-ping iperf3 libcap2-bin
  curl openssl openssh-client openssh-server mmdb-bin libmaxmind-db-writer-perl
  pcre2-utils nginx-light redis-server vsftpd postgresql bind9-dnsutils chromium graphviz)
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
  # Keep the daemons' packages from starting system services: tests start their own copies.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  apt_waiting env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: building"
npm run --silent build
