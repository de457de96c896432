import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeIp } from '@glia/core';
import { fixturesDir } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { replayAll } from './fixture-replay.js';

/**
 * suricata-verify's expectations (test.yaml of each test in ../shared/fixtures/expected) for the
 * tunnel captures: every inner TCP/UDP flow Suricata logs is a connection glia's events describe,
 * with the same endpoints; and the frames Suricata's decoder counts through the tunnel all decode
 * in glia to their inner IP layer (an ICMP payload is then "other transport", never undecodable).
 */
interface FlowCheck {
  proto: string;
  src_ip: string;
  dest_ip: string;
  src_port?: number;
  dest_port?: number;
}

const TUNNEL_TESTS = [
  'sv_bug-4571-01_ipv4_over_ipv4.pcap',
  'sv_bug-4571-03_ipv6_over_ipv6.pcap',
  'sv_bug-4571-04_ipv6_over_ipv4.pcap',
  'sv_bug-4571-06_ipv4_over_ipv6.pcap',
  'sv_decode-erspan-typeI-02_input.pcap',
  'zeek_tunnels_gre-sample.pcap',
];

/** Suricata writes IPv6 addresses uncompressed (2001:0db8:…); glia writes RFC 5952 text. */
const canonical = (ip: string): string => normalizeIp(ip) ?? ip;

const fixtures = fixturesDir();
const expected = fixtures === null ? null : join(fixtures, 'expected', 'suricata-verify');
const cases =
  expected === null
    ? []
    : TUNNEL_TESTS.filter((t) => existsSync(join(expected, t, 'test.yaml'))).map((capture) => {
        const test = parse(readFileSync(join(expected, capture, 'test.yaml'), 'utf8')) as {
          checks: Array<{ filter?: { match: Record<string, unknown> }; stats?: Record<string, number> }>;
        };
        const flows = test.checks
          .map((c) => c.filter?.match)
          .filter(
            (m): m is Record<string, unknown> =>
              m?.event_type === 'flow' && (m.proto === 'TCP' || m.proto === 'UDP'),
          )
          .map((m) => m as unknown as FlowCheck);
        const stats = test.checks.find((c) => c.stats !== undefined)?.stats ?? null;
        const ssh = test.checks
          .map((c) => c.filter?.match)
          .filter((m): m is Record<string, unknown> => m?.event_type === 'ssh');
        return { capture, flows, stats, ssh };
      });

describe.runIf(cases.length > 0)("glia's tunnel decoding agrees with suricata-verify", () => {
  it('has every tunnel test', () => expect(cases).toHaveLength(TUNNEL_TESTS.length));

  it.each(cases)('$capture', async ({ capture, flows, stats, ssh }) => {
    const { events, summary } = await replayAll(join(fixtures as string, 'pcaps', capture));
    expect(summary.logic.decoder.counters.undecodableByReason()).toEqual({});
    const pairs = new Set(events.map(({ event: e }) => [e.proto, [e.src, e.dst].sort().join(' ')].join(' ')));
    for (const f of flows) {
      expect(pairs, JSON.stringify(f)).toContain(
        [f.proto.toLowerCase(), [canonical(f.src_ip), canonical(f.dest_ip)].sort().join(' ')].join(' '),
      );
    }
    if (stats?.['decoder.erspan'] !== undefined) {
      // Every ERSPAN frame decoded through GRE and ERSPAN to its inner ICMP packet.
      expect(summary.logic.decoder.counters.ignoredByKind()).toEqual({
        other_transport: stats['decoder.erspan'],
      });
    }
    // An SSH event names both sides' versions: glia's banners of the tunnelled connection carry them.
    const banners = events
      .filter((e) => e.topic === 'banner')
      .map((e) => new TextDecoder().decode((e.event as { payload: Uint8Array }).payload).trim());
    for (const m of ssh) {
      expect(banners).toContain(
        `SSH-${String(m['ssh.client.proto_version'])}-${String(m['ssh.client.software_version'])}`,
      );
      expect(banners).toContain(
        `SSH-${String(m['ssh.server.proto_version'])}-${String(m['ssh.server.software_version'])}`,
      );
    }
    expect(flows.length + ssh.length > 0 || stats !== null).toBe(true);
  });
});
