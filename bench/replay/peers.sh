#!/usr/bin/env bash
# Installs the peers bench/replay/run.sh measures glia against: Suricata 7 from Debian's
# bookworm-backports (the source is added here, for the benchmark only; setup never needs it), p0f,
# tshark and tcpdump. Sourced by run.sh; `bash bench/replay/peers.sh` alone installs them.
set -euo pipefail
# shellcheck source=../../scripts/lib/apt.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/apt.sh"

BACKPORTS_LIST=/etc/apt/sources.list.d/glia-bench-backports.sources

install_replay_peers() {
  local missing=()
  command -v p0f >/dev/null || missing+=(p0f)
  command -v tshark >/dev/null || missing+=(tshark)
  command -v tcpdump >/dev/null || missing+=(tcpdump)
  command -v mergecap >/dev/null || missing+=(wireshark-common)
  local want_suricata=0
  if ! command -v suricata >/dev/null || ! suricata -V 2>/dev/null | grep -qE 'version [7-9]\.'; then
    want_suricata=1
  fi
  if [ "$want_suricata" = 1 ] && [ ! -f "$BACKPORTS_LIST" ]; then
    . /etc/os-release
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$VERSION_CODENAME" >"$BACKPORTS_LIST"
    echo "bench: added ${VERSION_CODENAME}-backports (for Suricata 7) in $BACKPORTS_LIST" >&2
  fi
  if [ "$want_suricata" = 1 ] || [ ${#missing[@]} -gt 0 ]; then
    apt_waiting apt-get update -o DPkg::Lock::Timeout=600 >/dev/null
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt_waiting apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
  fi
  if [ "$want_suricata" = 1 ]; then
    . /etc/os-release
    echo "bench: installing suricata from ${VERSION_CODENAME}-backports" >&2
    DEBIAN_FRONTEND=noninteractive apt_waiting apt-get install -y -o DPkg::Lock::Timeout=600 \
      -t "${VERSION_CODENAME}-backports" suricata >/dev/null
    # The package starts a live service on the default interface: the benchmark only reads files.
    systemctl disable --now suricata >/dev/null 2>&1 || true
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then install_replay_peers; fi
