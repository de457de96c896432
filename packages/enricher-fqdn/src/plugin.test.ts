import dnsPacket, { type Answer } from 'dns-packet';
import {
  MemoryBudget,
  PacketClock,
  createAjv,
  observationOf,
  type DnsEvent,
  type FlowEvent,
} from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_ADDRESS, resolveFqdnConfig } from './config.js';
import { fqdnPlugin } from './plugin.js';
import type { FqdnEnricher } from './fqdn-enricher.js';

describePluginContract(fqdnPlugin);

const SECOND = 1_000_000_000n;
const T0 = 1_700_000_000n * SECOND;

function dnsEvent(question: string, answers: Answer[], ts = T0): DnsEvent {
  const message = dnsPacket.encode({
    type: 'response',
    id: 1,
    questions: [{ type: 'A', name: question }],
    answers,
  });
  return {
    ts,
    iface: 'eth0',
    dir: 'ingress',
    src: '10.0.0.53',
    dst: '10.0.0.7',
    sport: 53,
    dport: 40000,
    proto: 'udp',
    message,
  };
}

function flowTo(server: string, ts = T0): FlowEvent {
  return {
    ts,
    iface: 'eth0',
    dir: 'egress',
    src: '10.0.0.7',
    dst: server,
    sport: 40001,
    dport: 443,
    proto: 'tcp',
  };
}

function started(config: Record<string, unknown> = {}): {
  enricher: FqdnEnricher;
  ctx: ReturnType<typeof testContext>;
  clock: PacketClock;
} {
  const clock = new PacketClock(T0);
  const ctx = testContext('fqdn', { clock });
  const enricher = fqdnPlugin.create(ctx, config);
  if (enricher === null) throw new Error('fqdn plugin declined to create');
  enricher.start();
  return { enricher, ctx, clock };
}

function field(enricher: FqdnEnricher, name: string, server: string): unknown {
  const def = enricherFields(fqdnPlugin, enricher).find((f) => f.name === name);
  if (def === undefined) throw new Error(`no field ${name}`);
  return def.resolve(observationOf(flowTo(server), 'flow'));
}

describe('fqdn enricher', () => {
  it('provides dns.fqdn (Bytes) and dns.fqdns (array of Bytes)', () => {
    const { enricher } = started();
    expect(enricherFields(fqdnPlugin, enricher).map((f) => [f.name, f.type])).toEqual([
      ['dns.fqdn', 'Bytes'],
      ['dns.fqdns', { kind: 'array', value: 'Bytes' }],
    ]);
  });

  it('learns from dns events on the bus and answers for the observation server', () => {
    const { enricher, ctx } = started();
    ctx.bus.publish(
      'dns',
      dnsEvent('WWW.Example.com.', [
        { type: 'CNAME', name: 'WWW.Example.com', data: 'edge.cdn.net', ttl: 300 },
        { type: 'A', name: 'edge.cdn.net', data: '1.2.3.4', ttl: 300 },
      ]),
    );
    expect(field(enricher, 'dns.fqdn', '1.2.3.4')).toBe('www.example.com');
    expect(field(enricher, 'dns.fqdns', '1.2.3.4')).toEqual(['www.example.com', 'edge.cdn.net']);
    expect(field(enricher, 'dns.fqdn', '10.9.9.9')).toBeUndefined();
    expect(field(enricher, 'dns.fqdns', '10.9.9.9')).toBeUndefined();
    ctx.bus.publish(
      'dns',
      dnsEvent('other.example', [{ type: 'A', name: 'other.example', data: '1.2.3.4', ttl: 300 }]),
    );
    expect(field(enricher, 'dns.fqdn', '1.2.3.4')).toBe('other.example');
    expect(field(enricher, 'dns.fqdns', '1.2.3.4')).toEqual([
      'other.example',
      'www.example.com',
      'edge.cdn.net',
    ]);
  });

  it('expires in packet time with min_ttl/max_ttl from the config', () => {
    const { enricher, ctx, clock } = started({ min_ttl: 10, max_ttl: 100 });
    ctx.bus.publish(
      'dns',
      dnsEvent('a.example', [{ type: 'A', name: 'a.example', data: '1.2.3.4', ttl: 5000 }]),
    );
    clock.advance(T0 + 99n * SECOND);
    expect(field(enricher, 'dns.fqdn', '1.2.3.4')).toBe('a.example');
    clock.advance(T0 + 100n * SECOND);
    expect(field(enricher, 'dns.fqdn', '1.2.3.4')).toBeUndefined();
    expect(ctx.metrics.value('fqdn_expired_total', { plugin: 'fqdn' })).toBe(1);
  });

  it('counts parsed, ignored and malformed messages, answers stored and evictions', () => {
    const { ctx } = started({ max_entries: 1 });
    const good = dnsEvent('a.example', [{ type: 'A', name: 'a.example', data: '1.1.1.1', ttl: 300 }]);
    ctx.bus.publish('dns', good);
    ctx.bus.publish(
      'dns',
      dnsEvent('b.example', [{ type: 'A', name: 'b.example', data: '2.2.2.2', ttl: 300 }]),
    );
    const nx = { ...good, message: Uint8Array.from(good.message) };
    nx.message[3] = (nx.message[3] & 0xf0) | 3;
    ctx.bus.publish('dns', nx);
    ctx.bus.publish('dns', { ...good, message: good.message.subarray(0, 5) });
    ctx.bus.publish('dns', { ...good, message: good.message.subarray(0, good.message.length - 1) });
    const m = (name: string, labels: Record<string, string> = {}): number | undefined =>
      ctx.metrics.value(name, { plugin: 'fqdn', ...labels });
    expect(m('fqdn_messages_total', { result: 'parsed' })).toBe(2);
    expect(m('fqdn_messages_total', { result: 'ignored' })).toBe(1);
    expect(m('fqdn_messages_total', { result: 'malformed' })).toBe(2);
    expect(m('fqdn_ignored_total', { reason: 'rcode' })).toBe(1);
    expect(m('fqdn_malformed_total', { reason: 'short_header' })).toBe(1);
    expect(m('fqdn_malformed_total', { reason: 'truncated' })).toBe(1);
    expect(m('fqdn_malformed_total', { reason: 'pointer_loop' })).toBe(0);
    expect(m('fqdn_answers_stored_total')).toBe(2);
    expect(m('fqdn_evictions_total', { reason: 'max_entries' })).toBe(1);
    expect(m('fqdn_entries')).toBe(1);
    expect(ctx.metrics.render()).toMatch(
      /glia_fqdn_malformed_total\{plugin="fqdn",reason="pointer_chain_too_deep"\} 0/,
    );
  });

  it('never throws into the bus, whatever the bytes', () => {
    const { ctx } = started();
    const base = dnsEvent('a.example', []);
    for (let i = 0; i < 2000; i++) {
      const message = new Uint8Array(i % 300);
      for (let j = 0; j < message.length; j++) message[j] = (i * 31 + j * 17) & 255;
      ctx.bus.publish('dns', { ...base, message });
    }
    expect(ctx.bus.errors).toBe(0);
  });

  it('stops listening on stop and forgets what it learned', () => {
    const { enricher, ctx } = started();
    ctx.bus.publish(
      'dns',
      dnsEvent('a.example', [{ type: 'A', name: 'a.example', data: '1.2.3.4', ttl: 300 }]),
    );
    enricher.stop();
    expect(ctx.bus.subscriberCount('dns')).toBe(0);
    expect(field(enricher, 'dns.fqdn', '1.2.3.4')).toBeUndefined();
    expect(enricher.health().state).toBe('stopped');
  });

  it.each([
    { name: 'defaults fill in', config: {}, valid: true },
    {
      name: 'all keys',
      config: { max_entries: 10, max_names_per_ip: 2, min_ttl: 0, max_ttl: 10 },
      valid: true,
    },
    { name: 'unknown key', config: { max_entry: 10 }, valid: false },
    { name: 'zero entries', config: { max_entries: 0 }, valid: false },
    { name: 'negative TTL', config: { min_ttl: -1 }, valid: false },
    { name: 'fractional TTL', config: { max_ttl: 1.5 }, valid: false },
  ])('config schema: $name', ({ config, valid }) => {
    const validate = createAjv().compile(fqdnPlugin.configSchema);
    const copy: Record<string, unknown> = { ...config };
    expect(validate(copy)).toBe(valid);
    if (valid)
      expect(copy).toMatchObject({ max_names_per_ip: expect.any(Number), min_ttl: expect.any(Number) });
  });

  it('sizes the store from the fqdn share of limits.memory_mb unless max_entries is set', () => {
    const memory = new MemoryBudget(150);
    expect(resolveFqdnConfig({}, memory).max_entries).toBe(
      Math.floor(memory.bytes('fqdn') / BYTES_PER_ADDRESS),
    );
    expect(resolveFqdnConfig({}, new MemoryBudget(300)).max_entries).toBe(
      2 * Math.floor(memory.bytes('fqdn') / BYTES_PER_ADDRESS),
    );
    expect(resolveFqdnConfig({ max_entries: 5 }, memory).max_entries).toBe(5);
  });

  it('rejects min_ttl above max_ttl at create, naming both keys', () => {
    expect(() => fqdnPlugin.create(testContext('fqdn'), { min_ttl: 600, max_ttl: 60 })).toThrow(
      /min_ttl \(600\).*max_ttl \(60\)/,
    );
  });
});
