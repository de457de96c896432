#!/usr/bin/env bash
# Peers of bench/identity/run.mjs on the data it writes to /tmp (run that first): MaxMind's Perl
# writer building the same records, and lookups/s of the same file glia wrote through libmaxminddb
# (C) from Python (python3-maxminddb, MODE_MMAP_EXT) and from Perl (libmaxmind-db-reader-xs-perl),
# and through MaxMind's pure-Perl reader (libmaxmind-db-reader-perl). The same probes as run.mjs:
# 90 % known addresses in a scattered order, 10 % unknown. Debian packages:
#   libmaxmind-db-writer-perl libmaxmind-db-reader-perl libmaxmind-db-reader-xs-perl python3-maxminddb
# (MaxMind::DB::Reader loads the XS reader when it is installed: the pure-Perl one is named here.)
set -euo pipefail
cd "$(dirname "$0")/../.."
json=/tmp/glia-bench-identity.json
mmdb=/tmp/glia-bench-identity.mmdb
[ -f "$json" ] || { echo "run node bench/identity/run.mjs first" >&2; exit 2; }
perl -MJSON::PP -MMaxMind::DB::Writer::Tree -MTime::HiRes=time -e '
  local $/; open my $f, "<", $ARGV[0] or die; my $e = decode_json(<$f>);
  my %t = (namespace => "utf8_string", workload => "utf8_string", app => "utf8_string", labels => "map",
           internet_exposed => "uint32", control_plane => "uint32");
  my $t0 = time;
  my $tree = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 28, database_type => "perl-bench",
    languages => ["en"], description => { en => "bench" }, remove_reserved_networks => 0,
    map_key_type_callback => sub { $t{$_[0]} // "utf8_string" });
  $tree->insert_network($_->{network}, $_->{record}) for @$e;
  open my $o, ">:raw", "/tmp/glia-bench-perl.mmdb" or die; $tree->write_tree($o); close $o;
  printf "build MMDB (MaxMind::DB::Writer, Perl/XS), %d records        %.2f s, %.1f MiB\n", scalar @$e, time - $t0, (-s "/tmp/glia-bench-perl.mmdb") / 1048576;
' "$json"
/usr/bin/python3 - "$mmdb" <<'PY'
import sys, time, maxminddb
r = maxminddb.open_database(sys.argv[1], maxminddb.MODE_MMAP_EXT)
ips = []
for i in range(65536):
    k = (i * 7919) % 100000
    ips.append(f"192.168.{(i >> 8) & 255}.{i & 255}" if i % 10 == 9 else f"10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}")
n = 1_000_000
t = time.perf_counter()
found = 0
for i in range(n):
    if r.get(ips[i & 65535]) is not None:
        found += 1
s = time.perf_counter() - t
print(f"baseline lookup (libmaxminddb C via python3-maxminddb)       {n / s / 1e6:.2f} M/s  ({n} in {s:.2f} s)")
PY
for reader in MaxMind::DB::Reader::XS MaxMind::DB::Reader::PP; do
  perl -M"$reader" -MTime::HiRes=time -e '
    my ($file, $class) = @ARGV;
    my $r = $class->new(file => $file);
    my $n = $class =~ /XS/ ? 1000000 : 5000; my @ips;
    for my $i (0 .. 65535) { my $k = ($i * 7919) % 100000; push @ips, $i % 10 == 9 ? "192.168." . (($i >> 8) & 255) . "." . ($i & 255) : "10." . (($k >> 16) & 255) . "." . (($k >> 8) & 255) . "." . ($k & 255); }
    my $t0 = time; my $found = 0;
    for my $i (0 .. $n - 1) { $found++ if defined $r->record_for_address($ips[$i & 65535]); }
    my $s = time - $t0;
    printf "baseline lookup (%s, Perl)%s %.3f M/s  (%d in %.2f s)\n", $class, " " x (34 - length $class), $n / $s / 1e6, $n, $s;
  ' "$mmdb" "$reader"
done
# glia's reader on the same file and probes, in the same run, for a side-by-side figure.
node --input-type=module - "$mmdb" <<'JS'
import { readFileSync } from 'node:fs';
import { IdentityBaseline } from './packages/enricher-identity/dist/index.js';
const baseline = new IdentityBaseline(readFileSync(process.argv[2]), 'bench');
const ips = Array.from({ length: 65536 }, (_, i) => {
  const k = (i * 7919) % 100000;
  return i % 10 === 9 ? `192.168.${(i >> 8) & 255}.${i & 255}` : `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
});
const n = 1_000_000;
let found = 0;
for (let i = 0; i < 10_000; i++) baseline.lookup(ips[i]);
const t = performance.now();
for (let i = 0; i < n; i++) if (baseline.lookup(ips[i & 65535]) !== null) found++;
const s = (performance.now() - t) / 1000;
console.log(`baseline lookup (glia: mmdb-lib, records decoded once)      ${(n / s / 1e6).toFixed(2)} M/s  (${n} in ${s.toFixed(2)} s)`);
JS
