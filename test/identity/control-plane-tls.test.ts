import { observationOf, type FlowEvent } from '@glia/core';
import { enricherFields, testContext } from '@glia/core/testing';
import { ControlPlaneServer, ControlPlaneState } from '@glia/control-plane';
import { identityPlugin, parseInventory, type IdentityEnricher } from '@glia/enricher-identity';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestCertificates } from '../support/tls.js';

const certs = makeTestCertificates();

const inventory = (tier: string) =>
  parseInventory(`- { ip: 10.7.0.2, namespace: shop, workload: api, labels: { tier: ${tier} } }\n`).entries;

const flow: FlowEvent = {
  ts: 1n,
  iface: 'eth0',
  dir: 'egress',
  src: '10.7.0.1',
  dst: '10.7.0.2',
  sport: 40_000,
  dport: 443,
  proto: 'tcp',
};

describe.runIf(certs !== null)('the agent and the control plane over TLS', () => {
  const state = new ControlPlaneState();
  state.setInventory(inventory('web'));
  const server = new ControlPlaneServer({
    state,
    token: 'tls-token',
    tls: { cert: certs!.cert, key: certs!.key },
  });
  const stops: Array<() => unknown> = [() => server.close()];
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
  });

  it('trusts the server through the configured CA and follows its deltas', async () => {
    const { port } = await server.listen(0);
    const enricher = identityPlugin.create(testContext('identity'), {
      stream: `https://127.0.0.1:${port}/v1/stream`,
      token: 'tls-token',
      ca: certs!.caFile,
    }) as IdentityEnricher;
    stops.push(() => enricher.stop());
    const label = enricherFields(identityPlugin, enricher).find((f) => f.name === 'identity.k8s.dst_label')!;
    await enricher.start();
    const tier = () =>
      (label.resolve(observationOf(flow, 'flow')) as ReadonlyMap<string, string> | undefined)?.get('tier');
    expect(tier()).toBe('web');
    const end = Date.now() + 5000;
    while (enricher.health().state !== 'ok' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(enricher.health()).toEqual({ state: 'ok' });
    state.setInventory(inventory('db'));
    while (tier() !== 'db' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(tier()).toBe('db');
  });

  it('without the CA the server is not trusted, and the start says why', async () => {
    const { port } = server.address()!;
    const enricher = identityPlugin.create(testContext('identity'), {
      stream: `https://127.0.0.1:${port}/v1/stream`,
      token: 'tls-token',
    }) as IdentityEnricher;
    await expect(enricher.start()).rejects.toThrow(
      /https:\/\/127\.0\.0\.1:\d+\/v1\/baseline: unable to verify the first certificate/,
    );
    enricher.stop();
  });
});
