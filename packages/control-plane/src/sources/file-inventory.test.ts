import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlPlaneState } from '../control-plane-state.js';
import { FileSources } from './file-inventory.js';

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('FileSources', () => {
  it('serves the files, turns each change into the next seq, and keeps the last good file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-cp-files-'));
    const inventory = join(dir, 'inventory.yaml');
    const edges = join(dir, 'edges.txt');
    const rules = join(dir, 'rules.yaml');
    writeFileSync(inventory, '- {ip: 10.0.0.1, namespace: a, workload: b}\n');
    writeFileSync(edges, 'G a/b\n');
    writeFileSync(rules, '[]\n');
    const state = new ControlPlaneState();
    const files = new FileSources({ state, inventory, edges, rules, debounceMs: 10 });
    await files.start();
    expect(state.positions).toMatchObject({ identity: 1, edges: 1, events: 3 });
    writeFileSync(inventory, '- {ip: 10.0.0.1, namespace: a, workload: c}\n');
    await until(() => state.positions.identity === 2);
    writeFileSync(inventory, '- {ip: 10.0.0.1, namespace: a}\n');
    await until(() => files.refused.inventory === 1);
    expect(state.positions.identity).toBe(2);
    writeFileSync(edges, 'G a/b\nG a/c\n');
    await until(() => state.positions.edges === 2);
    files.stop();
  });

  it('a bad file at start is an error naming its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-cp-files-'));
    const edges = join(dir, 'edges.txt');
    writeFileSync(edges, 'G a/b\nE a/b > c/d\n');
    await expect(new FileSources({ state: new ControlPlaneState(), edges }).start()).rejects.toThrow(
      `${edges}:2:12: expected ":" after the destination`,
    );
    await expect(
      new FileSources({ state: new ControlPlaneState(), inventory: join(dir, 'none.yaml') }).start(),
    ).rejects.toThrow(/none\.yaml: ENOENT/);
  });
});
