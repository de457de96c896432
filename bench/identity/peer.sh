#!/usr/bin/env bash
# MaxMind's Perl writer and reader (Debian libmaxmind-db-writer-perl, libmaxmind-db-reader-perl) on
# the data bench/identity/run.mjs writes to /tmp (run that first): build time of the same records,
# and lookups/s of the same file glia wrote.
set -euo pipefail
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
perl -MMaxMind::DB::Reader -MTime::HiRes=time -e '
  my $r = MaxMind::DB::Reader->new(file => $ARGV[0]);
  my $n = 200000; my @ips;
  for my $i (0 .. 65535) { my $k = ($i * 7919) % 100000; push @ips, $i % 10 == 9 ? "192.168." . (($i >> 8) & 255) . "." . ($i & 255) : "10." . (($k >> 16) & 255) . "." . (($k >> 8) & 255) . "." . ($k & 255); }
  my $t0 = time; my $found = 0;
  for my $i (0 .. $n - 1) { $found++ if defined $r->record_for_address($ips[$i & 65535]); }
  my $s = time - $t0;
  printf "baseline lookup (MaxMind::DB::Reader, Perl), same file       %.3f M/s  (%d in %.2f s)\n", $n / $s / 1e6, $n, $s;
' "$mmdb"
