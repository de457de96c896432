import { observationOf, type ConnEvent, type FlowEvent, type Observation } from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { plugin } from './index.js';
import type { Ja4tEnricher } from './plugin.js';

describePluginContract(plugin, { config: { max_nodes: 16 } });

const LINUX_OPTIONS = Uint8Array.of(2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7);
const SERVER_OPTIONS = Uint8Array.of(2, 4, 5, 172, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 8);
const LINUX_JA4T = '64240_2-4-8-1-3_1460_7';
const SERVER_JA4TS = '26847_2-4-8-1-3_1452_8';

function syn(client: string, cport: number, server: string, sport: number, ts = 1n): ConnEvent {
  return {
    ts,
    iface: 'eth0',
    dir: 'ingress',
    src: client,
    dst: server,
    sport: cport,
    dport: sport,
    proto: 'tcp',
    phase: 'syn',
    flags: 0x02,
    ttl: 64,
    window: 64240,
    options: LINUX_OPTIONS,
    mss: 1460,
    wscale: 7,
  };
}

function synAck(client: string, cport: number, server: string, sport: number, ts = 2n): ConnEvent {
  return {
    ts,
    iface: 'eth0',
    dir: 'egress',
    src: server,
    dst: client,
    sport,
    dport: cport,
    proto: 'tcp',
    phase: 'synack',
    flags: 0x12,
    ttl: 64,
    window: 26847,
    options: SERVER_OPTIONS,
    mss: 1452,
    wscale: 8,
  };
}

function flow(client: string, cport: number, server: string, sport: number): FlowEvent {
  return {
    ts: 3n,
    iface: 'eth0',
    dir: 'ingress',
    src: client,
    dst: server,
    sport: cport,
    dport: sport,
    proto: 'tcp',
  };
}

function setup(maxNodes = 16): {
  enricher: Ja4tEnricher;
  feed: (e: ConnEvent) => Observation;
  field: (o: Observation, n: string) => unknown;
} {
  const ctx = testContext('ja4t');
  const enricher = plugin.create(ctx, { max_nodes: maxNodes });
  if (enricher === null) throw new Error('create returned null');
  enricher.start();
  const byName = new Map(enricherFields(plugin, enricher).map((f) => [f.name, f]));
  return {
    enricher,
    feed: (e) => {
      ctx.bus.publish('conn', e);
      return observationOf(e, e.phase);
    },
    field: (o, n) => byName.get(n)?.resolve(o),
  };
}

describe('ja4t enricher', () => {
  it('provides ja4t and ja4ts as Bytes', () => {
    const { enricher } = setup();
    expect(enricherFields(plugin, enricher).map((f) => [f.name, f.type])).toEqual([
      ['ja4t', 'Bytes'],
      ['ja4ts', 'Bytes'],
    ]);
  });

  it('computes JA4T on a SYN observation from its own event, before any state', () => {
    const { field } = setup();
    const o = observationOf(syn('10.0.0.1', 40000, '10.0.0.2', 80), 'syn');
    expect(field(o, 'ja4t')).toBe(LINUX_JA4T);
    expect(field(o, 'ja4ts')).toBeUndefined();
  });

  it('computes JA4TS on a SYN-ACK observation and carries JA4T from the client IP', () => {
    const { feed, field } = setup();
    feed(syn('10.0.0.1', 40000, '10.0.0.2', 80));
    const o = feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80));
    expect(field(o, 'ja4ts')).toBe(SERVER_JA4TS);
    expect(field(o, 'ja4t')).toBe(LINUX_JA4T);
  });

  it('gives a flow observation the last JA4T of its client and the JA4TS of its server port', () => {
    const { feed, field } = setup();
    feed(syn('10.0.0.1', 40000, '10.0.0.2', 80));
    feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80));
    const o = observationOf(flow('10.0.0.1', 40001, '10.0.0.2', 80), 'flow');
    expect(field(o, 'ja4t')).toBe(LINUX_JA4T);
    expect(field(o, 'ja4ts')).toBe(SERVER_JA4TS);
    const otherPort = observationOf(flow('10.0.0.1', 40001, '10.0.0.2', 443), 'flow');
    expect(field(otherPort, 'ja4ts')).toBeUndefined();
    const otherClient = observationOf(flow('10.0.0.9', 40001, '10.0.0.2', 80), 'flow');
    expect(field(otherClient, 'ja4t')).toBeUndefined();
  });

  it('gives a SYN observation the JA4TS already known for its server port', () => {
    const { feed, field } = setup();
    feed(syn('10.0.0.1', 40000, '10.0.0.2', 80));
    feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80));
    const o = feed(syn('10.0.0.3', 50000, '10.0.0.2', 80));
    expect(field(o, 'ja4ts')).toBe(SERVER_JA4TS);
  });

  it('appends retransmission delays to the JA4TS of a retransmitted SYN-ACK', () => {
    const { enricher, feed, field } = setup();
    const sec = 1_000_000_000n;
    feed(syn('10.0.0.1', 40000, '10.0.0.2', 80, 0n));
    feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80, 1n * sec));
    feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80, 2n * sec));
    const third = synAck('10.0.0.1', 40000, '10.0.0.2', 80, 4n * sec);
    // Resolved before the conn subscriber saw it: the delays still include it.
    expect(field(observationOf(third, 'synack'), 'ja4ts')).toBe(`${SERVER_JA4TS}_1-2`);
    feed(third);
    expect(enricher.nodeFingerprints('10.0.0.2')?.ja4ts).toEqual([
      { port: 80, ja4ts: `${SERVER_JA4TS}_1-2` },
    ]);
  });

  it('does not fingerprint a SYN or SYN-ACK whose event carries ECN flags', () => {
    const { enricher, feed, field } = setup();
    const ecnSyn = Object.assign(syn('10.0.0.1', 40000, '10.0.0.2', 22), { flags: 0xc2 });
    const ecnSynAck = Object.assign(synAck('10.0.0.1', 40000, '10.0.0.2', 22), { flags: 0x52 });
    expect(field(feed(ecnSyn), 'ja4t')).toBeUndefined();
    expect(field(feed(ecnSynAck), 'ja4ts')).toBeUndefined();
    expect(enricher.nodeFingerprints('10.0.0.1')).toBeUndefined();
    const pure = Object.assign(syn('10.0.0.1', 40001, '10.0.0.2', 22), { flags: 0x02 });
    expect(field(feed(pure), 'ja4t')).toBe(LINUX_JA4T);
  });

  it('keeps node fingerprints: distinct JA4Ts per client, JA4TS per server port', () => {
    const { enricher, feed } = setup();
    feed(syn('10.0.0.1', 40000, '10.0.0.2', 80));
    feed({ ...syn('10.0.0.1', 40001, '10.0.0.2', 443), window: 1024, options: new Uint8Array() });
    feed(syn('10.0.0.1', 40002, '10.0.0.2', 80));
    feed(synAck('10.0.0.1', 40000, '10.0.0.2', 80));
    expect(enricher.nodeFingerprints('10.0.0.1')).toEqual({
      ip: '10.0.0.1',
      ja4t: ['1024_00_00_00', LINUX_JA4T],
      lastJa4t: LINUX_JA4T,
      ja4ts: [],
    });
    expect(enricher.nodeFingerprints('10.0.0.2')).toEqual({
      ip: '10.0.0.2',
      ja4t: [],
      ja4ts: [{ port: 80, ja4ts: SERVER_JA4TS }],
    });
    expect(enricher.nodeFingerprints('192.0.2.1')).toBeUndefined();
  });

  it('forgets the least recently seen node beyond max_nodes', () => {
    const { enricher, feed } = setup(2);
    feed(syn('10.0.0.1', 40000, '10.9.0.1', 80));
    feed(syn('10.0.0.2', 40000, '10.9.0.1', 80));
    feed(syn('10.0.0.1', 40001, '10.9.0.1', 80));
    feed(syn('10.0.0.3', 40000, '10.9.0.1', 80));
    expect(enricher.nodeFingerprints('10.0.0.2')).toBeUndefined();
    expect(enricher.nodeFingerprints('10.0.0.1')?.lastJa4t).toBe(LINUX_JA4T);
    expect(enricher.nodeFingerprints('10.0.0.3')?.lastJa4t).toBe(LINUX_JA4T);
  });

  it('stops listening after stop()', () => {
    const ctx = testContext('ja4t');
    const enricher = plugin.create(ctx, {});
    if (enricher === null) throw new Error('create returned null');
    enricher.start();
    enricher.stop();
    ctx.bus.publish('conn', syn('10.0.0.1', 40000, '10.0.0.2', 80));
    expect(enricher.nodeFingerprints('10.0.0.1')).toBeUndefined();
    expect(enricher.health().state).toBe('stopped');
  });
});
