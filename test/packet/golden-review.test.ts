import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { fixtureCaptures } from './fixture-replay.js';
import { innermost } from '../support/tshark-fields.js';

/**
 * The review of the golden files (test/packet/golden/*.jsonl) against tshark: every line of every
 * golden file, not glia's code, is checked against the packet tshark decodes at the same instant
 * (frame.time_epoch to the nanosecond) with the same inner endpoints: conn lines field by field
 * (TCP flags, TTL or hop limit, window, raw options, MSS, window scale), banner and segment
 * payloads byte for byte, UDP dns messages byte for byte, flow lines by endpoints and protocol.
 * golden.test.ts then holds glia's output to these reviewed files. The review is described in
 * test/packet/golden/README.md.
 */
const fixtures = fixturesDir();
const tshark = fixtures !== null && hasTool('tshark');
const GOLDEN = join(import.meta.dirname, 'golden');
const FIELDS = [
  'frame.time_epoch',
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.ttl',
  'ipv6.hlim',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'tcp.flags',
  'tcp.window_size_value',
  'tcp.options',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  'tcp.payload',
  'udp.payload',
  'ip.flags.mf',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;
type Line = Record<string, string | number>;

const nanos = (epoch: string): string => {
  const [s, f = ''] = epoch.split('.');
  return (BigInt(s) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9))).toString();
};

/** The packet's innermost layer as tshark reads it, in the golden lines' terms. */
function inner(r: Row): {
  proto: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  ttl: number;
} {
  const layers = r['frame.protocols'].split(':');
  const v6 = layers.lastIndexOf('ipv6') > layers.lastIndexOf('ip');
  const tcp = layers.lastIndexOf('tcp') > layers.lastIndexOf('udp');
  return {
    proto: tcp ? 'tcp' : 'udp',
    src: innermost(v6 ? r['ipv6.src'] : r['ip.src']),
    dst: innermost(v6 ? r['ipv6.dst'] : r['ip.dst']),
    sport: Number(innermost(tcp ? r['tcp.srcport'] : r['udp.srcport'])),
    dport: Number(innermost(tcp ? r['tcp.dstport'] : r['udp.dstport'])),
    ttl: Number(innermost(v6 ? r['ipv6.hlim'] : r['ip.ttl'])),
  };
}

const totals: Record<string, number> = {};

describe.skipIf(!tshark)('golden files reviewed against tshark', () => {
  it.each(fixtures === null ? [] : fixtureCaptures(fixtures))('%s', (capture) => {
    const lines = readFileSync(join(GOLDEN, `${capture}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
    const rows = tsharkFields(
      join(fixtures as string, 'pcaps', capture),
      FIELDS,
      '(tcp || udp || ip.flags.mf == 1) && !icmp && !icmpv6',
    ).map((values) => Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Row);
    const byTime = new Map<string, Row[]>();
    for (const r of rows)
      byTime.set(nanos(r['frame.time_epoch']), [...(byTime.get(nanos(r['frame.time_epoch'])) ?? []), r]);
    for (const line of lines) {
      const where = `${capture}: ${JSON.stringify(line).slice(0, 160)}`;
      const candidates = (byTime.get(String(line.ts)) ?? []).filter((r) => {
        const i = inner(r);
        // The first fragment of a datagram: tshark decodes its UDP header only once reassembled,
        // glia reads it from the first fragment (DESIGN §3), so only the addresses can agree.
        if (r['ip.flags.mf'].split(',').at(-1) === '1' && i.sport === 0)
          return (
            [innermost(r['ip.src']), innermost(r['ip.dst'])].sort().join(' ') ===
            [line.src, line.dst].sort().join(' ')
          );
        const forward =
          i.src === line.src && i.dst === line.dst && i.sport === line.sport && i.dport === line.dport;
        // Flow lines are oriented client → server whichever way their packet went.
        const backward =
          i.src === line.dst && i.dst === line.src && i.sport === line.dport && i.dport === line.sport;
        return i.proto === line.proto && (forward || (line.topic === 'flow' && backward));
      });
      expect(candidates.length, `${where}: no packet at that time with those endpoints`).toBeGreaterThan(0);
      // Several packets may share a timestamp (mirrored copies): one of them must agree in full.
      const agrees = (r: Row): unknown => {
        switch (line.topic) {
          case 'conn':
            return {
              flags: Number(r['tcp.flags']) & 0xff,
              ttl: inner(r).ttl,
              window: Number(r['tcp.window_size_value']),
              options: r['tcp.options'],
              mss: r['tcp.options.mss_val'] === '' ? undefined : Number(innermost(r['tcp.options.mss_val'])),
              wscale:
                r['tcp.options.wscale.shift'] === ''
                  ? undefined
                  : Number(innermost(r['tcp.options.wscale.shift'])),
            };
          case 'banner':
            return r['tcp.payload'].slice(0, 512);
          case 'segment':
            return r['tcp.payload'].includes(String(line.payload)) ? line.payload : r['tcp.payload'];
          case 'dns':
            return line.proto === 'udp' && r['udp.payload'] !== ''
              ? r['udp.payload'].split(',').at(-1)
              : line.message;
          default:
            return 'flow';
        }
      };
      const mine =
        line.topic === 'conn'
          ? {
              flags: line.flags,
              ttl: line.ttl,
              window: line.window,
              options: line.options,
              mss: line.mss,
              wscale: line.wscale,
            }
          : line.topic === 'banner' || line.topic === 'segment'
            ? line.payload
            : line.topic === 'dns'
              ? line.message
              : 'flow';
      const seen = candidates.map(agrees);
      expect(seen, where).toContainEqual(mine);
      totals[String(line.topic)] = (totals[String(line.topic)] ?? 0) + 1;
    }
  });

  it('reviewed every kind of line', () => {
    console.log(`golden review: ${JSON.stringify(totals)}`);
    for (const topic of ['conn', 'banner', 'segment', 'flow', 'dns'])
      expect(totals[topic], topic).toBeGreaterThan(0);
  });
});
