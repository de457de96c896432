import { parseCidr, type Cidr } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { IdentityStore } from './identity-store.js';
import { buildIdentityMmdb, IdentityBaseline } from './mmdb/identity-mmdb.js';
import type { DeltaPosition } from './overlay/delta-sequence.js';
import { DeltaSync } from './overlay/delta-sync.js';
import { readIdentityDelta, type IdentityDelta } from './overlay/identity-delta.js';
import type { IdentityRecord } from './record/identity-record.js';

const rec = (workload: string, labels: Record<string, string> = {}): IdentityRecord => ({
  namespace: 'shop',
  workload,
  labels: new Map(Object.entries(labels)),
  internet_exposed: false,
  control_plane: false,
});

/**
 * The reference model: a producer holding the truth as a plain Map, numbering its changes. Its
 * baseline is an MMDB of the whole truth at the current seq, as the control plane serves it.
 */
class Producer {
  truth = new Map<string, IdentityRecord>();
  epoch = 'e1';
  seq = 0;
  pulls = 0;

  change(upserts: Array<[string, IdentityRecord]>, removes: string[] = []): IdentityDelta {
    for (const [ip, r] of upserts) this.truth.set(ip, r);
    for (const ip of removes) this.truth.delete(ip);
    this.seq++;
    // Through the JSON form, as it travels.
    const json = {
      epoch: this.epoch,
      seq: this.seq,
      upserts: upserts.map(([ip, r]) => ({
        ip,
        namespace: r.namespace,
        workload: r.workload,
        labels: Object.fromEntries(r.labels),
      })),
      removes,
    };
    const read = readIdentityDelta(JSON.parse(JSON.stringify(json)));
    if ('problem' in read) throw new Error(read.problem);
    return read.delta;
  }

  restart(): void {
    this.epoch = `e${Number(this.epoch.slice(1)) + 1}`;
    this.seq = 0;
  }

  baseline(): { baseline: IdentityBaseline; position: DeltaPosition } {
    this.pulls++;
    const entries = [...this.truth].map(([ip, record]) => ({ network: parseCidr(ip) as Cidr, record }));
    return {
      baseline: new IdentityBaseline(buildIdentityMmdb(entries), 'producer'),
      position: { epoch: this.epoch, seq: this.seq },
    };
  }
}

const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '2001:db8::7'];

function agent(producer: Producer): {
  store: IdentityStore;
  sync: DeltaSync<IdentityDelta>;
  release: () => void;
} {
  const first = producer.baseline();
  const store = new IdentityStore({ cacheSize: 100, maxOverlay: 1000 }, first.baseline);
  let gate: () => void = () => undefined;
  const sync = new DeltaSync<IdentityDelta>({
    apply: (d) => store.applyDelta(d),
    // The re-pull waits on a gate, so deltas arriving during it can be sent in between.
    repull: () =>
      new Promise((resolve) => {
        gate = () => {
          const pulled = producer.baseline();
          store.replaceBaseline(pulled.baseline);
          resolve(pulled.position);
        };
      }),
  });
  sync.start(first.position);
  return { store, sync, release: () => gate() };
}

/** Every address as the agent sees it, against the producer's truth. */
function expectInStep(store: IdentityStore, producer: Producer, step: string): void {
  for (const ip of ADDRESSES) {
    expect(store.lookup(ip)?.workload ?? null, `${step}: ${ip}`).toBe(
      producer.truth.get(ip)?.workload ?? null,
    );
    expect(store.lookup(ip)?.labels ?? null, `${step}: ${ip} labels`).toEqual(
      producer.truth.get(ip)?.labels ?? null,
    );
  }
}

describe('a sequence of identity deltas over a baseline', () => {
  it('gives the right identity after every step; a gap re-pulls the baseline exactly once', async () => {
    const producer = new Producer();
    producer.truth.set('10.0.0.1', rec('frontend', { app: 'frontend' }));
    producer.truth.set('10.0.0.2', rec('api'));
    producer.truth.set('10.0.0.3', rec('redis'));
    const { store, sync, release } = agent(producer);
    expectInStep(store, producer, 'baseline');
    expect(producer.pulls).toBe(1);

    // Upserts: a new address, and a changed one (its cached identity must not linger).
    expect(store.lookup('10.0.0.1')?.workload).toBe('frontend');
    const d1 = producer.change([
      ['10.0.0.4', rec('worker')],
      ['10.0.0.1', rec('frontend-v2', { app: 'frontend', track: 'canary' })],
    ]);
    expect(sync.receive(d1)).toBe('applied');
    expectInStep(store, producer, 'upserts');

    // A remove hides the baseline's record.
    const d2 = producer.change([], ['10.0.0.2']);
    expect(sync.receive(d2)).toBe('applied');
    expectInStep(store, producer, 'remove');

    // The same seq again (a replay after a reconnect) changes nothing.
    expect(sync.receive(d2)).toBe('duplicate');
    expect(sync.receive(d1)).toBe('duplicate');
    expectInStep(store, producer, 'duplicate');

    // A gap: seq 3 is lost on the way; 4 shows the gap, 5 arrives while the baseline is pulled.
    producer.change([['10.0.0.3', rec('redis-replica')]]);
    const d4 = producer.change([['2001:db8::7', rec('v6-api')]]);
    expect(sync.receive(d4)).toBe('resync');
    const d5 = producer.change([['10.0.0.5', rec('batch')]], ['10.0.0.4']);
    expect(sync.receive(d5)).toBe('buffered');
    expect(sync.receive(d4)).toBe('buffered');
    expect(sync.resyncing).toBe(true);
    release();
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(sync.resyncing).toBe(false);
    expect(producer.pulls).toBe(2); // exactly one re-pull for the gap
    expect(sync.counters.repulls).toBe(1);
    expect(sync.position).toEqual({ epoch: 'e1', seq: 5 });
    expectInStep(store, producer, 'after the gap');

    // A new epoch (the producer restarted): the overlay goes, the baseline is pulled again.
    producer.restart();
    const e2d1 = producer.change([['10.0.0.2', rec('api-restored')]]);
    expect(sync.receive(e2d1)).toBe('resync');
    release();
    await new Promise((r) => setImmediate(r));
    expect(producer.pulls).toBe(3);
    expect(sync.position).toEqual({ epoch: 'e2', seq: 1 });
    expect(store.overlaySize).toBe(0);
    expectInStep(store, producer, 'new epoch');

    // And deltas go on applying in the new epoch.
    expect(sync.receive(producer.change([], ['10.0.0.1']))).toBe('applied');
    expectInStep(store, producer, 'after the new epoch');
    expect(sync.counters).toMatchObject({ resyncs: 2, repulls: 2, repullFailures: 0, dropped: 0 });
  });

  it('a failed re-pull keeps the old identities, then retries', async () => {
    const store = new IdentityStore({ cacheSize: 10, maxOverlay: 10 });
    let attempts = 0;
    const sync = new DeltaSync<IdentityDelta>({
      apply: (d) => store.applyDelta(d),
      repull: () => {
        attempts++;
        return attempts === 1
          ? Promise.reject(new Error('ECONNREFUSED'))
          : Promise.resolve({ epoch: 'b', seq: 1 });
      },
      retryMs: 5,
    });
    sync.start({ epoch: 'a', seq: 1 });
    const upsert = readIdentityDelta({
      epoch: 'a',
      seq: 2,
      upserts: [{ ip: '10.0.0.1', namespace: 'n', workload: 'w' }],
    });
    if ('problem' in upsert) throw new Error(upsert.problem);
    sync.receive(upsert.delta);
    expect(store.lookup('10.0.0.1')?.workload).toBe('w');
    sync.receive({ epoch: 'b', seq: 1, upserts: [], removes: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(2);
    expect(sync.counters.repullFailures).toBe(1);
    expect(sync.position).toEqual({ epoch: 'b', seq: 1 });
    sync.close();
  });

  it('a full overlay asks for a resync instead of growing', async () => {
    const store = new IdentityStore({ cacheSize: 10, maxOverlay: 2 });
    let pulls = 0;
    const sync = new DeltaSync<IdentityDelta>({
      apply: (d) => store.applyDelta(d),
      repull: () => {
        pulls++;
        store.replaceBaseline(null);
        return Promise.resolve({ epoch: 'a', seq: 3 });
      },
    });
    sync.start({ epoch: 'a', seq: 0 });
    const delta = (seq: number, ips: string[]): IdentityDelta => ({
      epoch: 'a',
      seq,
      upserts: ips.map((ip) => ({ ip, record: rec('w') })),
      removes: [],
    });
    expect(sync.receive(delta(1, ['10.0.0.1', '10.0.0.2']))).toBe('applied');
    expect(sync.receive(delta(2, ['10.0.0.3']))).toBe('resync');
    await new Promise((r) => setImmediate(r));
    expect(pulls).toBe(1);
    expect(store.overlaySize).toBe(0);
    expect(sync.receive(delta(4, ['10.0.0.4']))).toBe('applied');
  });
});
