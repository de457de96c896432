import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfiguredRules } from './configured-rules.js';

describe('loadConfiguredRules', () => {
  it('passes inline rules through', async () => {
    const inline = [{ id: 'a', expression: 'tcp.dstport eq 22', action: 'drop' as const }];
    expect(await loadConfiguredRules(inline, '/nowhere')).toEqual({
      rules: inline,
      settings: {},
      problems: [],
    });
  });

  it('reads a rule file relative to the config directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-cfgrules-'));
    writeFileSync(join(dir, 'rules.yaml'), '- {id: a, expression: "tcp.dstport eq 22", action: drop}\n');
    const loaded = await loadConfiguredRules('rules.yaml', dir);
    expect(loaded.rulesFile).toBe(join(dir, 'rules.yaml'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules.map((r) => ('entry' in r ? r.entry.id : r.id))).toEqual(['a']);
  });

  it('reports a missing rule file', async () => {
    const loaded = await loadConfiguredRules('missing.yaml', '/nowhere');
    expect(loaded.problems[0].message).toMatch(/cannot read the rule file/);
  });
});
