import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** One identity record (DESIGN §7 keys) at one address. */
export interface IdentityEntry {
  ip: string;
  workload?: string;
  namespace?: string;
  app?: string;
  labels?: Record<string, string>;
  internet_exposed?: number;
  control_plane?: number;
}

/** Whether MaxMind's own writer (Perl) and reader (mmdblookup) are installed; CI must have them. */
export function hasMmdbTools(): boolean {
  const writer = spawnSync('perl', ['-MMaxMind::DB::Writer::Tree', '-e', '1']).status === 0;
  const reader = spawnSync('sh', ['-c', 'command -v mmdblookup']).status === 0;
  if ((!writer || !reader) && process.env.CI === 'true')
    throw new Error('libmaxmind-db-writer-perl and mmdb-bin must be installed (.ci/run installs them)');
  if (!writer || !reader)
    console.warn('SKIPPING identity-baseline tests: libmaxmind-db-writer-perl or mmdb-bin missing');
  return writer && reader;
}

const WRITER = String.raw`
use strict; use warnings;
use JSON::PP; use MaxMind::DB::Writer::Tree;
my ($out, $json) = @ARGV;
local $/; open(my $in, '<', $json) or die $!; my $entries = decode_json(<$in>);
my %types = (workload => 'utf8_string', namespace => 'utf8_string', app => 'utf8_string',
  internet_exposed => 'uint32', control_plane => 'uint32', labels => 'map');
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6, record_size => 28, database_type => 'glia-identity',
  languages => ['en'], description => { en => 'glia test identity baseline' },
  map_key_type_callback => sub { $types{$_[0]} // 'utf8_string' },
  merge_strategy => 'none', remove_reserved_networks => 0);
for my $e (@$entries) {
  my $ip = delete $e->{ip};
  my $prefix = $ip =~ /:/ ? "$ip/128" : "$ip/32";
  $tree->insert_network($prefix, $e);
}
open(my $fh, '>:raw', $out) or die $!; $tree->write_tree($fh); close $fh;
`;

/** Writes an identity baseline with MaxMind's own writer, one record per /32 or /128. */
export function writeIdentityMmdb(path: string, entries: readonly IdentityEntry[]): void {
  const json = `${path}.json`;
  writeFileSync(json, JSON.stringify(entries));
  execFileSync('perl', ['-e', WRITER, path, json], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What libmaxminddb's mmdblookup reads at an address under a key path ("labels tier"), or null. */
export function mmdbLookup(path: string, ip: string, keyPath: string): string | null {
  const r = spawnSync('mmdblookup', ['--file', path, '--ip', ip, ...keyPath.split(' ')], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  const m = /"([^"]*)" <utf8_string>|(\d+) <uint32>/.exec(r.stdout);
  return m === null ? null : (m[1] ?? m[2]);
}
