#!/usr/bin/env bash
# Records the demo capture bundled with the CLI (packages/cli/assets/demo.pcap) from real traffic
# between two network namespaces this script creates and removes: DNS answered by dnsmasq
# (including a CNAME to a name under evil.com), HTTP served by nginx, Redis, and a small TCP
# connect scan with nmap. Needs root and: dnsmasq nginx-light redis-server dnsutils curl nmap tcpdump.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-packages/cli/assets/demo.pcap}
work=$(mktemp -d)
client=glia-demo-client
server=glia-demo-server
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$client" 2>/dev/null || true
  ip netns del "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$client"
ip netns add "$server"
ip link add gdemo0 type veth peer name gdemo1
ip link set gdemo0 netns "$client"
ip link set gdemo1 netns "$server"
ip -n "$client" addr add 10.99.0.1/24 dev gdemo0
ip -n "$server" addr add 10.99.0.2/24 dev gdemo1
ip -n "$server" addr add 10.99.0.3/24 dev gdemo1
for ns in "$client" "$server"; do ip -n "$ns" link set lo up; done
ip -n "$client" link set gdemo0 up
ip -n "$server" link set gdemo1 up

ip netns exec "$server" tcpdump -i gdemo1 -U -s 0 -w "$work/demo.pcap" 'tcp or udp' 2>/dev/null &
pids+=($!)

ip netns exec "$server" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
  --listen-address=10.99.0.2 --pid-file="$work/dnsmasq.pid" \
  --host-record=api.shop.internal,10.99.0.2 --host-record=tracker.evil.com,10.99.0.3 \
  --cname=www.evil.com,tracker.evil.com 2>/dev/null &
pids+=($!)

cat >"$work/nginx.conf" <<CONF
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
  access_log off;
  server { listen 80; location / { return 200 "hello from \$server_addr\n"; } }
}
CONF
ip netns exec "$server" nginx -c "$work/nginx.conf" &
pids+=($!)
ip netns exec "$server" redis-server --bind 10.99.0.2 --port 6379 --save '' --appendonly no \
  --dir "$work" >/dev/null &
pids+=($!)
sleep 1.5

run() { ip netns exec "$client" "$@" >/dev/null 2>&1 || true; }
shop=$(ip netns exec "$client" dig +short @10.99.0.2 api.shop.internal A | tail -1)
run curl -s --max-time 3 -H 'Host: api.shop.internal' "http://$shop/"
run redis-cli -h 10.99.0.2 PING
run redis-cli -h 10.99.0.2 SET greeting hello
evil=$(ip netns exec "$client" dig +short @10.99.0.2 www.evil.com A | tail -1)
run curl -s --max-time 3 -H 'Host: www.evil.com' "http://$evil/"
run nmap -n -Pn -sT -p 1-60 --max-retries 0 10.99.0.2
run curl -s --max-time 3 -H 'Host: api.shop.internal' "http://$shop/again"
sleep 1

kill "${pids[0]}" 2>/dev/null || true
wait "${pids[0]}" 2>/dev/null || true
mkdir -p "$(dirname "$out")"
cp "$work/demo.pcap" "$out"
echo "wrote $out: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets"
