import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBudget, observationOf, type BannerEvent, type ConnectionFact } from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_NODE, BYTES_PER_PENDING, resolveServicesConfig } from './config.js';
import { plugin } from './index.js';
import { bannerEvent } from './passive/banner.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'glia-services-test-'));
const probes = join(dir, 'nmap-service-probes');
writeFileSync(
  probes,
  [
    'Probe TCP NULL q||',
    'match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w._-]+)[ -]{1}Debian| p/OpenSSH/ v/$2 Debian/ i/protocol $1/',
    '',
  ].join('\n'),
  'latin1',
);

describePluginContract(plugin, { config: { probes } });

function banner(sender: 'client' | 'server', text: string): BannerEvent {
  const payload = new Uint8Array(Buffer.from(text, 'latin1'));
  return bannerEvent(sender, { ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 22 }, payload);
}

describe('services enricher', () => {
  it('identifies a server banner, publishes the fact after storing it, and resolves service.*', async () => {
    const ctx = testContext('services');
    const enricher = plugin.create(ctx, { probes })!;
    const fields = enricherFields(plugin, enricher);
    await enricher.start();
    const facts: ConnectionFact[] = [];
    const seen: unknown[] = [];
    ctx.bus.subscribe('fact', (f) => {
      facts.push(f);
      const o = observationOf(f.event, f.phase);
      seen.push(fields.map((d) => d.resolve(o)));
    });
    ctx.bus.publish('banner', banner('server', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
    expect(facts).toHaveLength(1);
    expect(facts[0].phase).toBe('service');
    expect(seen).toEqual([['ssh', 'OpenSSH', '9.2p1 Debian', 'protocol 2.0', undefined]]);
    const node = enricher.nodeServices('10.0.0.2');
    expect(node?.services).toMatchObject([{ port: 22, service: 'ssh', info: 'protocol 2.0', line: 2 }]);
    // An unidentified banner makes no fact.
    ctx.bus.publish('banner', { ...banner('server', 'hello'), sport: 2222 });
    expect(facts).toHaveLength(1);
    expect(ctx.metrics.value('services_banners_total', { plugin: 'services', result: 'unidentified' })).toBe(
      1,
    );
    enricher.stop();
  });

  it.each([
    {
      active: { enabled: true, cidrs: ['10.0.0.0/8', '10.0.0.0/33'], ports: '22' },
      message: /active\.cidrs\[1\]: "10\.0\.0\.0\/33" is not an IP address or CIDR/,
    },
    {
      active: { enabled: true, cidrs: ['10.0.0.0/8'], ports: '22,x' },
      message: /active\.ports: bad port list item "x"/,
    },
  ])('fails at start, naming the key, on a bad active config', async ({ active, message }) => {
    const enricher = plugin.create(testContext('services'), { probes, active })!;
    await expect(enricher.start()).rejects.toThrow(message);
    expect(enricher.health()).toMatchObject({ state: 'failed' });
    enricher.stop();
  });

  it('config check: the probes file and the active config', async () => {
    expect(await plugin.checkConfig!({ probes }, dir)).toEqual([]);
    expect(await plugin.checkConfig!({ probes: 'absent' }, dir)).toEqual([
      expect.stringMatching(/^probes: cannot read nmap-service-probes at .*absent \(ENOENT\)/),
    ]);
    const bad = join(dir, 'bad-probes');
    writeFileSync(bad, 'Probe TCP NULL q||\nmatch x m|^(a|\n', 'latin1');
    expect(
      await plugin.checkConfig!({ probes: bad, active: { enabled: true, cidrs: ['x'], ports: '' } }, dir),
    ).toEqual([
      'active.cidrs[0]: "x" is not an IP address or CIDR',
      expect.stringMatching(/^probes: .*bad-probes:2: illegal regexp: missing closing parenthesis/),
    ]);
  });

  it('fails at start with the path and the system reason when the probes file is missing', async () => {
    const enricher = plugin.create(testContext('services'), { probes: join(dir, 'absent') })!;
    await expect(enricher.start()).rejects.toThrow(/cannot read nmap-service-probes at .*absent \(ENOENT\)/);
    expect(enricher.health()).toMatchObject({ state: 'failed' });
  });
});

describe('services store sizes', () => {
  it('come from the services share of limits.memory_mb unless the config sets them', () => {
    const memory = new MemoryBudget(150);
    const half = memory.bytes('services') / 2;
    expect(resolveServicesConfig({}, memory)).toMatchObject({
      max_nodes: Math.floor(half / BYTES_PER_NODE),
      max_pending: Math.floor(half / BYTES_PER_PENDING),
    });
    expect(resolveServicesConfig({ max_nodes: 3 }, memory).max_nodes).toBe(3);
  });
});
