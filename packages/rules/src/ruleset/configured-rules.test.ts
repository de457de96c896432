import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldsForEnrichers } from '../fields/enabled-fields.js';
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

describe('fieldsForEnrichers', () => {
  it.each([
    [
      [],
      [
        'conn.phase',
        'ip.dst',
        'ip.proto',
        'ip.src',
        'net.vni',
        'tcp.dstport',
        'tcp.srcport',
        'udp.dstport',
        'udp.srcport',
      ],
    ],
    [
      ['fqdn'],
      [
        'conn.phase',
        'dns.fqdn',
        'ip.dst',
        'ip.proto',
        'ip.src',
        'net.vni',
        'tcp.dstport',
        'tcp.srcport',
        'udp.dstport',
        'udp.srcport',
      ],
    ],
  ])('%j enables the core fields and theirs', (types, expected) => {
    expect(
      fieldsForEnrichers(types)
        .map((f) => f.name)
        .sort(),
    ).toEqual(expected);
  });

  it('identity brings the identity.* and edge.* fields', () => {
    const names = fieldsForEnrichers(['identity']).map((f) => f.name);
    expect(names).toContain('edge.policy_violation');
    expect(names).toContain('identity.k8s.src_label');
    expect(names).not.toContain('flow.flows_per_min');
  });
});
