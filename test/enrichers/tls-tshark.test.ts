/**
 * Oracle test: the SNI and ALPN the tls enricher reads from each ClientHello in the shared
 * captures (through @glia/packet's reader and capture-event logic: client banner + segments)
 * against tshark's tls.handshake.extensions_server_name / extensions_alpn_str.
 */
import { join } from 'node:path';
import {
  PacketClock,
  normalizeIp,
  observationOf,
  type BannerEvent,
  type ConnEvent,
  type SegmentEvent,
} from '@glia/core';
import { enricherFields, fixtureCaptures, testContext, tsharkFields } from '@glia/core/testing';
import { plugin as tlsPlugin } from '@glia/enricher-tls';
import { replayCaptureEvents } from '@glia/packet';
import { beforeAll, describe, expect, it } from 'vitest';

const { pcaps, captures, withTshark: run } = fixtureCaptures();

interface Hello {
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  sni: string | null;
  alpn: string | null;
}

const ip = (text: string) => normalizeIp(text) ?? text;

/**
 * tshark's ClientHellos that open their client stream (the first client payload starts a TLS
 * handshake record). A hello after STARTTLS would be mid-stream: glia's capture events
 * carry only the first client payload and what follows it, so it is listed apart.
 */
function fromTshark(capture: string): { atStart: Hello[]; midStream: Hello[] } {
  const firstPayload = new Map<string, string>();
  for (const [stream, src, sport, payload] of tsharkFields(
    capture,
    ['tcp.stream', '_ws.col.Source', 'tcp.srcport', 'tcp.payload'],
    'tcp.len > 0',
  )) {
    const key = `${stream}/${ip(src)}:${sport}`;
    if (!firstPayload.has(key)) firstPayload.set(key, payload);
  }
  const atStart: Hello[] = [];
  const midStream: Hello[] = [];
  const rows = tsharkFields(
    capture,
    [
      'tcp.stream',
      '_ws.col.Source',
      'tcp.srcport',
      '_ws.col.Destination',
      'tcp.dstport',
      'tls.handshake.extensions_server_name',
      'tls.handshake.extensions_alpn_str',
    ],
    'tls.handshake.type == 1',
  );
  for (const [stream, src, sport, dst, dport, sni, alpn] of rows) {
    const hello: Hello = {
      client: ip(src),
      clientPort: Number(sport),
      server: ip(dst),
      serverPort: Number(dport),
      sni: sni === '' ? null : sni.toLowerCase(),
      alpn: alpn === '' ? null : alpn,
    };
    const first = firstPayload.get(`${stream}/${hello.client}:${sport}`) ?? '';
    (first.startsWith('16') ? atStart : midStream).push(hello);
  }
  return { atStart, midStream };
}

/** glia's side: replay the capture's banner and segment events into the tls enricher. */
async function fromGlia(
  capture: string,
  hellos: Hello[],
): Promise<{ found: Hello[]; parsed: number; failures: Record<string, number> }> {
  const clock = new PacketClock();
  const ctx = testContext('tls', { clock });
  const enricher = tlsPlugin.create(ctx, {});
  if (enricher === null) throw new Error('tls create returned null');
  enricher.start();
  await replayCaptureEvents(capture, (topic, event) => {
    clock.advance(event.ts);
    if (topic === 'banner') ctx.bus.publish('banner', event as BannerEvent);
    else if (topic === 'segment') ctx.bus.publish('segment', event as SegmentEvent);
  });
  const sniField = enricherFields(tlsPlugin, enricher).find((f) => f.name === 'tls.sni');
  const alpnField = enricherFields(tlsPlugin, enricher).find((f) => f.name === 'tls.alpn');
  const found = hellos.map((h) => {
    // An observation of exactly that connection, as its SYN would make it.
    const syn: ConnEvent = {
      ts: clock.now(),
      iface: 'x',
      dir: 'ingress',
      proto: 'tcp',
      phase: 'syn',
      flags: 0x02,
      ttl: 64,
      window: 0,
      options: new Uint8Array(),
      src: h.client,
      sport: h.clientPort,
      dst: h.server,
      dport: h.serverPort,
    };
    const o = observationOf(syn, 'syn');
    const sni = sniField?.resolve(o) as string | undefined;
    const alpn = alpnField?.resolve(o) as readonly string[] | undefined;
    return { ...h, sni: sni ?? null, alpn: alpn === undefined ? null : alpn.join(',') };
  });
  const parsed = ctx.metrics.value('tls_client_hellos_total', { plugin: 'tls' }) ?? 0;
  const failures = enricher.failureCounts();
  enricher.stop();
  return { found, parsed, failures };
}

describe.skipIf(!run)('TLS SNI/ALPN against tshark', () => {
  const results = new Map<
    string,
    { tshark: ReturnType<typeof fromTshark>; glia: Awaited<ReturnType<typeof fromGlia>> }
  >();

  beforeAll(async () => {
    for (const file of captures) {
      const path = join(pcaps, file);
      const tshark = fromTshark(path);
      results.set(file, { tshark, glia: await fromGlia(path, tshark.atStart) });
    }
    // Two tshark runs per capture, one after another: minutes on a loaded machine.
  }, 300_000);

  it.each(captures)("%s: every ClientHello opening a client stream gives tshark's SNI and ALPN", (file) => {
    const r = results.get(file);
    if (r === undefined) throw new Error(`no result for ${file}`);
    expect(r.glia.found).toEqual(r.tshark.atStart);
    // Each of those hellos was parsed from its own connection's bytes, none failed.
    expect(r.glia.parsed).toBe(r.tshark.atStart.length);
    expect(r.glia.failures).toEqual({});
  });

  it.each([
    {
      name: 'split over three segments',
      file: 'sv_tls-client-hello-frag-01_dump_mtu300.pcap',
      sni: 'www.google.com',
    },
    { name: 'ECH: the outer name', file: 'zeek_tls_tls13-ech.pcap', sni: 'cloudflare-ech.com' },
    { name: 'inside Geneve', file: 'zeek_tunnels_geneve-47101.pcap', sni: 'www.kernel.org' },
    {
      name: '1747-byte hello past the 256-byte banner',
      file: 'zeek_tls_chrome-1250-tls-x25519-kyber.pcap',
      sni: 'lh3.google.com',
    },
  ])('$name: $file → $sni', ({ file, sni }) => {
    const found = results.get(file)?.glia.found ?? [];
    expect(found.length).toBeGreaterThan(0);
    for (const h of found) expect(h.sni).toBe(sni);
  });

  it('compared every ClientHello tshark sees, bar those after STARTTLS', () => {
    const all = [...results.values()];
    const compared = all.reduce((n, r) => n + r.tshark.atStart.length, 0);
    const withSni = all.reduce((n, r) => n + r.tshark.atStart.filter((h) => h.sni !== null).length, 0);
    const midStream = all.flatMap((r) => r.tshark.midStream);
    console.info(
      `tls oracle: ${compared} ClientHellos compared (${withSni} with SNI); ${midStream.length} mid-stream (STARTTLS) not visible to glia`,
    );
    expect(compared).toBeGreaterThanOrEqual(8);
    expect(withSni).toBeGreaterThanOrEqual(7);
  });
});
