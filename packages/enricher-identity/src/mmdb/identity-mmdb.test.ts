import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIPv4, parseCidr, type Cidr } from '@glia/core';
import { hasTool, seededRandom } from '@glia/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { networkText } from '../inventory/network-text.js';
import type { IdentityRecord } from '../record/identity-record.js';
import { buildIdentityMmdb, IdentityBaseline } from './identity-mmdb.js';
import { MmdbWriter, NetworkOverlapError } from './mmdb-writer.js';

const work = mkdtempSync(join(tmpdir(), 'glia-mmdb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Entry {
  network: Cidr;
  record: IdentityRecord;
}

/** A random inventory of non-overlapping networks: IPv4 hosts, IPv4 /24s, IPv6 hosts and /64s. */
function randomInventory(seed: number, count: number): Entry[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const used = new Set<string>();
  const entries: Entry[] = [];
  while (entries.length < count) {
    const n = Math.floor(random() * 65_536);
    const kind = pick(['v4host', 'v4host', 'v4net', 'v6host', 'v6net'] as const);
    const text =
      kind === 'v4host'
        ? formatIPv4((10 << 24) + n * 7 + 1)
        : kind === 'v4net'
          ? `172.${16 + (n & 15)}.${n >> 8}.0/24`
          : kind === 'v6host'
            ? `2001:db8::${n.toString(16)}:1`
            : `2001:db8:${n.toString(16)}::/64`;
    if (used.has(text)) continue;
    used.add(text);
    const labels = new Map<string, string>();
    for (let i = Math.floor(random() * 4); i > 0; i--)
      labels.set(
        pick(['app', 'tier', 'team', 'k8s.io/part-of', 'zone']),
        pick(['web', 'db', 'zürich', 'a b', '']),
      );
    const record: IdentityRecord = {
      namespace: pick(['shop', 'payments', 'kube-system', 'default']),
      workload: `${pick(['frontend', 'api', 'redis', 'coredns'])}-${n % 7}`,
      labels,
      internet_exposed: random() < 0.3,
      control_plane: random() < 0.2,
    };
    if (random() < 0.7) record.app = pick(['frontend', 'api', 'redis', 'dns']);
    entries.push({ network: parseCidr(text) as Cidr, record });
  }
  return entries;
}

/** Reads mmdblookup's dump ("value <type>" lines, maps in braces) back into plain values. */
function parseMmdblookup(output: string): unknown {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let i = 0;
  const value = (): unknown => {
    const line = lines[i++];
    if (line === '{') {
      const map: Record<string, unknown> = {};
      while (lines[i] !== '}') {
        const key = /^"(.*)":$/.exec(lines[i++]);
        if (key === null) throw new Error(`expected a key at ${lines[i - 1]}`);
        map[key[1]] = value();
      }
      i++;
      return map;
    }
    const scalar = /^(.*) <(\w+)>$/.exec(line);
    if (scalar === null) throw new Error(`cannot read mmdblookup line ${JSON.stringify(line)}`);
    const [, text, type] = scalar;
    if (type === 'utf8_string') return text.slice(1, -1);
    if (type === 'boolean') return text === 'true';
    return Number(text);
  };
  return value();
}

/** The record as the file should hold it (DESIGN §7 keys; absent app stays absent). */
function expectedData(record: IdentityRecord): Record<string, unknown> {
  const data: Record<string, unknown> = {
    namespace: record.namespace,
    workload: record.workload,
    labels: Object.fromEntries(record.labels),
    internet_exposed: record.internet_exposed,
    control_plane: record.control_plane,
  };
  if (record.app !== undefined) data.app = record.app;
  return data;
}

/** One address inside each network, and its expected prefix length in an IPv6 tree. */
function probe(network: Cidr): { ip: string; treePrefix: number } {
  const text = networkText(network).split('/')[0];
  const ip =
    network.prefix === (network.family === 4 ? 32 : 128)
      ? text
      : text.replace(/0$/, '9').replace(/::$/, '::9');
  return { ip, treePrefix: network.family === 4 ? 96 + network.prefix : network.prefix };
}

describe.runIf(hasTool('mmdblookup'))('an MMDB written by glia, read by libmaxminddb (mmdblookup)', () => {
  const entries = randomInventory(0x9e11, 160);
  for (const recordSize of [24, 28, 32] as const) {
    it(`reads every record back right with ${recordSize}-bit records`, () => {
      const file = join(work, `glia-${recordSize}.mmdb`);
      writeFileSync(file, buildIdentityMmdb(entries, { recordSize }));
      // One shell for every lookup: a process per address would dominate the test's time.
      const probes = entries.map((e) => probe(e.network));
      const script = probes
        .map((p) => `echo "=== ${p.ip}"; mmdblookup --verbose --file "$1" --ip ${p.ip}`)
        .join('\n');
      const out = execFileSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const sections = out.split(/^=== .*$/m).slice(1);
      expect(sections).toHaveLength(entries.length);
      sections.forEach((section, i) => {
        expect(section).toMatch(new RegExp(`Record size:\\s+${recordSize} bits`));
        expect(section).toMatch(/Type:\s+glia-identity/);
        const prefix = /Record prefix length: (\d+)/.exec(section);
        expect(Number(prefix?.[1]), probes[i].ip).toBe(probes[i].treePrefix);
        const data = section.slice(section.indexOf('Record prefix length'));
        expect(parseMmdblookup(data.slice(data.indexOf('\n'))), probes[i].ip).toEqual(
          expectedData(entries[i].record),
        );
      });
      // Addresses outside every network are not found.
      for (const ip of ['10.0.0.0', '192.168.1.1', '2001:db9::1']) {
        const miss = spawnSync('mmdblookup', ['--file', file, '--ip', ip], { encoding: 'utf8' });
        expect(miss.stdout + miss.stderr).toMatch(/Could not find an entry/);
      }
    });
  }
});

describe.runIf(hasTool('mmdblookup'))('an MMDB whose data section passes 2^24 bytes', () => {
  it('picks 28-bit records and points past 16 MiB with the middle nibbles (read by mmdblookup)', () => {
    // Five records of 4 MiB each: the last ones sit past 2^24 bytes, where a 28-bit record's
    // high nibble (the shared middle byte of a node) matters.
    const entries = Array.from({ length: 5 }, (_, i) => ({
      network: parseCidr(i < 3 ? `10.0.0.${i + 1}` : `2001:db8::${i}`) as Cidr,
      record: {
        namespace: `ns${i}`,
        workload: 'w',
        labels: new Map([['pad', String.fromCharCode(97 + i).repeat(4 << 20)]]),
        internet_exposed: false,
        control_plane: i % 2 === 1,
      } satisfies IdentityRecord,
    }));
    const file = join(work, 'big.mmdb');
    writeFileSync(file, buildIdentityMmdb(entries));
    for (const [i, ip] of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '2001:db8::3', '2001:db8::4'].entries()) {
      const out = execFileSync('mmdblookup', ['--verbose', '--file', file, '--ip', ip, 'namespace'], {
        encoding: 'utf8',
      });
      expect(out).toMatch(/Record size:\s+28 bits/);
      expect(out, ip).toContain(`"ns${i}" <utf8_string>`);
    }
  });
});

/**
 * MaxMind's own Perl writer (Debian libmaxmind-db-writer-perl) builds the file; glia reads it.
 * Reserved networks are kept (the writer drops 10/8 and friends by default) and IPv4 goes in ::/96.
 */
const PERL_WRITER = String.raw`
use strict; use warnings;
use JSON::PP; use MaxMind::DB::Writer::Tree;
my ($in, $out, $size) = @ARGV;
open my $fh, '<', $in or die; local $/; my $entries = decode_json(<$fh>);
my %types = (namespace => 'utf8_string', workload => 'utf8_string', app => 'utf8_string',
  labels => 'map', internet_exposed => 'boolean', control_plane => 'uint32');
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6, record_size => $size, database_type => 'perl-identity', languages => ['en'],
  description => { en => 'written by MaxMind::DB::Writer' }, remove_reserved_networks => 0,
  map_key_type_callback => sub { $types{$_[0]} // 'utf8_string' });
for my $e (@$entries) {
  my $r = $e->{record};
  $r->{internet_exposed} = $r->{internet_exposed} ? 1 : 0;
  $r->{control_plane} = $r->{control_plane} ? 1 : 0;
  $tree->insert_network($e->{network}, $r);
}
open my $o, '>:raw', $out or die; $tree->write_tree($o); close $o;
`;

/** The network as the Perl writer takes it in an IPv6 tree: IPv4 as ::a.b.c.d/(96 + prefix). */
function perlNetwork(network: Cidr): string {
  const address = networkText({ ...network, prefix: network.family === 4 ? 32 : 128 });
  return network.family === 4 ? `::${address}/${96 + network.prefix}` : `${address}/${network.prefix}`;
}

function hasPerlWriter(): boolean {
  const found = spawnSync('perl', ['-MMaxMind::DB::Writer::Tree', '-e', '1']).status === 0;
  if (!found && process.env.CI === 'true')
    throw new Error(
      'MaxMind::DB::Writer::Tree is missing; scripts/setup.sh must install libmaxmind-db-writer-perl',
    );
  if (!found) console.warn('SKIPPING the Perl-writer test: libmaxmind-db-writer-perl is not installed');
  return found;
}

describe.runIf(hasPerlWriter())('an MMDB written by MaxMind::DB::Writer (Perl), read by glia', () => {
  const entries = randomInventory(0x5eed, 160);
  for (const recordSize of [24, 28, 32] as const) {
    it(`reads every record right with ${recordSize}-bit records`, () => {
      const input = join(work, `perl-${recordSize}.json`);
      const file = join(work, `perl-${recordSize}.mmdb`);
      const script = join(work, 'write.pl');
      writeFileSync(script, PERL_WRITER);
      writeFileSync(
        input,
        JSON.stringify(
          entries.map((e) => ({ network: perlNetwork(e.network), record: expectedData(e.record) })),
        ),
      );
      execFileSync('perl', [script, input, file, String(recordSize)]);
      const baseline = new IdentityBaseline(readFileSync(file), file);
      expect(baseline.databaseType).toBe('perl-identity');
      for (const e of entries) {
        const { ip } = probe(e.network);
        const found = baseline.lookup(ip);
        expect(found?.record, ip).toEqual(e.record);
        expect(found?.prefix, ip).toBe(e.network.prefix);
      }
      expect(baseline.lookup('10.0.0.0')).toBeNull();
      expect(baseline.badRecords).toBe(0);
    });
  }
});

describe('MmdbWriter', () => {
  const record: IdentityRecord = {
    namespace: 'a',
    workload: 'b',
    labels: new Map(),
    internet_exposed: false,
    control_plane: false,
  };
  const cases: Array<[string, string, string, RegExp]> = [
    ['a host inside a network', '10.0.0.0/24', '10.0.0.5', /inside a network/],
    ['a network around a host', '10.0.0.5', '10.0.0.0/24', /contains a network/],
    ['the same host twice', '10.0.0.5', '10.0.0.5', /twice/],
    ['IPv6 overlap', '2001:db8::/64', '2001:db8::1', /inside/],
  ];
  it.each(cases)('refuses %s', (_name, first, second, message) => {
    const build = (): Buffer =>
      buildIdentityMmdb([
        { network: parseCidr(first) as Cidr, record },
        { network: parseCidr(second) as Cidr, record },
      ]);
    expect(build).toThrow(NetworkOverlapError);
    expect(build).toThrow(message);
  });

  it('stores identical records once', () => {
    const one = buildIdentityMmdb([{ network: parseCidr('10.0.0.1') as Cidr, record }]);
    const many = buildIdentityMmdb(
      Array.from({ length: 50 }, (_, i) => ({ network: parseCidr(`10.0.${i}.1`) as Cidr, record })),
    );
    const dataSize = (b: Buffer, nodes: number): number =>
      b.indexOf(Buffer.from('abcdef', 'hex')) - nodes * 6 - 16;
    expect(dataSize(many, new IdentityBaseline(many, 'm').nodeCount)).toBe(
      dataSize(one, new IdentityBaseline(one, 'o').nodeCount),
    );
  });

  it('counts a record that is not an identity as unknown, saying why', () => {
    const writer = new MmdbWriter({ databaseType: 'GeoLite2-Country' });
    writer.insert(parseCidr('10.0.0.1') as Cidr, { country: { iso_code: 'CH' } });
    writer.insert(parseCidr('10.0.0.2') as Cidr, { namespace: 'a', workload: 'b' });
    const baseline = new IdentityBaseline(writer.toBuffer(), 'geo.mmdb');
    expect(baseline.lookup('10.0.0.1')).toBeNull();
    expect(baseline.badRecords).toBe(1);
    expect(baseline.lastProblem).toMatch(/^geo\.mmdb: record of 10\.0\.0\.1: unknown key "country"/);
    expect(baseline.lookup('10.0.0.2')?.record.workload).toBe('b');
    expect(baseline.lookup('not an ip')).toBeNull();
  });

  it('refuses a file that is not an MMDB, naming it', () => {
    expect(() => new IdentityBaseline(Buffer.from('hello'), '/x/identity.mmdb')).toThrow(
      /\/x\/identity\.mmdb: not a MaxMind DB file/,
    );
  });
});
