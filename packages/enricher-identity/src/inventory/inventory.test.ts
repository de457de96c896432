import { describe, expect, it } from 'vitest';
import { formatInventoryProblem, parseInventory } from './inventory.js';

describe('parseInventory', () => {
  it('reads hosts, networks and IPv6 with every record key', () => {
    const { entries, problems } = parseInventory(
      [
        '- ip: 10.99.0.1',
        '  namespace: shop',
        '  workload: frontend',
        '  app: frontend',
        '  labels: { app: frontend, tier: web }',
        '  internet_exposed: true',
        '- cidr: 10.1.0.0/16',
        '  namespace: infra',
        '  workload: nodes',
        '  control_plane: 1',
        '- ip: 2001:DB8::0:1',
        '  namespace: v6',
        '  workload: api',
      ].join('\n'),
      'inv.yaml',
    );
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.key, e.line, e.record.namespace, e.record.workload])).toEqual([
      ['10.99.0.1', 1, 'shop', 'frontend'],
      ['10.1.0.0/16', 7, 'infra', 'nodes'],
      ['2001:db8::1', 11, 'v6', 'api'],
    ]);
    expect(entries[0].record).toEqual({
      namespace: 'shop',
      workload: 'frontend',
      app: 'frontend',
      labels: new Map([
        ['app', 'frontend'],
        ['tier', 'web'],
      ]),
      internet_exposed: true,
      control_plane: false,
    });
    expect(entries[1].record.control_plane).toBe(true);
  });

  it('an empty file is an empty inventory', () => {
    expect(parseInventory('', 'x')).toEqual({ entries: [], problems: [] });
  });

  const bad: Array<[string, string, string]> = [
    ['not a list', 'ip: 10.0.0.1', 'inv.yaml:1:1: expected a list of entries'],
    [
      'no address',
      '- namespace: a\n  workload: b',
      'inv.yaml:1:3: entry 1: give exactly one of "ip" or "cidr"',
    ],
    [
      'both ip and cidr',
      '- ip: 10.0.0.1\n  cidr: 10.0.0.0/8\n  namespace: a\n  workload: b',
      'inv.yaml:1:3: entry 1: give exactly one of "ip" or "cidr"',
    ],
    ['a bad address', '- ip: 10.0.0.300\n  namespace: a\n  workload: b', '"10.0.0.300" is not an IP address'],
    ['a prefix on ip', '- ip: 10.0.0.0/8\n  namespace: a\n  workload: b', 'is not an IP address'],
    [
      'host bits in a cidr',
      '- cidr: 10.0.0.5/24\n  namespace: a\n  workload: b',
      'host bits set; the network is 10.0.0.0/24',
    ],
    ['no workload', '- ip: 10.0.0.1\n  namespace: a', '"workload" must be a non-empty string'],
    ['a slash in a name', '- ip: 10.0.0.1\n  namespace: a/b\n  workload: c', 'must not contain "/"'],
    ['an unknown key', '- ip: 10.0.0.1\n  namespace: a\n  workload: b\n  team: x', 'unknown key "team"'],
    [
      'a label that is a number',
      '- ip: 10.0.0.1\n  namespace: a\n  workload: b\n  labels: {n: 1}',
      'labels.n must be a string',
    ],
    [
      'a flag that is text',
      '- ip: 10.0.0.1\n  namespace: a\n  workload: b\n  control_plane: yes',
      '"control_plane" must be true, false, 0 or 1',
    ],
    [
      'a duplicate address',
      '- ip: 10.0.0.1\n  namespace: a\n  workload: b\n- ip: 10.0.0.1\n  namespace: a\n  workload: c',
      'inv.yaml:4:3: entry 2: 10.0.0.1 is already listed at line 1',
    ],
    [
      'a host inside a listed network',
      '- cidr: 10.0.0.0/24\n  namespace: a\n  workload: b\n- ip: 10.0.0.9\n  namespace: a\n  workload: c',
      'inv.yaml:4: 10.0.0.9 overlaps 10.0.0.0/24 (line 1): every address must belong to one entry',
    ],
    [
      'a network around a listed host',
      '- ip: 2001:db8::9\n  namespace: a\n  workload: b\n- cidr: 2001:db8::/64\n  namespace: a\n  workload: c',
      'inv.yaml:1: 2001:db8::9 overlaps 2001:db8::/64 (line 4)',
    ],
    ['bad YAML', '- ip: [10.0.0.1\n', 'inv.yaml:2:1:'],
  ];
  it.each(bad)('reports %s with its line', (_name, text, message) => {
    const { entries, problems } = parseInventory(text, 'inv.yaml');
    expect(entries).toEqual([]);
    expect(problems.map(formatInventoryProblem).join('\n')).toContain(message);
  });

  it('reports every problem of a file at once', () => {
    const { problems } = parseInventory(
      '- ip: x\n  namespace: a\n  workload: b\n- ip: 10.0.0.1\n  namespace: a\n',
      'f',
    );
    expect(problems.map((p) => p.line)).toEqual([1, 4]);
  });
});

describe('parseInventory on hostile input', () => {
  it('an alias bomb is a located problem, not a hang', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`,
      ),
    ];
    const text = `- ip: 10.0.0.1\n  namespace: a\n  workload: b\n  labels:\n${bomb.map((l) => `    ${l}`).join('\n')}\n`;
    const { entries, problems } = parseInventory(text, 'bomb.yaml');
    expect(entries).toEqual([]);
    expect(problems.map(formatInventoryProblem).join('\n')).toMatch(
      /^bomb\.yaml:1:1: aliases expand to more than \d+ nodes/,
    );
  });

  it('nesting thousands deep is refused before parsing', () => {
    const { problems } = parseInventory(`- ip: 10.0.0.1\n  labels: ${'['.repeat(5000)}`, 'deep.yaml');
    expect(problems.map(formatInventoryProblem).join('\n')).toMatch(
      /^deep\.yaml:2:\d+: nesting deeper than 64 levels/,
    );
  });
});
