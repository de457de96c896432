/**
 * Oracle test: the DNS responses in the shared fixture captures fill glia's FQDN store as tshark
 * reads them. glia's side replays each capture with @glia/packet, publishes the `dns` events on a
 * core Bus (packet clock advanced to each event, as the runtime does) and lets the fqdn plugin
 * learn from them. tshark's side decodes the same responses; the expected IP → name pairs are
 * derived from its fields with the rules the enricher documents (answer section only, A/AAAA/CNAME
 * of class IN, chains start at the question, RCODE NOERROR and opcode QUERY only).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Bus, PacketClock, type DnsEvent } from '@glia/core';
import { fixturesDir, hasTool, testContext, tsharkFields } from '@glia/core/testing';
import {
  fqdnPlugin,
  ResponseParser,
  resolveChains,
  type FqdnEnricher,
  type Resolution,
} from '@glia/enricher-fqdn';
import { replayCaptureEvents } from '@glia/packet';
import { describe, expect, it } from 'vitest';

const fixtures = fixturesDir();
const tshark = fixtures !== null && hasTool('tshark');

/**
 * Every capture among the fixtures in which tshark finds DNS responses from port 53 (found with
 * -Y 'dns.flags.response == 1 && (udp.srcport == 53 || tcp.srcport == 53)' over all of them):
 * CNAME chains, compression (forward pointer in the query, a 6-deep pointer chain), EDNS/ECS,
 * DNS over TCP, DNS inside VXLAN and Geneve, a snaplen-truncated response, a raw-IPv4 link type.
 */
const CAPTURES = [
  'sv_20250224-dns-additionals-with-cname.pcap',
  'sv_dns-forward-pointer_input.pcap',
  'sv_dns-udp-eve-log-answer-only_dns-udp-google.com-a-aaaa-mx.pcap',
  'sv_vxlan-decoder-03_vxlan.pcap',
  'zeek_dns-edns-ecs.pcap',
  'zeek_dns-two-responses.pcap',
  'zeek_dns_long-connection.pcap',
  'zeek_dns_max-compression-depth.pcap',
  'zeek_pcapng-multi-interface.pcapng',
  'zeek_smtp.pcap',
  'zeek_tunnels_geneve-vxlan-dns-truncated.pcap',
];

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;

/** One DNS response message as tshark decodes it. */
interface TsharkResponse {
  frame: number;
  used: boolean;
  /** tshark flagged the frame malformed or cut short by the snaplen. */
  flagged: boolean;
  /** tshark reassembled the datagram from IP fragments; glia's packet layer does not. */
  reassembled: boolean;
  questions: string[];
  answers: Array<{ name: string; type: number; klass: number; ttl: number; value: string }>;
}

type Tree = { [key: string]: string | Tree | Tree[] };

/**
 * tshark's reading of every DNS response in a capture, one entry per message (a TCP segment may
 * carry several). The JSON output keeps the sections apart, which the flat -T fields lists do not
 * (dns.resp.ttl is missing for some DNSSEC records, so per-record lists cannot be realigned);
 * tsharkFields cross-checks the message count per frame.
 */
function tsharkResponses(capture: string, filter: string): TsharkResponse[] {
  const args = [
    '-r',
    capture,
    '-n',
    '-T',
    'json',
    '--no-duplicate-keys',
    '-J',
    'frame dns mdns',
    '-Y',
    filter,
  ];
  const frames = JSON.parse(
    execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{
    _source: { layers: Tree };
  }>;
  const perFrame = tsharkFields(
    capture,
    ['frame.number', 'dns.flags.response', 'ip.fragment.count', 'ipv6.fragment.count'],
    filter,
  );
  expect(frames.length, `${capture}: frames`).toBe(perFrame.length);
  const out: TsharkResponse[] = [];
  frames.forEach(({ _source: { layers } }, index) => {
    const frame = Number(text((layers.frame as Tree)['frame.number']));
    const dnsLayer = layers.dns ?? layers.mdns;
    const flagged =
      '_ws.malformed' in layers ||
      '_ws.short' in layers ||
      JSON.stringify(dnsLayer).includes('"_ws.malformed');
    const reassembled = perFrame[index][2] !== '' || perFrame[index][3] !== '';
    const messages = list(dnsLayer);
    expect(messages.length, `${capture} frame ${frame}: messages`).toBe(perFrame[index][1].split(',').length);
    for (const dns of messages) {
      const flags = dns['dns.flags_tree'] as Tree;
      const questions = records(dns.Queries).map((q) => tsharkName(text(q['dns.qry.name'])));
      const answers = records(dns.Answers).map((a) => {
        const type = Number(text(a['dns.resp.type']));
        const value =
          type === TYPE_A
            ? a['dns.a']
            : type === TYPE_AAAA
              ? a['dns.aaaa']
              : type === TYPE_CNAME
                ? a['dns.cname']
                : '';
        return {
          name: tsharkName(text(a['dns.resp.name'])),
          type,
          klass: Number(text(a['dns.resp.class'])),
          ttl: Number(text(a['dns.resp.ttl'])),
          value: text(value ?? ''),
        };
      });
      const used =
        text(flags['dns.flags.response']) === '1' &&
        text(flags['dns.flags.opcode']) === '0' &&
        text(flags['dns.flags.rcode']) === '0';
      out.push({ frame, used, flagged, reassembled, questions, answers });
    }
  });
  return out;
}

function text(value: string | Tree | Tree[] | undefined): string {
  if (typeof value !== 'string') throw new Error(`expected a tshark value, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: string | Tree | Tree[] | undefined): Tree[] {
  if (value === undefined || typeof value === 'string') return [];
  return Array.isArray(value) ? value : [value];
}

/** The records of a section: each key is a record summary; duplicates come as arrays. */
function records(section: string | Tree | Tree[] | undefined): Tree[] {
  return list(section).flatMap((s) => Object.values(s).flatMap((r) => list(r)));
}

/** tshark prints the root as "<Root>"; glia writes names in ASCII lower case without a trailing dot. */
function tsharkName(name: string): string {
  return name === '<Root>' ? '' : name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * The resolutions tshark's reading implies, computed here independently of the enricher's code:
 * follow CNAMEs from each question (first CNAME per name; 17 names at most; stop on a loop) and
 * map every A/AAAA of class IN whose owner is on the chain to the chain up to that owner.
 */
function expectedResolutions(r: TsharkResponse): Resolution[] {
  if (!r.used) return [];
  const inClass = r.answers.filter((a) => (a.klass & 0x7fff) === 1);
  const cname = new Map<string, { target: string; ttl: number }>();
  for (const a of inClass)
    if (a.type === TYPE_CNAME && !cname.has(a.name))
      cname.set(a.name, { target: tsharkName(a.value), ttl: a.ttl });
  const heads = r.questions.length > 0 ? [...new Set(r.questions.filter((n) => n !== ''))] : [];
  const out: Resolution[] = [];
  for (const head of heads) {
    const chain = [head];
    const edgeTtls: number[] = [];
    for (
      let hop = cname.get(head);
      hop !== undefined && !chain.includes(hop.target) && chain.length < 17;
      hop = cname.get(hop.target)
    ) {
      chain.push(hop.target);
      edgeTtls.push(hop.ttl);
    }
    chain.forEach((owner, k) => {
      for (const a of inClass) {
        if ((a.type !== TYPE_A && a.type !== TYPE_AAAA) || a.name !== owner) continue;
        const ttls = chain.slice(0, k + 1).map((_, i) => Math.min(a.ttl, ...edgeTtls.slice(i, k)));
        out.push({ address: a.value, names: chain.slice(0, k + 1), ttls });
      }
    });
  }
  return out;
}

interface GliaMessage {
  event: DnsEvent;
  /** answers_stored counter increase this message caused. */
  stored: number;
  malformed: number;
  /** store.names(address) for each expected address, read right after the message. */
  namesAfter: Map<string, string[]>;
  latestAfter: Map<string, string | undefined>;
}

async function replayThroughPlugin(
  capture: string,
  expected: Resolution[][],
): Promise<{ messages: GliaMessage[]; enricher: FqdnEnricher }> {
  const clock = new PacketClock();
  const bus = new Bus((topic, error) => {
    throw new Error(`subscriber of ${topic} threw: ${String(error)}`);
  });
  const ctx = testContext('fqdn', { bus, clock });
  const enricher = fqdnPlugin.create(ctx, {});
  if (enricher === null) throw new Error('fqdn plugin declined to create');
  enricher.start();
  const messages: GliaMessage[] = [];
  const counter = (): number => enricher.metrics.store.stored.value;
  const malformed = (): number => enricher.metrics.malformedMessages.value;
  await replayCaptureEvents(capture, (topic, event) => {
    if (topic !== 'dns') return;
    const dns = event as DnsEvent;
    if (dns.message.length < 3 || (dns.message[2] & 0x80) === 0) return; // tshark's side lists responses only
    clock.advance(dns.ts);
    const [before, badBefore] = [counter(), malformed()];
    bus.publish('dns', dns);
    const namesAfter = new Map<string, string[]>();
    const latestAfter = new Map<string, string | undefined>();
    for (const r of expected[messages.length] ?? []) {
      namesAfter.set(r.address, enricher.store.names(r.address));
      latestAfter.set(r.address, enricher.store.latest(r.address));
    }
    messages.push({
      event: dns,
      stored: counter() - before,
      malformed: malformed() - badBefore,
      namesAfter,
      latestAfter,
    });
  });
  enricher.stop();
  return { messages, enricher };
}

const totals = { responses: 0, resolutions: 0, pairs: 0, malformed: 0, fragments: 0, overTcp: 0 };

/** tshark lists records with the same summary together; compare resolutions as multisets. */
function sorted(resolutions: Resolution[]): Resolution[] {
  return [...resolutions].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe.skipIf(!tshark)('fqdn store vs tshark over the fixture captures', () => {
  it.each(CAPTURES)('%s', async (file) => {
    const capture = join(fixtures ?? '', 'pcaps', file);
    const theirs = tsharkResponses(
      capture,
      'dns.flags.response == 1 && (udp.srcport == 53 || tcp.srcport == 53)',
    );
    const expected = theirs.map(expectedResolutions);
    const started = performance.now();
    const { messages } = await replayThroughPlugin(capture, expected);
    expect(performance.now() - started, 'replay time (a hang would show here)').toBeLessThan(10_000);

    expect(messages.length, `${file}: DNS responses glia saw vs tshark`).toBe(theirs.length);
    const parser = new ResponseParser();
    theirs.forEach((t, i) => {
      const where = `${file} frame ${t.frame} (response ${i})`;
      const mine = messages[i];
      // The parse itself, TTLs included, before clamping.
      const parsed = parser.parse(mine.event.message);
      const resolutions =
        parsed.status === 'ignored' ? [] : resolveChains(parsed.questions, parsed.answers).resolutions;
      const pairs = expected[i].reduce((n, r) => n + r.names.length, 0);
      if (t.reassembled) {
        // glia sees the first IP fragment only: it must call the message truncated and store no
        // more than tshark's whole message holds.
        expect(parsed.status === 'malformed' && parsed.reason, `${where}: fragment`).toBe('truncated');
        for (const r of resolutions) expect(expected[i], where).toContainEqual(r);
        expect(mine.stored, `${where}: mappings stored`).toBeLessThanOrEqual(pairs);
        totals.fragments++;
        totals.malformed += mine.malformed;
        return;
      }
      expect(sorted(resolutions), where).toEqual(sorted(expected[i]));
      // What reached the store through the bus: every expected pair, and nothing more.
      expect(mine.stored, `${where}: mappings stored`).toBe(pairs);
      for (const r of expected[i]) {
        for (const name of r.names)
          expect(mine.namesAfter.get(r.address), `${where}: ${r.address}`).toContain(name);
      }
      const last = new Map(expected[i].map((r) => [r.address, r.names[0]]));
      for (const [address, head] of last)
        expect(mine.latestAfter.get(address), `${where}: dns.fqdn of ${address}`).toBe(head);
      // Malformed exactly when tshark flags the frame (malformed, or cut short by the snaplen).
      expect(mine.malformed === 1, `${where}: malformed`).toBe(t.flagged);
      totals.responses++;
      if (mine.event.proto === 'tcp') totals.overTcp++;
      totals.resolutions += expected[i].length;
      totals.pairs += pairs;
      totals.malformed += mine.malformed;
    });
  });

  it('compared a meaningful number of responses and pairs', () => {
    console.log(
      `fqdn oracle: ${totals.responses} responses compared exactly (${totals.resolutions} address records, ` +
        `${totals.pairs} IP→name pairs, ${totals.overTcp} over TCP), ${totals.fragments} IP-fragmented, ${totals.malformed} malformed`,
    );
    expect(totals.responses).toBeGreaterThanOrEqual(80);
    expect(totals.pairs).toBeGreaterThanOrEqual(100);
    expect(totals.fragments).toBeGreaterThan(0);
    expect(totals.overTcp).toBeGreaterThan(0);
  });
});

describe.skipIf(!tshark)(
  'mDNS messages (source port 5353, not on the dns topic) parse as tshark reads them',
  () => {
    it('zeek_dns_mdns.pcap', () => {
      const capture = join(fixtures ?? '', 'pcaps', 'zeek_dns_mdns.pcap');
      const theirs = tsharkResponses(capture, 'dns.flags.response == 1');
      const payloads = tsharkFields(capture, ['udp.payload'], 'dns.flags.response == 1').map((row) =>
        Buffer.from(row[0], 'hex'),
      );
      expect(payloads.every((p) => p.length > 12)).toBe(true);
      expect(payloads.length).toBe(theirs.length);
      expect(theirs.length).toBeGreaterThan(0);
      const clock = new PacketClock(1n);
      const ctx = testContext('fqdn', { clock });
      const enricher = fqdnPlugin.create(ctx, {});
      if (enricher === null) throw new Error('fqdn plugin declined to create');
      enricher.start();
      let pairs = 0;
      theirs.forEach((t, i) => {
        // No question in these responses: chains start at every owner, so the expectation is the
        // owner of each A/AAAA of class IN (the cache-flush bit set), there being no CNAMEs.
        expect(t.questions).toEqual([]);
        expect(t.answers.some((a) => a.type === TYPE_CNAME)).toBe(false);
        const want = t.answers
          .filter((a) => (a.type === TYPE_A || a.type === TYPE_AAAA) && (a.klass & 0x7fff) === 1)
          .map((a) => ({ address: a.value, names: [a.name], ttls: [a.ttl] }));
        const event = {
          ts: 1n,
          iface: 'lo',
          dir: 'ingress',
          src: '10.0.2.7',
          dst: '224.0.0.251',
          sport: 5353,
          dport: 5353,
          proto: 'udp',
          message: payloads[i],
        } as const;
        ctx.bus.publish('dns', { ...event, message: Uint8Array.from(event.message) });
        const parsed = new ResponseParser().parse(payloads[i]);
        expect(parsed.status).toBe('parsed');
        if (parsed.status === 'ignored') return;
        expect(resolveChains(parsed.questions, parsed.answers).resolutions).toEqual(want);
        for (const r of want) expect(enricher.store.names(r.address)).toContain(r.names[0]);
        pairs += want.length;
      });
      expect(pairs).toBeGreaterThan(0);
      expect(ctx.metrics.value('fqdn_messages_total', { plugin: 'fqdn', result: 'parsed' })).toBe(
        theirs.length,
      );
    });
  },
);
