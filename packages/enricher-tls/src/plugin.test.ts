import {
  PacketClock,
  observationOf,
  type BannerEvent,
  type ConnEvent,
  type FlowEvent,
  type SegmentEvent,
} from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { clientHello } from './hello-builder.fixture.js';
import { plugin } from './index.js';

describePluginContract(plugin, { config: { max_flows: 8, max_edges: 8, ttl_seconds: 60 } });

const S = 1_000_000_000n;
const base = { iface: 'eth0', dir: 'egress' as const, proto: 'tcp' as const };

function banner(payload: Uint8Array, cport = 40000, ts = 1n * S): BannerEvent {
  return {
    ...base,
    ts,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: cport,
    dport: 443,
    sender: 'client',
    payload,
  };
}
function segment(payload: Uint8Array, offset: number, cport = 40000, ts = 1n * S): SegmentEvent {
  return {
    ...base,
    ts,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: cport,
    dport: 443,
    sender: 'client',
    offset,
    payload,
  };
}
function syn(cport: number, ts: bigint): ConnEvent {
  return {
    ...base,
    ts,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: cport,
    dport: 443,
    phase: 'syn',
    flags: 0x02,
    ttl: 64,
    window: 1,
    options: new Uint8Array(),
  };
}
function flow(cport: number, ts: bigint, src = '10.0.0.1', proto: 'tcp' | 'udp' = 'tcp'): FlowEvent {
  return { ...base, proto, ts, src, dst: '10.0.0.2', sport: cport, dport: 443 };
}

function setup(config = {}) {
  const clock = new PacketClock();
  const ctx = testContext('tls', { clock });
  const enricher = plugin.create(ctx, config);
  if (enricher === null) throw new Error('create returned null');
  enricher.start();
  const defs = new Map(enricherFields(plugin, enricher).map((f) => [f.name, f]));
  const publish = (topic: 'banner' | 'segment', e: BannerEvent | SegmentEvent) => {
    clock.advance(e.ts);
    if (topic === 'banner') ctx.bus.publish('banner', e as BannerEvent);
    else ctx.bus.publish('segment', e as SegmentEvent);
  };
  const fields = (e: ConnEvent | FlowEvent) => {
    clock.advance(e.ts);
    const o = observationOf(e, 'phase' in e ? e.phase : 'flow');
    return { sni: defs.get('tls.sni')?.resolve(o), alpn: defs.get('tls.alpn')?.resolve(o) };
  };
  return { enricher, publish, fields, ctx };
}

const hello = clientHello({
  serverNames: ['WWW.Example.COM'],
  alpn: ['h2', 'http/1.1'],
  extra: [[0x15, Array(400).fill(0)]],
});

describe('tls enricher', () => {
  it('declares tls.sni as Bytes and tls.alpn as an array of Bytes', () => {
    const { enricher } = setup();
    expect(enricherFields(plugin, enricher).map((f) => [f.name, f.type])).toEqual([
      ['tls.sni', 'Bytes'],
      ['tls.alpn', { kind: 'array', value: 'Bytes' }],
    ]);
  });

  it('gives the connection the lower-cased SNI and the ALPN list of its split ClientHello', () => {
    const { publish, fields } = setup();
    publish('banner', banner(hello.subarray(0, 256)));
    expect(fields(flow(40000, 2n * S)).sni).toBeUndefined();
    publish('segment', segment(hello.subarray(300), 300));
    publish('segment', segment(hello.subarray(256, 300), 256));
    expect(fields(flow(40000, 2n * S))).toEqual({ sni: 'www.example.com', alpn: ['h2', 'http/1.1'] });
  });

  it('gives later observations of the same edge (another client port) the last SNI', () => {
    const { publish, fields } = setup();
    publish('banner', banner(clientHello({ serverNames: ['first.example'] }), 40000));
    publish('banner', banner(clientHello({ serverNames: ['second.example'] }), 40001));
    expect(fields(syn(40002, 3n * S)).sni).toBe('second.example');
    expect(fields(flow(40000, 3n * S)).sni).toBe('first.example');
    expect(fields(flow(40002, 3n * S, '10.0.0.9')).sni).toBeUndefined();
  });

  it('a connection whose hello had no SNI does not borrow the edge name', () => {
    const { publish, fields } = setup();
    publish('banner', banner(clientHello({ serverNames: ['named.example'] }), 40000));
    publish('banner', banner(clientHello({ alpn: ['h2'] }), 40001));
    expect(fields(flow(40001, 2n * S))).toEqual({ sni: undefined, alpn: ['h2'] });
  });

  it('forgets a hello ttl_seconds of packet time after it was seen', () => {
    const { publish, fields } = setup({ ttl_seconds: 10 });
    publish('banner', banner(clientHello({ serverNames: ['ttl.example'] }), 40000, 100n * S));
    expect(fields(flow(40000, 109n * S)).sni).toBe('ttl.example');
    expect(fields(flow(40000, 110n * S)).sni).toBeUndefined();
  });

  it('bounds edges by max_edges', () => {
    const { publish, fields } = setup({ max_edges: 2 });
    for (const port of [1, 2, 3])
      publish('banner', { ...banner(clientHello({ serverNames: [`p${port}.example`] })), dport: port });
    const at = (port: number) => fields({ ...flow(40000, 2n * S), dport: port }).sni;
    expect([at(1), at(2), at(3)]).toEqual([undefined, 'p2.example', 'p3.example']);
  });

  it('ignores server banners and UDP observations', () => {
    const { publish, fields } = setup();
    publish('banner', { ...banner(clientHello({ serverNames: ['srv.example'] })), sender: 'server' });
    expect(fields(flow(40000, 2n * S)).sni).toBeUndefined();
    publish('banner', banner(clientHello({ serverNames: ['tcp.example'] })));
    expect(fields(flow(40000, 2n * S, '10.0.0.1', 'udp')).sni).toBeUndefined();
  });

  it('counts unreadable hellos by reason and parsed ones', () => {
    const { publish, enricher, ctx } = setup();
    publish('banner', banner(Uint8Array.of(22, 3, 1, 0, 0), 1));
    publish('banner', banner(Uint8Array.of(22, 3, 1, 0, 6, 2, 0, 0, 2, 0, 0), 2));
    publish('banner', banner(clientHello({ serverNames: ['ok.example'] }), 3));
    publish('banner', banner(Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\n')), 4));
    expect(enricher.failureCounts()).toEqual({ bad_record: 1, not_client_hello: 1 });
    expect(ctx.metrics.value('tls_client_hellos_total', { plugin: 'tls' })).toBe(1);
  });

  it('stops listening and drops reassembly state on stop()', () => {
    const { publish, fields, enricher } = setup();
    publish('banner', banner(hello.subarray(0, 256)));
    enricher.stop();
    publish('segment', segment(hello.subarray(256), 256));
    expect(fields(flow(40000, 2n * S)).sni).toBeUndefined();
    expect(enricher.health().state).toBe('stopped');
  });
});
