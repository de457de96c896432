# Sourced by the af_packet benchmarks: the generator and capture namespaces, joined by a veth pair
# (glia1 in $GEN, glia0 in $CAP), with no address; `start_capture` runs bench/afpacket/capture.mjs
# on glia0 and waits until it captures. Needs $ROOT, $GEN, $CAP and $WORK set.

bench_namespaces() {
  ip netns add "$GEN"
  ip netns add "$CAP"
  ip -n "$GEN" link add glia1 type veth peer name glia0 netns "$CAP"
  ip -n "$GEN" link set glia1 up
  ip -n "$CAP" link set lo up
  ip -n "$CAP" link set glia0 up
}

bench_cleanup() {
  [ -f "$WORK/capture.pid" ] && kill "$(cat "$WORK/capture.pid")" 2>/dev/null || true
  ip netns del "$GEN" 2>/dev/null || true
  ip netns del "$CAP" 2>/dev/null || true
  rm -rf "$WORK"
}

# start_capture CONFIG_JSON: the capture's pid in $WORK/capture.pid (ip netns exec execs node).
start_capture() {
  ip netns exec "$CAP" node "$ROOT/bench/afpacket/capture.mjs" glia0 "$1" > "$WORK/capture.out" 2> "$WORK/capture.err" &
  echo $! > "$WORK/capture.pid"
  for _ in $(seq 300); do grep -q ready "$WORK/capture.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$WORK/capture.out" || { echo "capture did not start: $(cat "$WORK/capture.err")" >&2; exit 1; }
}

# stop_capture: SIGTERM, wait, and forget the pid.
stop_capture() {
  local pid
  pid=$(cat "$WORK/capture.pid")
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$WORK/capture.pid"
  sleep 0.2
}
