import { readFileSync } from 'node:fs';
import type { FieldValue, Observation, Verdict } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { auditRecord, RECORDED_FIELDS, rfc3339Nanos } from './record.js';

const TS = 1_714_564_800_123_456_789n; // 2024-05-01T12:00:00.123456789Z

function verdict(
  partial: Partial<Verdict>,
  fields: Record<string, FieldValue> = {},
  edge: Partial<Observation> = {},
): Verdict {
  const observation = {
    ts: TS,
    iface: 'cilium_vxlan',
    dir: 'ingress',
    phase: 'syn',
    client: '10.244.1.7',
    server: '10.244.2.9',
    clientPort: 40000,
    serverPort: 5432,
    proto: 'tcp',
    fields: new Map(Object.entries(fields)),
    ...edge,
  } as Observation;
  return { ts: TS, action: 'drop', enforce: true, ruleIds: ['r1'], observation, ...partial };
}

const IDENTITIES: Record<string, FieldValue> = {
  'identity.k8s.src_namespace': 'shop',
  'identity.k8s.src_workload': 'frontend',
  'identity.k8s.src_app': 'web',
  'identity.k8s.src_label': new Map([
    ['tier', 'edge'],
    ['app', 'web'],
  ]),
  'identity.k8s.dst_namespace': 'db',
  'identity.k8s.dst_workload': 'postgres',
};

const EDGE =
  '"edge":{"client":"10.244.1.7","server":"10.244.2.9","server_port":5432,"proto":"tcp","phase":"syn"}';
const TIME = '"time":"2024-05-01T12:00:00.123456789Z","ts":"1714564800123456789","agent":"node-1"';

describe('auditRecord (golden lines)', () => {
  const cases: Array<{ name: string; verdict: Verdict; line: string }> = [
    {
      name: 'enforced drop → Block with ttl, identities, labels sorted',
      verdict: verdict({ ttl: 600, source: 'microseg', ruleIds: ['no-db', 'deny-all'] }, IDENTITIES),
      line:
        `{${TIME},"action":"Block","rule_ids":["no-db","deny-all"],"source":"microseg",${EDGE},` +
        '"src":{"namespace":"shop","workload":"frontend","app":"web","labels":{"app":"web","tier":"edge"}},' +
        '"dst":{"namespace":"db","workload":"postgres"},"ttl":600}',
    },
    {
      name: 'drop with enforce false → WouldBlock, no ttl even when the rule has one',
      verdict: verdict({ enforce: false, ttl: 600 }),
      line: `{${TIME},"action":"WouldBlock","rule_ids":["r1"],${EDGE}}`,
    },
    {
      name: 'log → Notice with fqdn, vni and flow phase',
      verdict: verdict(
        { action: 'log', source: 'ids', ruleIds: ['dns-evil'] },
        { 'dns.fqdn': 'c2.evil.com' },
        { server: '203.0.113.5', serverPort: 443, proto: 'udp', vni: 42, phase: 'flow' },
      ),
      line:
        `{${TIME},"action":"Notice","rule_ids":["dns-evil"],"source":"ids",` +
        '"edge":{"client":"10.244.1.7","server":"203.0.113.5","server_port":443,"proto":"udp","vni":42,"phase":"flow"},' +
        '"fqdn":"c2.evil.com"}',
    },
    {
      name: 'allow → Allow, no ttl',
      verdict: verdict({ action: 'allow', ttl: 30, ruleIds: ['exception'] }),
      line: `{${TIME},"action":"Allow","rule_ids":["exception"],${EDGE}}`,
    },
    {
      name: 'enforced drop without a ttl → Block, ttl omitted',
      verdict: verdict({}),
      line: `{${TIME},"action":"Block","rule_ids":["r1"],${EDGE}}`,
    },
    {
      name: 'only a label map on dst still yields a dst identity; resolved-but-absent fields are omitted',
      verdict: verdict(
        {},
        { 'identity.k8s.dst_label': new Map([['team', 'payments']]) },
        {
          fields: new Map<string, FieldValue | undefined>([
            ['identity.k8s.src_namespace', undefined],
            ['dns.fqdn', undefined],
          ]),
        },
      ),
      line: `{${TIME},"action":"Block","rule_ids":["r1"],${EDGE}}`,
    },
  ];
  // The last case replaces the field map wholesale: absent values stay absent.
  for (const c of cases) {
    it(c.name, () => {
      expect(JSON.stringify(auditRecord(c.verdict, 'node-1'))).toBe(c.line);
    });
  }

  it('writes a dst label map alone as dst.labels', () => {
    const v = verdict({}, { 'identity.k8s.dst_label': new Map([['team', 'payments']]) });
    expect(auditRecord(v, 'n').dst).toEqual({ labels: { team: 'payments' } });
  });

  it('produces exactly the example documented in the README (keys and key order)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    if (example === undefined) throw new Error('README has no json example');
    const v = verdict(
      { ttl: 600, source: 'microseg', ruleIds: ['no-db-from-frontend'] },
      { ...IDENTITIES, 'dns.fqdn': 'postgres.db.svc.cluster.local' },
      { vni: 42 },
    );
    expect(JSON.stringify(auditRecord(v, 'node-1'))).toBe(JSON.stringify(JSON.parse(example)));
  });

  it('asks for exactly the fields it records', () => {
    expect([...RECORDED_FIELDS].sort()).toEqual(
      [
        'dns.fqdn',
        'identity.k8s.dst_app',
        'identity.k8s.dst_label',
        'identity.k8s.dst_namespace',
        'identity.k8s.dst_workload',
        'identity.k8s.src_app',
        'identity.k8s.src_label',
        'identity.k8s.src_namespace',
        'identity.k8s.src_workload',
      ].sort(),
    );
  });
});

describe('rfc3339Nanos', () => {
  const cases: Array<[string, bigint, string]> = [
    ['epoch', 0n, '1970-01-01T00:00:00.000000000Z'],
    ['nanosecond precision kept', TS, '2024-05-01T12:00:00.123456789Z'],
    ['leading zeros in the fraction', 1_700_000_000_000_000_001n, '2023-11-14T22:13:20.000000001Z'],
    ['before the epoch floors the second', -1n, '1969-12-31T23:59:59.999999999Z'],
    ['the last instant of year 9999', 253_402_300_799_999_999_999n, '9999-12-31T23:59:59.999999999Z'],
    ['past year 9999 clamps to it', 253_402_300_800_000_000_000n, '9999-12-31T23:59:59.999999999Z'],
    ['2^62 s (an absurd if_tsoffset) clamps', (1n << 62n) * 1_000_000_000n, '9999-12-31T23:59:59.999999999Z'],
    ['year 0000', -62_167_219_200_000_000_000n, '0000-01-01T00:00:00.000000000Z'],
    ['year 0999 keeps four digits', -30_610_310_400_000_000_000n, '0999-12-31T00:00:00.000000000Z'],
    ['before year 0000 clamps', -(1n << 62n) * 1_000_000_000n, '0000-01-01T00:00:00.000000000Z'],
  ];
  for (const [name, ts, text] of cases) {
    it(name, () => expect(rfc3339Nanos(ts)).toBe(text));
  }
});
