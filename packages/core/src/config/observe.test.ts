import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { loadConfigText } from './load.js';
import { describeChoice, expandObserve, type ObserveRung } from './observe.js';

/** Capture plugins on disk whose probe answers as told; `requires` may name a feature no host has. */
function backends(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glia-ladder-'));
  const plugin = (type: string, probe: string | null, extra = '') => `
    export default {
      type: '${type}', kind: 'capture', description: 'a backend for the ladder test', ${extra}
      configSchema: { type: 'object', additionalProperties: false, properties: {
        interfaces: { type: 'array' }, egress_interfaces: { type: 'array' }, attach: { enum: ['tcx', 'tc'] } } },
      ${probe === null ? '' : `probe(config) { globalThis.__probes = [...(globalThis.__probes ?? []), '${type}:' + (config.attach ?? '-')]; return ${probe}; },`}
      create() { return { start() {}, stop() {}, health() { return { state: 'ok' }; } }; },
    };`;
  writeFileSync(join(dir, 'ok.mjs'), plugin('ok_backend', '{ ok: true }'));
  writeFileSync(
    join(dir, 'eperm.mjs'),
    plugin('eperm_backend', "{ ok: false, reason: 'EPERM: needs CAP_BPF' }"),
  );
  writeFileSync(
    join(dir, 'tc-only.mjs'),
    plugin('tc_only', "config.attach === 'tc' ? { ok: true } : { ok: false, reason: 'no tcx hooks' }"),
  );
  writeFileSync(
    join(dir, 'throws.mjs'),
    plugin('throws_backend', "(() => { throw new Error('probe blew up'); })()"),
  );
  writeFileSync(join(dir, 'noprobe.mjs'), plugin('no_probe', null));
  writeFileSync(
    join(dir, 'nohost.mjs'),
    plugin('no_host', '{ ok: true }', "requires: ['cap_net_raw', 'feature_no_host_has'],"),
  );
  return dir;
}

const dir = backends();
const ladder = (tcx: string, afPacket: string): ObserveRung[] => [
  { rung: 'tcx', plugin: join(dir, tcx), config: {} },
  { rung: 'tc', plugin: join(dir, tcx), config: { attach: 'tc' } },
  { rung: 'af_packet', plugin: join(dir, afPacket), config: {} },
];

async function expand(mode: string, rungs: ObserveRung[]) {
  const loaded = await loadConfigText(`observe: { mode: ${mode}, interfaces: [veth1] }\n`, { baseDir: dir });
  const choice = await expandObserve(loaded, undefined, rungs);
  return { loaded, choice };
}

describe('observe.mode auto: the backend ladder', () => {
  it.each([
    {
      name: 'the best rung that probes ok wins; the rest are untried',
      tcx: 'ok.mjs',
      af: 'ok.mjs',
      chosen: 'tcx',
      outcomes: ['chosen', 'untried', 'untried'],
    },
    {
      name: 'no tcx hooks but legacy tc works',
      tcx: 'tc-only.mjs',
      af: 'ok.mjs',
      chosen: 'tc',
      outcomes: ['refused', 'chosen', 'untried'],
    },
    {
      name: 'BPF refused: af_packet',
      tcx: 'eperm.mjs',
      af: 'ok.mjs',
      chosen: 'af_packet',
      outcomes: ['refused', 'refused', 'chosen'],
    },
    {
      name: 'a probe that throws refuses its rung',
      tcx: 'throws.mjs',
      af: 'ok.mjs',
      chosen: 'af_packet',
      outcomes: ['refused', 'refused', 'chosen'],
    },
    {
      name: 'a plugin that is not installed refuses its rung',
      tcx: 'missing.mjs',
      af: 'noprobe.mjs',
      chosen: 'af_packet',
      outcomes: ['refused', 'refused', 'chosen'],
    },
  ])('$name', async ({ tcx, af, chosen, outcomes }) => {
    const { loaded, choice } = await expand('auto', ladder(tcx, af));
    expect(choice?.chosen).toBe(chosen);
    expect(choice?.rungs.map((r) => r.outcome)).toEqual(outcomes);
    expect(loaded.observe).toBe(choice);
    const added = loaded.plugins.filter((p) => p.section === 'capture');
    expect(added.map((p) => p.name)).toEqual([`observe-${chosen}`]);
    expect(added[0].config).toMatchObject({ interfaces: ['veth1'], egress_interfaces: ['auto'] });
    if (chosen === 'tc') expect(added[0].config).toMatchObject({ attach: 'tc' });
    for (const r of choice?.rungs ?? []) expect(r.outcome === 'refused').toBe(r.reason !== undefined);
  });

  it('says why each rung was refused, in one line', async () => {
    const { choice } = await expand('auto', ladder('eperm.mjs', 'ok.mjs'));
    expect(describeChoice(choice!)).toBe(
      'observe backend af_packet (mode auto); refused: tcx: EPERM: needs CAP_BPF; tc: EPERM: needs CAP_BPF',
    );
    const missing = await expand('auto', ladder('missing.mjs', 'ok.mjs'));
    expect(missing.choice?.rungs[0].reason).toMatch(
      /^plugin .*missing\.mjs is not installed: .*does not exist/,
    );
  });

  it('a rung whose plugin requires what the host lacks is refused with the features named', async () => {
    const { choice } = await expand('auto', ladder('nohost.mjs', 'ok.mjs'));
    expect(choice?.rungs[0]).toMatchObject({
      outcome: 'refused',
      reason: 'host lacks: feature_no_host_has',
    });
  });

  it('no rung at all is an input error naming observe.mode and every reason', async () => {
    const error = await expand('auto', ladder('eperm.mjs', 'eperm.mjs')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /observe\.mode: auto found no live capture backend this host can run \(tcx: EPERM.*; tc: EPERM.*; af_packet: EPERM: needs CAP_BPF\)/,
    );
  });

  it('an explicit mode adds its plugin without probing (a host that cannot run it shows it failed)', async () => {
    (globalThis as { __probes?: string[] }).__probes = [];
    const { loaded, choice } = await expand('af_packet', ladder('ok.mjs', 'eperm.mjs'));
    expect(choice).toMatchObject({ mode: 'af_packet', chosen: 'af_packet', instance: 'observe-af_packet' });
    expect(loaded.plugins.map((p) => p.name)).toEqual(['observe-af_packet']);
    expect((globalThis as { __probes?: string[] }).__probes).toEqual([]);
  });

  it('without an observe section nothing is added', async () => {
    const loaded = await loadConfigText('{}', { baseDir: dir });
    expect(await expandObserve(loaded, undefined, ladder('ok.mjs', 'ok.mjs'))).toBeNull();
    expect(loaded.plugins).toEqual([]);
  });
});
