import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { IdentityBaseline, readIdentityDelta, type IdentityDelta } from '@glia/enricher-identity';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlPlaneState } from '../control-plane-state.js';
import type { StreamEvent } from '../event-history.js';
import { KubernetesInventory } from './kubernetes-inventory.js';

const DATA = fileURLToPath(new URL('../../test-data/kubernetes/', import.meta.url));
const LIST = readFileSync(join(DATA, 'pods-list.json'), 'utf8');
const WATCH = readFileSync(join(DATA, 'pods-watch.jsonl'), 'utf8');

interface Recorded {
  server: Server;
  kc: KubeConfig;
  requests: string[];
  /** Ends the watch stream, as an API server does after its timeout. */
  endWatches(): void;
}

/**
 * An API server that answers with the recorded responses: the pod list, then on the first watch
 * the recorded events (the stream stays open), and on later watches a 410 Gone, as after
 * compaction, which makes the informer list again.
 */
async function recordedApiServer(): Promise<Recorded> {
  const requests: string[] = [];
  const watches: Array<import('node:http').ServerResponse> = [];
  let watchCount = 0;
  const server = createServer((req, res) => {
    requests.push(`${req.headers.authorization ?? '-'} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://api');
    if (url.pathname !== '/api/v1/pods') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.searchParams.get('watch') !== 'true') return void res.end(LIST);
    watches.push(res);
    if (watchCount++ === 0) res.write(WATCH);
    else
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'too old resource version: 1300 (1400)',
            reason: 'Expired',
            code: 410,
          },
        }) + '\n',
      );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'recorded',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'glia', token: 'sa-token' }],
    contexts: [{ name: 'recorded', cluster: 'recorded', user: 'glia' }],
    currentContext: 'recorded',
  });
  return {
    server,
    kc,
    requests,
    endWatches: () => {
      for (const w of watches.splice(0)) w.end();
    },
  };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('KubernetesInventory (list+watch against recorded API responses)', () => {
  it('lists pods into identities, then turns watch events into deltas', async () => {
    const api = await recordedApiServer();
    cleanup.push(
      () =>
        new Promise((r) => {
          api.server.closeAllConnections();
          api.server.close(r);
        }),
    );
    const state = new ControlPlaneState({ epoch: 'k' });
    const deltas: IdentityDelta[] = [];
    state.subscribe((e: StreamEvent) => {
      const read = readIdentityDelta(JSON.parse(e.data));
      if ('delta' in read) deltas.push(read.delta);
    });
    const source = new KubernetesInventory({ state, batchMs: 20 });
    cleanup.push(() => source.stop());
    await source.start(api.kc);

    // The list: pods with addresses of their own; the host-network, finished and pending ones are left out.
    const baseline = new IdentityBaseline(state.baseline().body, 'k8s');
    const who = (ip: string) => {
      const r = baseline.lookup(ip)?.record;
      return r === undefined
        ? null
        : `${r.namespace}/${r.workload} app=${r.app ?? '-'} exposed=${r.internet_exposed} cp=${r.control_plane}`;
    };
    expect(who('10.244.1.12')).toBe('shop/frontend app=frontend exposed=false cp=false');
    expect(who('fd00:10:244:1::c')).toBe('shop/frontend app=frontend exposed=false cp=false');
    expect(who('10.244.2.7')).toBe('shop/api app=api exposed=true cp=false');
    expect(who('10.244.2.9')).toBe('data/postgres app=postgres exposed=false cp=false');
    expect(who('10.244.0.3')).toBe('kube-system/coredns app=- exposed=false cp=false');
    expect(who('10.244.1.40')).toBe('default/debug app=- exposed=false cp=false');
    expect(who('172.18.0.2')).toBeNull();
    expect(who('10.244.1.31')).toBeNull();
    expect(baseline.lookup('10.244.1.12')?.record.labels.get('tier')).toBe('web');
    expect(state.inventorySize).toBe(6);

    // The watch: a label change, a new replica, a deleted pod, batched into one delta.
    await until(() => deltas.length >= 2);
    const last = deltas[deltas.length - 1];
    expect(
      last.upserts
        .map((u) => `${u.ip} ${u.record.workload} tier=${u.record.labels.get('tier') ?? '-'}`)
        .sort(),
    ).toEqual([
      '10.244.1.12 frontend tier=edge',
      '10.244.1.20 api tier=-',
      'fd00:10:244:1::c frontend tier=edge',
    ]);
    expect(last.removes).toEqual(['10.244.1.40']);
    expect(api.requests[0]).toBe('Bearer sa-token /api/v1/pods');
    expect(api.requests[1]).toMatch(/^Bearer sa-token \/api\/v1\/pods\?watch=true&resourceVersion=1300/);

    // The API server ends the watch; the next one answers 410 Gone: the informer lists again.
    api.endWatches();
    await until(() => api.requests.filter((r) => r.endsWith('/api/v1/pods')).length >= 2);
    await until(
      () =>
        state.baseline().body.length > 0 &&
        new IdentityBaseline(state.baseline().body, 'k8s').lookup('10.244.1.40') !== null,
    );
    // The relist is the recorded list again: the debug pod is back, the new replica gone.
    const relisted = new IdentityBaseline(state.baseline().body, 'k8s');
    expect(relisted.lookup('10.244.1.20')).toBeNull();
    expect(relisted.lookup('10.244.1.12')?.record.labels.get('tier')).toBe('web');
  });

  it('keeps trying to list while the API server is away, and starts once it is back', async () => {
    const api = await recordedApiServer();
    const port = (api.server.address() as AddressInfo).port;
    await new Promise((r) => api.server.close(r));
    const state = new ControlPlaneState();
    const source = new KubernetesInventory({ state, retryMs: 20 });
    cleanup.push(() => source.stop());
    let started = false;
    const starting = source.start(api.kc).then(() => (started = true));
    await until(() => source.restarts >= 2);
    expect(started).toBe(false);
    expect(state.inventorySize).toBe(0);
    await new Promise<void>((r) => api.server.listen(port, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise((r) => {
          api.server.closeAllConnections();
          api.server.close(r);
        }),
    );
    await starting;
    expect(state.inventorySize).toBe(6);
  });
});
