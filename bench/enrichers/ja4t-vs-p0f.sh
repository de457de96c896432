#!/usr/bin/env bash
# Passive TCP fingerprinting of a whole capture, side by side: p0f 3 (`p0f -r`) against glia
# (`glia replay` with only the ja4t enricher, every observation with its JA4T/JA4TS printed).
# Both read the same file once, decode every packet and fingerprint every SYN and SYN-ACK.
# Usage: bash bench/enrichers/ja4t-vs-p0f.sh [CAPTURE]   (default: bench/data/replay-traffic.pcap,
# made by bench/replay/run.sh). Needs p0f (apt-get install p0f) and a built glia (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
capture=${1:-bench/data/replay-traffic.pcap}
[ -f "$capture" ] || { echo "no capture at $capture: run bench/replay/run.sh first" >&2; exit 2; }
command -v p0f >/dev/null || { echo "p0f is not installed (apt-get install p0f)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'enrichers:\n  - plugin: ja4t\n' >"$work/ja4t.yaml"

syns=$(tcpdump -nr "$capture" 'tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
echo "capture: $capture ($(du -h "$capture" | cut -f1), $syns SYN and SYN-ACK packets)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, node $(node --version)"

# Best wall time of 3 runs of a command, and its output line count on the last run.
best() {
  local bestt=999999 t
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/out" 2>/dev/null || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if (($(echo "$t < $bestt" | bc))); then bestt=$t; fi
  done
  echo "$bestt $(wc -l <"$work/out")"
}

p0f_run() { rm -f "$work/p0f.log"; p0f -r "$capture" -o "$work/p0f.log"; }
read -r p0f_t _ < <(best p0f_run)
p0f_sigs=$(grep -cE 'mod=(syn|syn\+ack)\|' "$work/p0f.log" || true)
read -r glia_t glia_lines < <(best node packages/cli/bin/glia.js replay "$capture" -c "$work/ja4t.yaml" --print observations)
glia_fp=$(node packages/cli/bin/glia.js replay "$capture" -c "$work/ja4t.yaml" --print observations 2>/dev/null | grep -c '"phase":"syn' || true)
printf '%-40s %10s %14s\n' tool seconds "fingerprints"
printf '%-40s %10.2f %14s\n' "p0f -r (3.09b)" "$p0f_t" "$p0f_sigs"
printf '%-40s %10.2f %14s\n' "glia replay, ja4t enricher" "$glia_t" "$glia_fp (of $glia_lines obs)"
