import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PacketClock } from '../clock.js';
import { loadConfigText } from '../config/load.js';
import type { ConnEvent } from '../events.js';
import type { Observation } from '../obs/observation.js';
import { createAgent } from './agent.js';

/**
 * Plugin modules on disk, loaded by path. Each records its lifecycle calls in a global journal so
 * the test can check order; `fail` makes start() throw.
 */
function plugins(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glia-runtime-'));
  const module = (kind: string, type = `probe_${kind}`, field = 'probe.tag') => `
    const journal = (globalThis.__gliaJournal ??= []);
    export default {
      type: '${type}', kind: '${kind}', description: 'records its lifecycle',
      ${kind === 'enricher' ? `fields: [{ name: '${field}', type: 'Bytes', description: 'tag' }],` : ''}
      configSchema: { type: 'object', additionalProperties: false,
        properties: { fail: { type: 'boolean', default: false }, tag: { type: 'string', default: 'x' } } },
      create(ctx, config) {
        let state = 'stopped';
        return {
          start() {
            journal.push('start ' + ctx.name);
            if (config.fail) throw new Error('cannot open /dev/nothing');
            state = 'ok';
          },
          stop() { if (state !== 'stopped') journal.push('stop ' + ctx.name); state = 'stopped'; },
          health() { return { state }; },
          ${kind === 'enricher' ? `resolvers() { return { '${field}': () => config.tag }; },` : ''}
        };
      },
    };`;
  for (const kind of ['capture', 'enricher', 'sink']) writeFileSync(join(dir, `${kind}.mjs`), module(kind));
  writeFileSync(join(dir, 'other-enricher.mjs'), module('enricher', 'probe_other', 'probe.other'));
  return dir;
}

function journal(): string[] {
  const g = globalThis as { __gliaJournal?: string[] };
  g.__gliaJournal = [];
  return g.__gliaJournal;
}

function capturedLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const CONFIG = `
capture:
  - { plugin: ./capture.mjs, name: cap }
enrichers:
  - { plugin: ./other-enricher.mjs, name: broken, fail: true }
  - { plugin: ./enricher.mjs, name: tagger, tag: blue }
sinks:
  - { plugin: ./sink.mjs, name: out1 }
  - { plugin: ./sink.mjs, name: out2 }
`;

describe('Agent', () => {
  it('keeps running when one plugin throws in start, reports it failed and logs it once', async () => {
    const calls = journal();
    const { logger, lines } = capturedLogger();
    const loaded = await loadConfigText(CONFIG, { baseDir: plugins(), env: {} });
    const agent = createAgent(loaded, { logger, clock: new PacketClock() });
    await agent.start();

    const status = Object.fromEntries(agent.status().map((s) => [s.name, s.health]));
    expect(status.broken.state).toBe('failed');
    expect(status.broken.reason).toMatch(/plugin broken: start failed: cannot open \/dev\/nothing/);
    for (const name of ['cap', 'tagger', 'out1', 'out2']) expect(status[name].state).toBe('ok');

    // Both enrichers' declared fields are offered: the working one's resolves, the failed one's
    // is absent (rules naming it still compile; only that plugin is degraded).
    const fields = new Map(agent.fields().map((f) => [f.name, f]));
    const probe = { fields: new Map() } as unknown as Observation;
    expect(fields.get('probe.tag')?.resolve(probe)).toBe('blue');
    expect(fields.get('probe.other')?.resolve(probe)).toBeUndefined();

    // The pipeline still runs: a SYN becomes an observation.
    const seen: Observation[] = [];
    agent.bus.subscribe('observation', (o) => seen.push(o));
    const syn: ConnEvent = {
      ts: 1n,
      iface: 'eth0',
      dir: 'ingress',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 40000,
      dport: 443,
      proto: 'tcp',
      phase: 'syn',
      flags: 0x02,
      ttl: 64,
      window: 64240,
      options: new Uint8Array(),
    };
    agent.bus.publish('conn', syn);
    agent.bus.publish('conn', {
      ...syn,
      phase: 'synack',
      src: syn.dst,
      dst: syn.src,
      sport: 443,
      dport: 40000,
    });
    expect(seen.map((o) => `${o.phase} ${o.client}:${o.clientPort} > ${o.server}:${o.serverPort}`)).toEqual([
      'syn 10.0.0.1:40000 > 10.0.0.2:443',
      'synack 10.0.0.1:40000 > 10.0.0.2:443',
    ]);

    await new Promise((r) => setTimeout(r, 1200)); // one health watch round
    const failures = lines.filter((l) => l.plugin === 'broken' && l.level === 50);
    expect(failures).toHaveLength(1);
    expect(agent.metrics.render()).toMatch(
      /glia_plugin_health\{kind="enricher",plugin="broken",state="failed"\} 1/,
    );

    await agent.stop();
    // Downstream first on the way up, exact reverse on the way down.
    expect(calls).toEqual([
      'start out1',
      'start out2',
      'start broken',
      'start tagger',
      'start cap',
      'stop cap',
      'stop tagger',
      'stop out2',
      'stop out1',
    ]);
  });

  it('rolls back everything started when a required plugin fails', async () => {
    const calls = journal();
    const { logger } = capturedLogger();
    const config = CONFIG.replace('name: broken, fail: true', 'name: broken, fail: true, required: true');
    const loaded = await loadConfigText(config, { baseDir: plugins(), env: {} });
    const agent = createAgent(loaded, { logger });
    await expect(agent.start()).rejects.toThrow(/required plugin broken failed/);
    expect(calls).toEqual(['start out1', 'start out2', 'start broken', 'stop out2', 'stop out1']);
    await agent.stop(); // idempotent after a rollback
  });

  it('serves metrics and status on the admin address', async () => {
    journal();
    const { logger } = capturedLogger();
    const loaded = await loadConfigText(`${CONFIG}\nadmin: { listen: "127.0.0.1:0" }\n`, {
      baseDir: plugins(),
      env: {},
    });
    const agent = createAgent(loaded, { logger });
    await agent.start();
    const listening = agent.adminAddress();
    expect(listening).not.toBeNull();
    const base = `http://127.0.0.1:${listening?.port}`;
    const status = (await (await fetch(`${base}/status`)).json()) as { plugins: Array<{ name: string }> };
    expect(status.plugins.map((p) => p.name).sort()).toEqual(['broken', 'cap', 'out1', 'out2', 'tagger']);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/# TYPE glia_plugin_health gauge/);
    await agent.stop();
  });
});

describe('declared fields', () => {
  it('an instance whose resolvers do not match its declaration fails with the plugin named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-fields-'));
    writeFileSync(
      join(dir, 'liar.mjs'),
      `export default { type: 'liar', kind: 'enricher', description: 'x', configSchema: { type: 'object' },
        fields: [{ name: 'liar.a', type: 'Int', description: 'a' }, { name: 'liar.b', type: 'Int', description: 'b' }],
        create: () => ({ start() {}, stop() {}, health: () => ({ state: 'ok' }),
          resolvers: () => ({ 'liar.a': () => 1, 'liar.c': () => 3 }) }) };`,
    );
    const loaded = await loadConfigText('enrichers:\n  - { plugin: ./liar.mjs, name: fibber }\n', {
      baseDir: dir,
      env: {},
    });
    const agent = createAgent(loaded, { logger: capturedLogger().logger });
    await agent.start();
    const [status] = agent.status();
    expect(status.health.state).toBe('failed');
    expect(status.health.reason).toBe(
      'plugin fibber: create failed: enricher fibber (liar): its instance does not match its declared fields: no resolver for declared field(s) liar.b; resolver(s) for undeclared field(s) liar.c',
    );
    await agent.stop();
  });

  it('two enrichers declaring one field is a config error at the second one', async () => {
    const dir = plugins();
    writeFileSync(
      join(dir, 'twin.mjs'),
      readFileSync(join(dir, 'enricher.mjs'), 'utf8').replace("type: 'probe_enricher'", "type: 'twin'"),
    );
    await expect(
      loadConfigText('enrichers:\n  - { plugin: ./enricher.mjs }\n  - { plugin: ./twin.mjs }\n', {
        baseDir: dir,
        env: {},
      }),
    ).rejects.toThrow(
      'config:3:7: enrichers[1].plugin: twin declares field probe.tag, which probe_enricher already provides; each field has one provider',
    );
  });
});
