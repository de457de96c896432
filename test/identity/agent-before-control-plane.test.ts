import { createServer } from 'node:net';
import { observationOf, type FlowEvent } from '@glia/core';
import { enricherFields, testContext } from '@glia/core/testing';
import { ControlPlaneServer, ControlPlaneState } from '@glia/control-plane';
import { identityPlugin, parseInventory, type IdentityEnricher } from '@glia/enricher-identity';
import { afterAll, describe, expect, it } from 'vitest';

/** A port nothing listens on yet. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const flow: FlowEvent = {
  ts: 1n,
  iface: 'eth0',
  dir: 'egress',
  src: '10.8.0.1',
  dst: '10.8.0.2',
  sport: 40_000,
  dport: 80,
  proto: 'tcp',
};
const stops: Array<() => unknown> = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
});

describe('an agent started before its control plane', () => {
  it('starts degraded, then takes the baseline, edges and deltas once the control plane is up', async () => {
    const port = await freePort();
    const enricher = identityPlugin.create(testContext('identity'), {
      stream: `http://127.0.0.1:${port}/v1/stream`,
      token: 't',
      reconnect_initial_ms: 50,
      reconnect_max_ms: 200,
    }) as IdentityEnricher;
    stops.push(() => enricher.stop());
    const fields = enricherFields(identityPlugin, enricher);
    const read = (name: string) => fields.find((f) => f.name === name)!.resolve(observationOf(flow, 'flow'));
    await enricher.start();
    expect(enricher.health().state).toBe('degraded');
    expect(enricher.health().reason).toMatch(/(identity|edges): .*ECONNREFUSED.*; retrying/);
    expect(read('identity.k8s.dst_workload')).toBeUndefined();

    const state = new ControlPlaneState();
    state.setInventory(parseInventory('- { ip: 10.8.0.2, namespace: shop, workload: api }\n').entries);
    const server = new ControlPlaneServer({ state, token: 't' });
    stops.push(() => server.close());
    await server.listen(port);
    const end = Date.now() + 10_000;
    while (
      (read('identity.k8s.dst_workload') !== 'api' || enricher.health().state !== 'ok') &&
      Date.now() < end
    )
      await new Promise((r) => setTimeout(r, 20));
    expect(read('identity.k8s.dst_workload')).toBe('api');
    expect(read('edge.declared')).toBe(0);
    expect(enricher.health()).toEqual({ state: 'ok' });
    state.setInventory(parseInventory('- { ip: 10.8.0.2, namespace: shop, workload: api-v2 }\n').entries);
    while (read('identity.k8s.dst_workload') !== 'api-v2' && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect(read('identity.k8s.dst_workload')).toBe('api-v2');
  });
});
