#!/usr/bin/env bash
# The service-graph benchmark with both stores: SQLite, then a throwaway PostgreSQL server started
# here (Debian's postgresql, in a temporary directory, on a free loopback port, as the postgres user
# when run as root) and removed at the end. Arguments go to run.mjs (e.g. --agents 100 --edges 5000).
set -euo pipefail
cd "$(dirname "$0")/../.."
uptime
node bench/service-graph/run.mjs --store sqlite "$@"

BIN=/usr/lib/postgresql/15/bin
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL at $BIN: skipping its run"; exit 0; }
dir=$(mktemp -d /tmp/glia-bench-pg-XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
as_pg "$BIN/initdb" -D "$dir/data" -A trust -U glia --no-sync -E UTF8 --locale C >/dev/null
as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_pg "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null; rm -rf "$dir"' EXIT
uptime
node bench/service-graph/run.mjs --store "postgres://glia@127.0.0.1:$port/postgres" "$@"
