#!/usr/bin/env bash
# What AF_PACKET capture costs the kernel path of the traffic it watches: the same bounded
# generator (tcpreplay at top speed, a fixed packet count) into a namespace with no capture, with
# af_packet's events filter and with no filter. The filter and the ring copy run in the receiving
# softirq, which on a veth runs on the sender's CPU: a slower top speed is their cost. Median of
# ROUNDS runs each. Needs root, tcpreplay and a build. Prints a Markdown table.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/bench/data
ROUNDS=${ROUNDS:-3}
PACKETS=${PACKETS:-300000}
TAG=$$
GEN=glia-afs-g-$TAG
CAP=glia-afs-c-$TAG
WORK=$(mktemp -d /tmp/glia-afsender.XXXXXX)
# shellcheck source=namespaces.sh
source "$ROOT/bench/afpacket/namespaces.sh"
trap bench_cleanup EXIT
[ -f "$DATA/afpacket-scan.pcap" ] || node "$ROOT/bench/afpacket/make-traffic.mjs" "$DATA/afpacket-scan.pcap" scan 20000
bench_namespaces

top_speed() {
  ip netns exec "$GEN" tcpreplay -i glia1 --topspeed --limit="$PACKETS" --loop=0 -K "$DATA/afpacket-scan.pcap" 2>&1 |
    sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p'
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| capture on the receiving device | top speed, packets/s (median of $ROUNDS) | runs |"
echo "|---|---:|---|"
for mode in none events all; do
  [ "$mode" != none ] && start_capture "{\"filter\":\"$mode\"}"
  runs=()
  for _ in $(seq "$ROUNDS"); do runs+=("$(top_speed)"); done
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
  echo "| $mode | ${median%.*} | ${runs[*]} |"
  [ -f "$WORK/capture.pid" ] && stop_capture
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
