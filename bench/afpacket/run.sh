#!/usr/bin/env bash
# af_packet benchmark: at which packet rate does live capture start dropping, and what CPU does the
# agent spend per 100 000 packets/s? A bounded generator (tcpreplay, a fixed packet count at a fixed
# rate) sends from one network namespace over a veth pair into another, where the af_packet plugin
# captures the receiving end. Both namespaces are created and deleted here; no address is used.
# Writes bench/afpacket/RESULTS.md. Needs root, tcpreplay and a build (npm run build).
#
#   bash bench/afpacket/run.sh                       # default rates
#   RATES="50000 100000" SECONDS_PER_RUN=3 bash bench/afpacket/run.sh
#   CPU_LIMIT_PERCENT=5 bash bench/afpacket/run.sh   # the agent held to 5 % of one core (a cpu
#                                                      # cgroup): where it starts dropping on a budget
#   BUFFER_MB=4 TRAFFIC="scan" FILTERS="all" ...      # ring size, traffic shapes, filter modes
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/bench/data
CPU_LIMIT_PERCENT=${CPU_LIMIT_PERCENT:-}
BUFFER_MB=${BUFFER_MB:-32}
TRAFFIC=${TRAFFIC:-"scan web"}
FILTERS=${FILTERS:-"all events"}
RESULTS=${RESULTS:-$ROOT/bench/afpacket/RESULTS${CPU_LIMIT_PERCENT:+-cpu$CPU_LIMIT_PERCENT}.md}
RATES=${RATES:-"25000 50000 100000 150000 200000 300000 0"}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-4}
TAG=$$
GEN=glia-afb-g-$TAG
CAP=glia-afb-c-$TAG
WORK=$(mktemp -d /tmp/glia-afbench.XXXXXX)
mkdir -p "$DATA"

CGROUP=""
if [ -n "$CPU_LIMIT_PERCENT" ]; then
  quota=$(( CPU_LIMIT_PERCENT * 1000 ))
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    CGROUP=/sys/fs/cgroup/glia-afbench-$TAG
    mkdir "$CGROUP"
    echo "$quota 100000" > "$CGROUP/cpu.max"
  else
    CGROUP=/sys/fs/cgroup/cpu/glia-afbench-$TAG
    mkdir "$CGROUP"
    echo 100000 > "$CGROUP/cpu.cfs_period_us"
    echo "$quota" > "$CGROUP/cpu.cfs_quota_us"
  fi
fi

# shellcheck source=namespaces.sh
source "$ROOT/bench/afpacket/namespaces.sh"
cleanup() {
  bench_cleanup
  [ -n "$CGROUP" ] && rmdir "$CGROUP" 2>/dev/null || true
}
trap cleanup EXIT

[ -f "$DATA/afpacket-web.pcap" ] || node "$ROOT/bench/afpacket/make-traffic.mjs" "$DATA/afpacket-web.pcap" web 4000
[ -f "$DATA/afpacket-scan.pcap" ] || node "$ROOT/bench/afpacket/make-traffic.mjs" "$DATA/afpacket-scan.pcap" scan 20000

bench_namespaces

# One measurement: prints "sent_packets actual_pps packets received dropped events cpu_ms wall_ms".
measure() {
  local traffic=$1 filter=$2 rate=$3
  local limit=$(( rate > 0 ? rate * SECONDS_PER_RUN : 600000 ))
  local speed=(--pps="$rate")
  [ "$rate" -eq 0 ] && speed=(--topspeed)
  start_capture "{\"filter\":\"$filter\",\"buffer_mb\":$BUFFER_MB}"
  local pid
  pid=$(cat "$WORK/capture.pid")
  # Held to its CPU budget once started (Node's start-up is not what is measured).
  [ -n "$CGROUP" ] && echo "$pid" > "$CGROUP/cgroup.procs"
  kill -USR2 "$pid"
  local sent
  sent=$(ip netns exec "$GEN" tcpreplay -i glia1 "${speed[@]}" --limit="$limit" --loop=0 -K \
    "$DATA/afpacket-$traffic.pcap" 2>&1)
  sleep 0.5
  stop_capture
  local packets pps
  packets=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' <<<"$sent")
  pps=$(sed -n 's/.*Rated: .*, \([0-9.]*\) pps.*/\1/p' <<<"$sent")
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n").find((l) => l.startsWith("{")));
    console.log([process.argv[2], process.argv[3], r.packets, r.received, r.dropped, r.events, r.cpuMs.toFixed(0), r.wallMs.toFixed(0)].join(" "));
  ' "$WORK/capture.out" "$packets" "$pps"
}

{
  echo "# af_packet benchmark results"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -r), Node $(node --version), $(tcpreplay --version 2>&1 | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); ring buffer_mb $BUFFER_MB; agent CPU limit: ${CPU_LIMIT_PERCENT:-none}${CPU_LIMIT_PERCENT:+ % of one core}"
  echo
  echo "| traffic | filter | rate asked | sent | pps sent | to user space | kernel received | kernel dropped | drop % | events | agent CPU % | CPU % per 100 k pps |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$RESULTS.tmp"

for traffic in $TRAFFIC; do
  for filter in $FILTERS; do
    for rate in $RATES; do
      read -r sent pps packets received dropped events cpu wall < <(measure "$traffic" "$filter" "$rate")
      awk -v t="$traffic" -v f="$filter" -v r="$rate" -v s="$sent" -v p="$pps" -v k="$packets" -v rc="$received" \
        -v d="$dropped" -v e="$events" -v c="$cpu" -v w="$wall" 'BEGIN {
          seen = rc + 0; drop = (seen > 0) ? 100 * d / seen : 0;
          cpupct = (w > 0) ? 100 * c / w : 0; per = (p > 0) ? cpupct / (p / 100000) : 0;
          printf "| %s | %s | %s | %d | %.0f | %d | %d | %d | %.2f | %d | %.1f | %.1f |\n",
            t, f, (r == 0 ? "top speed" : r), s, p, k, rc, d, drop, e, cpupct, per }' | tee -a "$RESULTS.tmp"
    done
  done
done
echo >> "$RESULTS.tmp"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
echo "wrote $RESULTS"
