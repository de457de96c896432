import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { observationOf, type FlowEvent } from '@glia/core';
import { describePluginContract, enricherFields, testContext } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { parseInventory } from './inventory/inventory.js';
import { buildIdentityMmdb } from './mmdb/identity-mmdb.js';
import { identityPlugin } from './plugin.js';
import type { IdentityEnricher } from './identity-enricher.js';

const dir = mkdtempSync(join(tmpdir(), 'glia-identity-plugin-'));

function writeInventory(path: string, yaml: string): void {
  const { entries, problems } = parseInventory(yaml, 'test');
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  writeFileSync(`${path}.tmp`, buildIdentityMmdb(entries));
  renameSync(`${path}.tmp`, path);
}

const INVENTORY = `
- ip: 10.0.0.1
  namespace: shop
  workload: frontend
  app: frontend
  labels: { app: frontend, tier: web }
- ip: 10.0.0.2
  namespace: shop
  workload: api
  labels: { app: api }
  internet_exposed: false
- cidr: 10.5.0.0/16
  namespace: kube-system
  workload: apiserver
  control_plane: true
  internet_exposed: true
`;
const EDGES = 'E shop/frontend > shop/api : 8080\nG shop/api\nS shop/frontend\n';

const mmdb = join(dir, 'identity.mmdb');
const edges = join(dir, 'edges.txt');
writeInventory(mmdb, INVENTORY);
writeFileSync(edges, EDGES);

describePluginContract(identityPlugin, { config: { mmdb, edges } });

function flow(src: string, dst: string, dport: number): FlowEvent {
  return { ts: 1n, iface: 'eth0', dir: 'egress', src, dst, sport: 40_000, dport, proto: 'tcp' };
}

async function started(config: Record<string, unknown>): Promise<{
  enricher: IdentityEnricher;
  field: (name: string, src: string, dst: string, port?: number) => unknown;
}> {
  const ctx = testContext('identity');
  const enricher = identityPlugin.create(ctx, config) as IdentityEnricher;
  const fields = enricherFields(identityPlugin, enricher);
  await enricher.start();
  return {
    enricher,
    field: (name, src, dst, port = 8080) =>
      fields.find((f) => f.name === name)?.resolve(observationOf(flow(src, dst, port), 'flow')),
  };
}

describe('identity enricher', () => {
  it('resolves both sides, labels and flags from the baseline; unknown addresses are absent', async () => {
    const { enricher, field } = await started({ mmdb, edges, watch: false });
    expect(enricher.health().state).toBe('ok');
    expect(field('identity.k8s.src_namespace', '10.0.0.1', '10.0.0.2')).toBe('shop');
    expect(field('identity.k8s.src_workload', '10.0.0.1', '10.0.0.2')).toBe('frontend');
    expect(field('identity.k8s.src_app', '10.0.0.1', '10.0.0.2')).toBe('frontend');
    expect(field('identity.k8s.dst_app', '10.0.0.1', '10.0.0.2')).toBeUndefined();
    expect(field('identity.k8s.src_label', '10.0.0.1', '10.0.0.2')).toEqual(
      new Map([
        ['app', 'frontend'],
        ['tier', 'web'],
      ]),
    );
    expect(field('identity.k8s.dst_label', '10.0.0.1', '10.0.0.2')).toEqual(new Map([['app', 'api']]));
    expect(field('identity.internet_exposed', '10.0.0.1', '10.0.0.2')).toBe(0);
    expect(field('identity.control_plane', '10.0.0.1', '10.5.3.4', 443)).toBe(1);
    expect(field('identity.internet_exposed', '10.0.0.1', '10.5.3.4', 443)).toBe(1);
    expect(field('identity.k8s.dst_workload', '10.0.0.1', '192.0.2.1')).toBeUndefined();
    expect(field('identity.internet_exposed', '10.0.0.1', '192.0.2.1')).toBeUndefined();
    enricher.stop();
  });

  it('decides declared edges and violations, unknown addresses as host/<ip>', async () => {
    const { enricher, field } = await started({ mmdb, edges, watch: false });
    const decision = (src: string, dst: string, port: number): [unknown, unknown] => [
      field('edge.declared', src, dst, port),
      field('edge.policy_violation', src, dst, port),
    ];
    expect(decision('10.0.0.1', '10.0.0.2', 8080)).toEqual([1, 0]);
    expect(decision('10.0.0.1', '10.0.0.2', 22)).toEqual([0, 1]); // api is ingress-governed
    expect(decision('10.0.0.1', '192.0.2.1', 443)).toEqual([0, 1]); // frontend is egress-governed
    expect(decision('192.0.2.9', '10.5.0.1', 443)).toEqual([0, 0]); // nobody governs these
    enricher.stop();
  });

  it('without edges the edge fields are absent', async () => {
    const { enricher, field } = await started({ mmdb, watch: false });
    expect(field('edge.declared', '10.0.0.1', '10.0.0.2')).toBeUndefined();
    expect(field('identity.k8s.dst_workload', '10.0.0.1', '10.0.0.2')).toBe('api');
    enricher.stop();
  });

  it('reloads the baseline and edges when their files are replaced, without a restart', async () => {
    const own = mkdtempSync(join(tmpdir(), 'glia-identity-watch-'));
    const file = join(own, 'identity.mmdb');
    const edgeFile = join(own, 'edges.txt');
    writeInventory(file, INVENTORY);
    writeFileSync(edgeFile, EDGES);
    const { enricher, field } = await started({ mmdb: file, edges: edgeFile });
    expect(field('identity.k8s.dst_workload', '10.0.0.1', '10.0.0.2')).toBe('api');
    writeInventory(file, INVENTORY.replace('workload: api', 'workload: api-v2'));
    writeFileSync(edgeFile, 'E shop/frontend > shop/api-v2 : 22\nG shop/api-v2\n');
    const deadline = Date.now() + 5000;
    while (
      field('identity.k8s.dst_workload', '10.0.0.1', '10.0.0.2') !== 'api-v2' ||
      field('edge.declared', '10.0.0.1', '10.0.0.2', 22) !== 1
    ) {
      if (Date.now() > deadline) throw new Error('the files were not reloaded within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    // A half-written file is not swapped in: the last good one stays.
    writeFileSync(file, Buffer.from('not an mmdb at all'));
    await new Promise((r) => setTimeout(r, 500));
    expect(field('identity.k8s.dst_workload', '10.0.0.1', '10.0.0.2')).toBe('api-v2');
    expect(enricher.health().state).toBe('degraded');
    expect(enricher.health().reason).toMatch(
      /identity: re-pull failed: .*identity\.mmdb: not a MaxMind DB file/,
    );
    enricher.stop();
  });

  const startFailures: Array<[string, () => Record<string, unknown>, RegExp]> = [
    [
      'a missing baseline file, naming it and the system reason',
      () => ({ mmdb: join(dir, 'nope.mmdb') }),
      /nope\.mmdb: ENOENT/,
    ],
    [
      'a baseline that is not an MMDB',
      () => {
        writeFileSync(join(dir, 'bad.mmdb'), 'hello');
        return { mmdb: join(dir, 'bad.mmdb') };
      },
      /bad\.mmdb: not a MaxMind DB file/,
    ],
    [
      'an edges file with a bad line, at its line and column',
      () => {
        writeFileSync(join(dir, 'bad-edges.txt'), 'G shop/api\nE shop/a > shop/b : http\n');
        return { mmdb, edges: join(dir, 'bad-edges.txt') };
      },
      /bad-edges\.txt:2:21: "http" is not a port/,
    ],
    ['neither mmdb nor stream', () => ({}), /give "mmdb" \(a file or URL\), "stream"/],
  ];
  it.each(startFailures)('fails to start on %s', async (_name, config, message) => {
    const enricher = identityPlugin.create(testContext('identity'), config()) as IdentityEnricher;
    await expect(enricher.start()).rejects.toThrow(message);
    enricher.stop();
    expect(enricher.health().state).toBe('stopped');
  });
});
