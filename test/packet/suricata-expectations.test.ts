import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeIp, type DnsEvent } from '@glia/core';
import { fixturesDir, hasTool, tsharkFields } from '@glia/core/testing';
import { HelloAssembler } from '@glia/enricher-tls';
import { DecodedPacket, PacketDecoder, readCaptureFile } from '@glia/packet';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ofTopic, replayAll, type TopicEvent } from './fixture-replay.js';

/**
 * suricata-verify's test.yaml checks (../shared/fixtures/expected/suricata-verify) that are not
 * about tunnels (suricata-tunnels.test.ts has those): DNS responses by value (ids, endpoints,
 * questions, answers with TTLs), the TLS SNI of a ClientHello split over segments, the SSH and NTP
 * sessions and DNS answers inside AWS VXLAN mirroring, and VXLAN with reserved bits set. Each check
 * is read from the yaml and compared with glia's capture events; checks glia has no counterpart for
 * are listed with the reason in SKIPPED_CHECKS, so that none is dropped silently.
 */
type Match = Record<string, unknown>;
interface Check {
  count: number;
  match: Match;
}

const fixtures = fixturesDir();
const expected = fixtures === null ? null : join(fixtures, 'expected', 'suricata-verify');
const canonical = (ip: unknown): string => normalizeIp(String(ip)) ?? String(ip);

function checks(capture: string): Check[] {
  const test = parse(readFileSync(join(expected as string, capture, 'test.yaml'), 'utf8')) as {
    checks: Array<{ filter?: { count: number; match: Match; requires?: { 'lt-version'?: number } } }>;
  };
  // Checks for Suricata before 8 describe an older eve format: the newest apply.
  return test.checks
    .map((c) => c.filter)
    .filter((f): f is NonNullable<typeof f> => f !== undefined && f.requires?.['lt-version'] === undefined)
    .map((f) => ({ count: f.count, match: f.match }));
}

/** glia's DNS response in Suricata's eve shape, for the keys test.yaml names. */
function eveDns(e: DnsEvent): Match {
  const m = dnsPacket.decode(Buffer.from(e.message));
  const eve: Match = {
    event_type: 'dns',
    src_ip: e.src,
    src_port: e.sport,
    dest_ip: e.dst,
    dest_port: e.dport,
    proto: e.proto.toUpperCase(),
    'dns.type': m.type,
    'dns.id': m.id,
  };
  (m.questions ?? []).forEach((q, i) => {
    eve[`dns.queries[${i}].rrname`] = q.name;
    eve[`dns.queries[${i}].rrtype`] = q.type;
  });
  (m.answers ?? []).forEach((a, i) => {
    eve[`dns.answers[${i}].rrname`] = a.name;
    eve[`dns.answers[${i}].rrtype`] = a.type;
    if ('ttl' in a) eve[`dns.answers[${i}].ttl`] = a.ttl;
    if ('data' in a && typeof a.data === 'string') eve[`dns.answers[${i}].rdata`] = a.data;
  });
  return eve;
}

/** Keys of a match glia's events cannot carry: the capture counter, flow and alert bookkeeping. */
const UNCOMPARABLE = new Set(['pcap_cnt']);

function matches(eve: Match, match: Match): boolean {
  return Object.entries(match).every(([key, want]) => {
    if (UNCOMPARABLE.has(key)) return true;
    const got = eve[key];
    if (key.endsWith('_ip')) return got !== undefined && canonical(got) === canonical(want);
    return got === want;
  });
}

const dnsEvents = (events: TopicEvent[]): Match[] => ofTopic(events, 'dns').map(eveDns);

const tshark = fixtures !== null && hasTool('tshark');
const has = (capture: string): boolean =>
  expected !== null && existsSync(join(expected, capture, 'test.yaml'));

describe.runIf(fixtures !== null)('glia agrees with suricata-verify checks beyond tunnels', () => {
  it.each([
    'sv_dns-forward-pointer_input.pcap',
    'sv_20250224-dns-additionals-with-cname.pcap',
    'sv_dns-udp-eve-log-answer-only_dns-udp-google.com-a-aaaa-mx.pcap',
  ])('%s: DNS responses by value', async (capture) => {
    expect(has(capture)).toBe(true);
    const dns = dnsEvents((await replayAll(join(fixtures as string, 'pcaps', capture))).events);
    const responseChecks = checks(capture).filter(
      (c) => c.match['dns.type'] === 'response' && c.match.event_type !== 'alert',
    );
    expect(responseChecks.length).toBeGreaterThan(0);
    for (const c of responseChecks)
      expect(dns.filter((d) => matches(d, c.match)).length, JSON.stringify(c.match)).toBe(c.count);
    // Requests: glia's dns topic carries responses only (DESIGN §3), so none may match.
    for (const c of checks(capture).filter((c) => c.match['dns.type'] === 'request'))
      expect(dns.filter((d) => matches(d, c.match))).toEqual([]);
  });

  it('sv_tls-client-hello-frag-01_dump_mtu300.pcap: the SNI of a ClientHello split over three segments', async () => {
    const capture = 'sv_tls-client-hello-frag-01_dump_mtu300.pcap';
    const sniChecks = checks(capture).filter((c) => c.match.event_type === 'tls');
    expect(sniChecks).toHaveLength(1);
    const { events } = await replayAll(join(fixtures as string, 'pcaps', capture));
    const assembler = new HelloAssembler(16);
    const names: string[] = [];
    for (const { topic, event } of events) {
      if (topic !== 'banner' && topic !== 'segment') continue;
      const e = event as TopicEvent<'segment'>['event'];
      if (e.sender !== 'client') continue;
      const flow = `${e.src}:${e.sport}>${e.dst}:${e.dport}`;
      const result =
        topic === 'banner' ? assembler.banner(flow, e.payload) : assembler.segment(flow, e.offset, e.payload);
      if (result.status === 'hello') names.push(...result.hello.serverNames);
    }
    for (const c of sniChecks) expect(names.filter((n) => n === c.match['tls.sni'])).toHaveLength(c.count);
    expect(ofTopic(events, 'segment').length).toBeGreaterThan(0);
  });

  it.runIf(tshark)(
    'sv_vxlan-decoder-03_vxlan.pcap: SSH sessions, the NTP flow and DNS answers inside AWS mirroring',
    async () => {
      const capture = 'sv_vxlan-decoder-03_vxlan.pcap';
      const path = join(fixtures as string, 'pcaps', capture);
      const { events } = await replayAll(path);
      const all = checks(capture);
      // SSH: one eve event per session to port 22: glia's server banners saying SSH, one per connection.
      const ssh = all.find((c) => c.match.event_type === 'ssh');
      const sshServers = ofTopic(events, 'banner').filter(
        (b) =>
          b.sender === 'server' &&
          b.sport === ssh?.match.dest_port &&
          new TextDecoder().decode(b.payload).startsWith('SSH-'),
      );
      expect(new Set(sshServers.map((b) => `${b.dst}:${b.dport}`)).size).toBe(ssh?.count);
      // NTP: one UDP flow to port 123.
      const ntp = all.find((c) => c.match.app_proto === 'ntp');
      const ntpFlows = new Set(
        events
          .filter(({ event: e }) => e.proto === 'udp' && e.dport === ntp?.match.dest_port)
          .map(({ event: e }) => `${e.src}:${e.sport}`),
      );
      expect(ntpFlows.size).toBe(ntp?.count);
      // DNS: Suricata counts requests and responses with that question; tshark says how many are
      // requests; the rest are the responses glia's dns topic must carry, with that question.
      const dns = all.find((c) => c.match.event_type === 'dns');
      const name = String(dns?.match['dns.queries[0].rrname']);
      const requests = tsharkFields(
        path,
        ['dns.id'],
        `dns.flags.response == 0 && dns.qry.name == "${name}"`,
      ).length;
      const responses = dnsEvents(events).filter((d) => matches(d, dns?.match ?? {}));
      expect(requests).toBeGreaterThan(0);
      expect(responses.length).toBe((dns?.count ?? 0) - requests);
      for (const r of responses) expect(r['dns.type']).toBe('response');
    },
  );

  it('sv_vxlan-non-zero-reserved-fields_input.pcap: the inner flow and the VXLAN decoder count', async () => {
    const capture = 'sv_vxlan-non-zero-reserved-fields_input.pcap';
    const path = join(fixtures as string, 'pcaps', capture);
    const all = checks(capture);
    const { events } = await replayAll(path);
    const flow = all.find((c) => c.match.event_type === 'flow' && c.match.dest_port === 80);
    const conns = new Set(
      events
        .filter(({ event: e }) => e.sport === flow?.match.src_port && e.dport === flow?.match.dest_port)
        .map(({ event: e }) => `${e.src}:${e.sport}>${e.dst}:${e.dport}`),
    );
    expect(conns.size).toBe(flow?.count);
    // stats.decoder.vxlan: frames Suricata decoded through VXLAN; glia's decoder found a VNI in each.
    const stats = all.find((c) => c.match.event_type === 'stats');
    const decoder = new PacketDecoder();
    const p = new DecodedPacket();
    let throughVxlan = 0;
    await readCaptureFile(path, (r) => {
      decoder.decode(p, r.data, r.offset, r.caplen, r.linkType);
      if (p.vni >= 0) throughVxlan++;
    });
    expect(throughVxlan).toBe(stats?.match['stats.decoder.vxlan']);
  });
});

/**
 * Checks no test above compares, and why. Kept next to the tests so that a new check in a test.yaml
 * shows up here (the test below fails) instead of going unnoticed.
 */
const SKIPPED_CHECKS: Record<string, string> = {
  alert: 'Suricata rule alerts: glia has its own rule language (packages/rules), not Suricata signatures',
  'flow dest_port 4789': 'VXLAN carrier flows: glia events describe the inner packet only (DESIGN §3)',
  'flow 51252->80 packet counts':
    'flow.pkts_toserver/toclient: glia counts per 60 s window, compared as the connection only',
  'dns request': 'DNS requests: glia emits responses only; checked to match none',
  'stats dns parser errors':
    'stats.app_layer.error.dns_udp.parser: no Suricata parser in glia; malformed counts are compared with tshark in fqdn-tshark.test.ts',
  'tunnel checks': 'the IP-in-IP, ERSPAN and GRE test.yaml files: suricata-tunnels.test.ts',
};

describe.runIf(fixtures !== null)('every suricata-verify check is compared or listed as skipped', () => {
  it('lists the skipped kinds', () => {
    expect(Object.keys(SKIPPED_CHECKS).length).toBe(6);
    const kinds = new Set(
      [
        'sv_dns-forward-pointer_input.pcap',
        'sv_20250224-dns-additionals-with-cname.pcap',
        'sv_dns-udp-eve-log-answer-only_dns-udp-google.com-a-aaaa-mx.pcap',
        'sv_tls-client-hello-frag-01_dump_mtu300.pcap',
        'sv_vxlan-decoder-03_vxlan.pcap',
        'sv_vxlan-non-zero-reserved-fields_input.pcap',
      ].flatMap((capture) =>
        checks(capture).map((c) => String(c.match.event_type ?? (c.match['dns.type'] ? 'dns' : '?'))),
      ),
    );
    expect([...kinds].sort()).toEqual(['alert', 'dns', 'flow', 'ssh', 'stats', 'tls']);
  });
});
