#!/usr/bin/env bash
# Replay benchmark, side by side in one run: glia against Suricata 7 (single-threaded, flow and
# stream tracking, DNS and TLS parsers, no rules: bench/replay/suricata.yaml), p0f, tshark and
# tcpdump, each reading the same captures. Reports CPU seconds (user + system, from /usr/bin/time:
# meaningful on a loaded machine, where wall time is not), the ratio of each to Suricata's,
# packets per CPU second and peak RSS. Writes bench/replay/RESULTS.md.
#
#   bench/replay/run.sh            # record bench/data/replay-traffic.pcap if missing, then measure
#   GLIA_BENCH_REGEN=1 bench/replay/run.sh
#   GLIA_BENCH_SIZES="500000 2000000 8000000" bench/replay/run.sh   (the default sizes)
#   GLIA_BENCH_RUNS=3 bench/replay/run.sh     (runs per reader and capture: the median is reported)
#
# Captures measured, made from the recorded one by bench/replay/distinct-flows.mjs:
#   distinct-N.pcap  N packets of copies with addresses rewritten per copy: every copy's flows new
#   repeat-N.pcap    N packets of plain repeats: the same flows again, later
#
# The capture is real traffic (nginx, redis, openssh, dnsmasq) between two network namespaces joined
# by a veth pair that this script creates and deletes; only 10.99.0.1/2 are used. Needs root.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/bench/data
CAP=$DATA/replay-traffic.pcap
RESULTS=$ROOT/bench/replay/RESULTS.md
NS_SRV=glia-bench-srv
NS_CLI=glia-bench-cli
WORK=$(mktemp -d /tmp/glia-bench.XXXXXX)
mkdir -p "$DATA"

cleanup() {
  for pidfile in "$WORK"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 0.3
  ip netns del "$NS_SRV" 2>/dev/null || true
  ip netns del "$NS_CLI" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need_packages() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
  fi
}

generate_capture() {
  need_packages
  ip netns add "$NS_SRV"
  ip netns add "$NS_CLI"
  ip link add gbv0 type veth peer name gbv1
  ip link set gbv0 netns "$NS_SRV"
  ip link set gbv1 netns "$NS_CLI"
  ip -n "$NS_SRV" addr add 10.99.0.1/24 dev gbv0
  ip -n "$NS_CLI" addr add 10.99.0.2/24 dev gbv1
  for ns in "$NS_SRV" "$NS_CLI"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$NS_SRV" link set gbv0 up
  ip -n "$NS_CLI" link set gbv1 up
  # Segmentation offload would hand tcpdump 64 KB super-packets; capture wire-sized frames.
  ip netns exec "$NS_CLI" ethtool -K gbv1 tso off gso off gro off 2>/dev/null || true
  ip netns exec "$NS_SRV" ethtool -K gbv0 tso off gso off gro off 2>/dev/null || true

  cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 10.99.0.1:80; location / { return 200 "glia bench\n"; } }
}
NGINX
  ip netns exec "$NS_SRV" nginx -c "$WORK/nginx.conf"
  ip netns exec "$NS_SRV" redis-server --bind 10.99.0.1 --port 6379 --protected-mode no --save '' --appendonly no \
    --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
  ip netns exec "$NS_SRV" /usr/sbin/sshd -f /dev/null -h "$WORK/hostkey" -o ListenAddress=10.99.0.1 \
    -o PidFile="$WORK/sshd.pid" -o MaxStartups=100
  ip netns exec "$NS_SRV" dnsmasq --listen-address=10.99.0.1 --bind-interfaces --no-resolv --no-hosts \
    --address=/bench.test/10.99.0.1 --pid-file="$WORK/dnsmasq.pid" --cache-size=1000
  sleep 1

  ip netns exec "$NS_CLI" tcpdump -i gbv1 -s 0 -w "$CAP.tmp" -U 2>"$WORK/tcpdump.log" &
  echo $! >"$WORK/tcpdump.pid"
  sleep 1
  ip netns exec "$NS_CLI" node "$ROOT/bench/replay/traffic.mjs" "${GLIA_BENCH_HTTP:-20000}" "${GLIA_BENCH_SSH:-300}" "${GLIA_BENCH_DNS:-20000}"
  ip netns exec "$NS_CLI" redis-benchmark -h 10.99.0.1 -q -n "${GLIA_BENCH_REDIS:-300000}" -c 50 -t set,get >/dev/null
  sleep 1
  kill -INT "$(cat "$WORK/tcpdump.pid")"
  wait "$(cat "$WORK/tcpdump.pid")" 2>/dev/null || true
  rm -f "$WORK/tcpdump.pid"
  mv "$CAP.tmp" "$CAP"
}

if [ ! -s "$CAP" ] || [ "${GLIA_BENCH_REGEN:-0}" = 1 ]; then
  generate_capture
fi

# shellcheck source=peers.sh
source "$ROOT/bench/replay/peers.sh"
install_replay_peers

(cd "$ROOT" && npm run build >/dev/null)
GLIA_CLI=$ROOT/packages/cli/bin/glia.js
SIZES=${GLIA_BENCH_SIZES:-500000 2000000 8000000}
RUNS=${GLIA_BENCH_RUNS:-3}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

for n in $SIZES; do
  [ -s "$DATA/distinct-$n.pcap" ] || node "$ROOT/bench/replay/distinct-flows.mjs" "$CAP" "$DATA/distinct-$n.pcap" "$n"
done
largest=${SIZES##* }
[ -s "$DATA/repeat-$largest.pcap" ] ||
  node "$ROOT/bench/replay/distinct-flows.mjs" "$CAP" "$DATA/repeat-$largest.pcap" "$largest" repeat

echo '{}' >"$WORK/empty.yaml"
# Runs a command under /usr/bin/time; prints "cpu_seconds peak_rss_kB" (user + system time).
cpu() {
  /usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" ||
    { tail -5 "$WORK/stderr.txt" >&2; echo "failed: $*" >&2; return 1; }
  awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$WORK/time.txt"
}

readers=(
  'Suricata 7 (`-k none --runmode single`, flow + stream, DNS + TLS parsers, no rules)|suricata -c SURICONF -k none --runmode single -S /dev/null -l SURIDIR -r'
  '`glia replay F` (embedded default: fqdn, ja4t, tls, flow, 3 rules; `--print verdicts`)|node GLIA replay --print verdicts --log-level silent'
  '`glia replay F --print observations` (default config, every observation with its fields as JSON)|node GLIA replay --print observations --log-level silent'
  '`glia replay -c {} F --print events` (no enrichers or rules: decode + events + JSON)|node GLIA replay -c EMPTY --print events --log-level silent'
  'glia decode + capture events alone (`bench/replay/replay-direct.mjs`)|node DIRECT'
  '`p0f -r F` (3.09b: SYN/SYN-ACK fingerprints)|p0f -r'
  '`tcpdump -r F -w /dev/null`|tcpdump -w /dev/null -r'
  '`tshark -r F -T fields -e frame.number`|tshark -T fields -e frame.number -r'
)

# Every reader on every capture, RUNS rounds in that order (so the load is shared alike); per
# reader and capture the median CPU time, its range, and the highest peak RSS.
declare -A result
captures=()
for n in $SIZES; do captures+=("distinct-$n"); done
captures+=("repeat-$largest")
for round in $(seq "$RUNS"); do
for c in "${captures[@]}"; do
  file=$DATA/$c.pcap
  for r in "${readers[@]}"; do
    cmd=${r#*|}
    # tshark decodes every protocol (about 50 000 packets/s): the 2 M captures are enough for it.
    if [[ $cmd == tshark* ]] && [ "$(stat -c %s "$file")" -gt 400000000 ]; then result[$c|$r]='- -;'; continue; fi
    # tshark once (25 s a run on 2 M packets): its ratio is not close to anyone's.
    if [[ $cmd == tshark* ]] && [ "$round" -gt 1 ]; then continue; fi
    cmd=${cmd//GLIA/$GLIA_CLI}
    cmd=${cmd//EMPTY/$WORK/empty.yaml}
    cmd=${cmd//DIRECT/$ROOT/bench/replay/replay-direct.mjs}
    cmd=${cmd//SURICONF/$ROOT/bench/replay/suricata.yaml}
    cmd=${cmd//SURIDIR/$WORK/suricata}
    rm -rf "$WORK/suricata" && mkdir -p "$WORK/suricata"
    echo "bench: round $round: $c: ${r%%|*}" >&2
    # shellcheck disable=SC2086
    result[$c|$r]+="$(cpu $cmd "$file" || echo '- -');"
  done
done
done
# "cpu rss;cpu rss;..." -> "median_cpu max_rss min_cpu max_cpu" (or "- -" when a run failed).
summarize() {
  tr ';' '\n' <<<"$1" | awk 'NF == 2 { if ($1 == "-") bad = 1; n++; c[n] = $1; if ($2 > r) r = $2 }
    END { if (bad || n == 0) { print "- -"; exit }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
      printf "%s %d %s %s\n", c[int((n + 1) / 2)], r, c[1], c[n] }'
}
for key in "${!result[@]}"; do result[$key]=$(summarize "${result[$key]}"); done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

packets_of() { capinfos -c -M "$1" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
{
  echo "## Replay benchmark ($(date -u +%Y-%m-%d))"
  echo
  echo "Machine: $cpu_model, $(nproc) vCPU, $(free -g | awk '/Mem:/{print $2}') GB RAM, Linux $(uname -r), Node $(node -v),"
  echo "$(suricata -V 2>/dev/null | sed 's/This is //'), p0f 3.09b, $(tshark -v | head -1 | cut -d' ' -f1-3), tcpdump $(tcpdump --version 2>&1 | head -1 | awk '{print $3}')."
  echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END (on $(nproc) vCPUs)."
  echo
  echo "Captures: \`bench/data/replay-traffic.pcap\` ($(packets_of "$CAP") packets of HTTP, Redis, SSH and DNS between two"
  echo "network namespaces) copied to N packets by \`bench/replay/distinct-flows.mjs\`: \`distinct-N\` rewrites the"
  echo "addresses of every copy (every copy's flows are new), \`repeat-N\` repeats the same flows later."
  echo
  echo "CPU seconds are user + system time (Node start-up included), the median of $RUNS runs (tshark: one)"
  echo "with the range of the runs; the ratio is of medians, to Suricata's on the same capture; packets/s"
  echo "are packets per median CPU second; RSS is the highest peak resident set of the runs."
  for c in "${captures[@]}"; do
    file=$DATA/$c.pcap
    packets=$(packets_of "$file")
    read -r s_cpu _ <<<"${result[$c|${readers[0]}]}"
    echo
    echo "### $c ($packets packets, $(( $(stat -c %s "$file") / 1048576 )) MB)"
    echo
    echo "| reader | CPU s | range | × Suricata | packets/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|"
    for r in "${readers[@]}"; do
      read -r t rss lo hi <<<"${result[$c|$r]}"
      if [ "$t" = '-' ] || [ -z "$t" ]; then echo "| ${r%%|*} | – | – | – | – | – |"; continue; fi
      awk -v n="${r%%|*}" -v t="$t" -v s="$s_cpu" -v p="$packets" -v r="$rss" -v lo="$lo" -v hi="$hi" \
        'BEGIN { pps = t > 0 ? sprintf("%.0f", p / t) : "–"; printf "| %s | %.2f | %.2f – %.2f | %.2f | %s | %.0f |\n", n, t, lo, hi, t / s, pps, r / 1024 }'
    done
  done
} >"$RESULTS"
cat "$RESULTS"
