import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore, SqliteStore, type GraphStore } from '@glia/collector';
import { FleetGraph } from '@glia/service-graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical, sliceStream } from '../support/graph-slices.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../support/postgres.js';

/**
 * Every store must give what the in-memory reference model (FleetGraph, the merge rule written
 * plainly) gives for the same stream of slices: replacement per agent and edge, late retries
 * ignored, restarts replacing, agents summed.
 */
function storeContract(name: string, make: (tag: string) => Promise<GraphStore>): void {
  describe(`${name} store`, () => {
    for (const seed of [1, 2, 3]) {
      it(`equals the reference merge for seeded stream ${seed}`, async () => {
        const store = await make(`seed${seed}`);
        await store.init();
        try {
          const fleet = new FleetGraph();
          const changes: string[] = [];
          store.onChange((agent) => changes.push(agent));
          for (const slice of sliceStream(seed, 4, 150)) {
            await store.put(slice, 5000);
            fleet.apply(slice);
          }
          expect(canonical(await store.read())).toEqual(canonical(fleet.raw()));
          const counts = await store.counts();
          expect(counts.agents).toBe(4);
          await waitFor(() => changes.length === 150);
          // Time filter: overlap of [first_seen, last_seen] with [from, to].
          const all = fleet.raw().edges;
          const middle = 1_700_000_000_000 + 75_000;
          const late = (await store.read(middle)).edges;
          expect(late.length).toBe(all.filter((e) => e.last_seen >= middle).length);
          const early = (await store.read(undefined, middle)).edges;
          expect(early.length).toBe(all.filter((e) => e.first_seen <= middle).length);
        } finally {
          await store.close();
        }
      });
    }

    it('prunes what agents stopped reporting, by collector receive time', async () => {
      const store = await make('prune');
      await store.init();
      try {
        const [a, b] = sliceStream(9, 2, 2);
        await store.put(a, 1000);
        await store.put({ ...b, agent: a.agent === b.agent ? 'other' : b.agent }, 2000);
        const before = await store.counts();
        const deleted = await store.prune(1500);
        const after = await store.counts();
        expect(deleted).toBeGreaterThan(0);
        expect(after.agents).toBe(1);
        expect(after.edges).toBeLessThan(before.edges);
        expect((await store.agents()).map((r) => r.received_at)).toEqual([2000]);
      } finally {
        await store.close();
      }
    });
  });
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for change notifications');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'glia-store-'));
storeContract('SQLite', async (tag) => new SqliteStore(join(dir, `${tag}.db`)));

const withPostgres = hasPostgres();
let server: TestPostgres | null = null;
describe.skipIf(!withPostgres)('PostgreSQL', () => {
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(() => server?.stop());
  storeContract('PostgreSQL', async (tag) => new PostgresStore(server!.createDatabase(`glia_${tag}`)));

  it('two stores writing one database at once: the same merge, and each hears the other', async () => {
    const url = server!.createDatabase('glia_shared');
    const one = new PostgresStore(url, 3);
    const two = new PostgresStore(url, 3);
    await Promise.all([one.init(), two.init()]);
    try {
      const heard: string[][] = [[], []];
      one.onChange((a) => heard[0].push(a));
      two.onChange((a) => heard[1].push(a));
      const slices = sliceStream(42, 6, 300);
      // Each agent's slices stay in order within one writer (as one agent's uploader sends them),
      // but the agents are spread over both writers, which run concurrently.
      const byAgent = new Map<string, typeof slices>();
      for (const s of slices) byAgent.set(s.agent, [...(byAgent.get(s.agent) ?? []), s]);
      const writers = [...byAgent.values()].map((list, i) => async () => {
        for (const s of list) await (i % 2 === 0 ? one : two).put(s, 1);
      });
      await Promise.all(writers.map((w) => w()));
      const fleet = new FleetGraph();
      for (const s of slices) fleet.apply(s);
      expect(canonical(await one.read())).toEqual(canonical(fleet.raw()));
      expect(canonical(await two.read())).toEqual(canonical(fleet.raw()));
      await waitFor(() => heard[0].length === 300 && heard[1].length === 300);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('the same agent through two collectors at once (a retry landing on the other one) keeps the newest', async () => {
    const url = server!.createDatabase('glia_race');
    const one = new PostgresStore(url, 4);
    const two = new PostgresStore(url, 4);
    await Promise.all([one.init(), two.init()]);
    try {
      const slices = sliceStream(7, 1, 120);
      // Every slice goes to both at the same time, in any interleaving: the rule keeps the newest.
      await Promise.all(
        slices
          .map((s, i) => (i % 2 === 0 ? [one.put(s, 1), two.put(s, 1)] : [two.put(s, 1), one.put(s, 1)]))
          .flat(),
      );
      const fleet = new FleetGraph();
      for (const s of slices) fleet.apply(s);
      expect(canonical(await one.read())).toEqual(canonical(fleet.raw()));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
