import type { FieldValue } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { ruleSetFunction } from './rule-set-function.js';
import { Scheme } from './scheme.js';
import { RuleSyntaxError } from './source-error.js';
import { testScheme } from './test-scheme.js';

type Fields = Record<string, FieldValue>;
const scheme = testScheme();

function run(expression: string, fields: Fields): boolean {
  const compiled = compileExpression(expression, scheme);
  return compiled.test((name) => fields[name]);
}

const labels = (entries: Record<string, string>): ReadonlyMap<string, string> =>
  new Map(Object.entries(entries));

interface Case {
  name: string;
  fields: Fields;
  expected: boolean;
}

const DESIGN_RULES: Array<{ expression: string; cases: Case[] }> = [
  {
    expression: 'edge.policy_violation == 1',
    cases: [
      { name: 'violation', fields: { 'edge.policy_violation': 1 }, expected: true },
      { name: 'no violation', fields: { 'edge.policy_violation': 0 }, expected: false },
      { name: 'absent', fields: {}, expected: false },
    ],
  },
  {
    expression:
      'identity.k8s.dst_workload eq "kube-apiserver" and edge.declared == 0 and ids.src_home_net == 1',
    cases: [
      {
        name: 'undeclared edge to the apiserver from home',
        fields: { 'identity.k8s.dst_workload': 'kube-apiserver', 'edge.declared': 0, 'ids.src_home_net': 1 },
        expected: true,
      },
      {
        name: 'declared edge',
        fields: { 'identity.k8s.dst_workload': 'kube-apiserver', 'edge.declared': 1, 'ids.src_home_net': 1 },
        expected: false,
      },
      {
        name: 'other workload',
        fields: {
          'identity.k8s.dst_workload': 'kube-apiserver-proxy',
          'edge.declared': 0,
          'ids.src_home_net': 1,
        },
        expected: false,
      },
      { name: 'identity absent', fields: { 'edge.declared': 0, 'ids.src_home_net': 1 }, expected: false },
      {
        name: 'edge.declared absent',
        fields: { 'identity.k8s.dst_workload': 'kube-apiserver', 'ids.src_home_net': 1 },
        expected: false,
      },
    ],
  },
  {
    expression: 'ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.unique_dst_ports ge 25',
    cases: [
      {
        name: 'scan of 25 ports',
        fields: { 'ids.src_home_net': 1, 'ids.dst_home_net': 1, 'flow.unique_dst_ports': 25 },
        expected: true,
      },
      {
        name: '24 ports',
        fields: { 'ids.src_home_net': 1, 'ids.dst_home_net': 1, 'flow.unique_dst_ports': 24 },
        expected: false,
      },
      {
        name: 'external destination',
        fields: { 'ids.src_home_net': 1, 'ids.dst_home_net': 0, 'flow.unique_dst_ports': 99 },
        expected: false,
      },
      {
        name: 'flow fields absent',
        fields: { 'ids.src_home_net': 1, 'ids.dst_home_net': 1 },
        expected: false,
      },
    ],
  },
  {
    expression:
      'ids.src_home_net == 1 and ids.dst_home_net == 1 and flow.flows_per_min ge 30 and flow.dst_port_entropy le 100',
    cases: [
      {
        name: 'many flows, low entropy',
        fields: {
          'ids.src_home_net': 1,
          'ids.dst_home_net': 1,
          'flow.flows_per_min': 30,
          'flow.dst_port_entropy': 100,
        },
        expected: true,
      },
      {
        name: 'high entropy',
        fields: {
          'ids.src_home_net': 1,
          'ids.dst_home_net': 1,
          'flow.flows_per_min': 30,
          'flow.dst_port_entropy': 101,
        },
        expected: false,
      },
      {
        name: 'few flows',
        fields: {
          'ids.src_home_net': 1,
          'ids.dst_home_net': 1,
          'flow.flows_per_min': 29,
          'flow.dst_port_entropy': 0,
        },
        expected: false,
      },
      {
        name: 'entropy absent',
        fields: { 'ids.src_home_net': 1, 'ids.dst_home_net': 1, 'flow.flows_per_min': 50 },
        expected: false,
      },
    ],
  },
  {
    expression: 'identity.k8s.src_label["app"] eq "frontend" and dns.fqdn matches "(^|\\.)evil\\.com$"',
    cases: [
      {
        name: 'frontend to evil.com',
        fields: { 'identity.k8s.src_label': labels({ app: 'frontend' }), 'dns.fqdn': 'evil.com' },
        expected: true,
      },
      {
        name: 'frontend to a subdomain',
        fields: { 'identity.k8s.src_label': labels({ app: 'frontend' }), 'dns.fqdn': 'cdn.evil.com' },
        expected: true,
      },
      {
        name: 'notevil.com is not a subdomain',
        fields: { 'identity.k8s.src_label': labels({ app: 'frontend' }), 'dns.fqdn': 'notevil.com' },
        expected: false,
      },
      {
        name: 'evil.com.example.org',
        fields: { 'identity.k8s.src_label': labels({ app: 'frontend' }), 'dns.fqdn': 'evil.com.example.org' },
        expected: false,
      },
      {
        name: 'backend',
        fields: { 'identity.k8s.src_label': labels({ app: 'backend' }), 'dns.fqdn': 'evil.com' },
        expected: false,
      },
      {
        name: 'no app label',
        fields: { 'identity.k8s.src_label': labels({ tier: 'web' }), 'dns.fqdn': 'evil.com' },
        expected: false,
      },
      { name: 'labels absent', fields: { 'dns.fqdn': 'evil.com' }, expected: false },
      {
        name: 'fqdn absent',
        fields: { 'identity.k8s.src_label': labels({ app: 'frontend' }) },
        expected: false,
      },
    ],
  },
  {
    expression: 'ip.dst in {10.0.0.0/8 2001:db8::/32} and tcp.dstport in {22 80 8000..8999}',
    cases: [
      { name: 'v4 ssh', fields: { 'ip.dst': '10.1.2.3', 'tcp.dstport': 22 }, expected: true },
      { name: 'v6 in range', fields: { 'ip.dst': '2001:db8:1::5', 'tcp.dstport': 8999 }, expected: true },
      { name: 'range start', fields: { 'ip.dst': '10.0.0.0', 'tcp.dstport': 8000 }, expected: true },
      { name: 'port after range', fields: { 'ip.dst': '10.1.2.3', 'tcp.dstport': 9000 }, expected: false },
      { name: 'outside the CIDRs', fields: { 'ip.dst': '11.0.0.1', 'tcp.dstport': 22 }, expected: false },
      { name: 'v6 outside', fields: { 'ip.dst': '2001:db9::1', 'tcp.dstport': 22 }, expected: false },
      {
        name: 'udp edge: tcp.dstport absent',
        fields: { 'ip.dst': '10.1.2.3', 'udp.dstport': 22 },
        expected: false,
      },
    ],
  },
];

describe('the DESIGN rules', () => {
  for (const { expression, cases } of DESIGN_RULES) {
    describe(expression, () => {
      it.each(cases)('$name', ({ fields, expected }) => {
        expect(run(expression, fields)).toBe(expected);
      });
    });
  }
});

const SEMANTICS: Array<[name: string, expression: string, fields: Fields, expected: boolean]> = [
  // absent fields
  ['comparison with absent is false', 'dns.fqdn eq "a"', {}, false],
  ['ne with absent is false too', 'dns.fqdn ne "a"', {}, false],
  ['not of absent comparison is true', 'not dns.fqdn eq "a"', {}, true],
  ['in with absent is false', 'tcp.dstport in {1..65535}', {}, false],
  [
    'absent map key is false',
    'identity.k8s.src_label["app"] eq "x"',
    { 'identity.k8s.src_label': labels({}) },
    false,
  ],
  ['absent bool is false', 'test.flag', {}, false],
  ['len of absent is absent', 'len(dns.fqdn) ge 0', {}, false],
  ['starts_with absent is false', 'starts_with(dns.fqdn, "a")', {}, false],
  // operators
  ['== is eq', 'tcp.dstport == 22', { 'tcp.dstport': 22 }, true],
  ['!= is ne', 'tcp.dstport != 22', { 'tcp.dstport': 23 }, true],
  ['lt', 'tcp.dstport lt 1024', { 'tcp.dstport': 1023 }, true],
  ['< not equal', 'tcp.dstport < 1024', { 'tcp.dstport': 1024 }, false],
  ['le equal', 'tcp.dstport <= 1024', { 'tcp.dstport': 1024 }, true],
  ['gt', 'tcp.dstport > 1024', { 'tcp.dstport': 1025 }, true],
  ['ge', 'tcp.dstport >= 1025', { 'tcp.dstport': 1024 }, false],
  ['hex int', 'tcp.dstport eq 0x50', { 'tcp.dstport': 80 }, true],
  ['negative int', 'net.vni gt -1', { 'net.vni': 0 }, true],
  ['bytes ordering', 'service.version ge "2.0"', { 'service.version': '2.4' }, true],
  ['contains', 'tls.sni contains "corp"', { 'tls.sni': 'api.corp.example' }, true],
  ['contains is case-sensitive', 'tls.sni contains "CORP"', { 'tls.sni': 'api.corp.example' }, false],
  ['~ is matches', 'tls.sni ~ "^api\\."', { 'tls.sni': 'api.corp.example' }, true],
  ['matches searches anywhere', 'tls.sni matches "corp"', { 'tls.sni': 'api.corp.example' }, true],
  ['regex with class', 'ja4t matches "^[0-9]+_"', { ja4t: '64240_2-4-8-1-3_1460_7' }, true],
  ['ip eq', 'ip.src eq 10.0.0.1', { 'ip.src': '10.0.0.1' }, true],
  ['ip eq v6 non-canonical value', 'ip.src eq 2001:db8::1', { 'ip.src': '2001:0DB8:0:0::1' }, true],
  ['ip ne', 'ip.src ne 10.0.0.1', { 'ip.src': '10.0.0.2' }, true],
  ['ip lt', 'ip.src lt 10.0.0.10', { 'ip.src': '10.0.0.9' }, true],
  ['ip ordering across families is false', 'ip.src lt 10.0.0.10', { 'ip.src': '::1' }, false],
  ['ip set single address', 'ip.dst in {192.168.1.1}', { 'ip.dst': '192.168.1.1' }, true],
  ['ip set single address miss', 'ip.dst in {192.168.1.1}', { 'ip.dst': '192.168.1.2' }, false],
  ['string set', 'conn.phase in {"syn" "synack"}', { 'conn.phase': 'synack' }, true],
  ['string set miss', 'conn.phase in {"syn" "synack"}', { 'conn.phase': 'flow' }, false],
  // wildcard
  ['wildcard is case-insensitive', 'dns.fqdn wildcard "*.EVIL.com"', { 'dns.fqdn': 'a.evil.com' }, true],
  [
    'wildcard anchors the whole value',
    'dns.fqdn wildcard "*.evil.com"',
    { 'dns.fqdn': 'a.evil.com.org' },
    false,
  ],
  ['wildcard star matches empty', 'dns.fqdn wildcard "evil*.com"', { 'dns.fqdn': 'evil.com' }, true],
  ['wildcard middle stars', 'dns.fqdn wildcard "a*b*c"', { 'dns.fqdn': 'axxbyyc' }, true],
  ['wildcard overlapping segments', 'dns.fqdn wildcard "*ab*ab"', { 'dns.fqdn': 'abab' }, true],
  ['wildcard needs all segments', 'dns.fqdn wildcard "a*b*c"', { 'dns.fqdn': 'acb' }, false],
  [
    'strict wildcard is case-sensitive',
    'dns.fqdn strict wildcard "*.EVIL.com"',
    { 'dns.fqdn': 'a.evil.com' },
    false,
  ],
  ['strict wildcard exact case', 'dns.fqdn strict wildcard "*.evil.com"', { 'dns.fqdn': 'a.evil.com' }, true],
  ['escaped star is literal', 'dns.fqdn strict wildcard "a\\\\*"', { 'dns.fqdn': 'a*' }, true],
  ['escaped star does not glob', 'dns.fqdn strict wildcard "a\\\\*"', { 'dns.fqdn': 'ab' }, false],
  // strings
  ['escaped quote', 'service.product eq "say \\"hi\\""', { 'service.product': 'say "hi"' }, true],
  ['escaped backslash', 'service.product eq "a\\\\b"', { 'service.product': 'a\\b' }, true],
  ['hex escape', 'service.product eq "\\x41\\x42"', { 'service.product': 'AB' }, true],
  ['raw string', 'service.product eq r"a\\b"', { 'service.product': 'a\\b' }, true],
  ['raw string with hashes', 'service.product eq r#"say "hi""#', { 'service.product': 'say "hi"' }, true],
  ['raw regex', 'dns.fqdn matches r"^a\\.b$"', { 'dns.fqdn': 'a.b' }, true],
  ['raw regex no wildcard dot', 'dns.fqdn matches r"^a\\.b$"', { 'dns.fqdn': 'axb' }, false],
  // logic and precedence
  ['! is not', '!tcp.dstport eq 22', { 'tcp.dstport': 23 }, true],
  ['&& is and', 'tcp.dstport eq 22 && ip.proto eq "tcp"', { 'tcp.dstport': 22, 'ip.proto': 'tcp' }, true],
  ['|| is or', 'tcp.dstport eq 22 || tcp.dstport eq 23', { 'tcp.dstport': 23 }, true],
  [
    'xor both true is false',
    'tcp.dstport eq 22 xor ip.proto eq "tcp"',
    { 'tcp.dstport': 22, 'ip.proto': 'tcp' },
    false,
  ],
  ['^^ one true', 'tcp.dstport eq 22 ^^ ip.proto eq "tcp"', { 'tcp.dstport': 22, 'ip.proto': 'udp' }, true],
  [
    'and binds tighter than or',
    'tcp.dstport eq 1 or tcp.dstport eq 2 and ip.proto eq "udp"',
    { 'tcp.dstport': 1, 'ip.proto': 'tcp' },
    true,
  ],
  [
    'parentheses override',
    '(tcp.dstport eq 1 or tcp.dstport eq 2) and ip.proto eq "udp"',
    { 'tcp.dstport': 1, 'ip.proto': 'tcp' },
    false,
  ],
  [
    'and binds tighter than xor',
    'tcp.dstport eq 1 xor tcp.dstport eq 1 and ip.proto eq "udp"',
    { 'tcp.dstport': 1, 'ip.proto': 'tcp' },
    true,
  ],
  [
    'xor binds tighter than or',
    'tcp.dstport eq 1 or tcp.dstport eq 1 xor tcp.dstport eq 1',
    { 'tcp.dstport': 1 },
    true,
  ],
  [
    'not binds to one comparison',
    'not tcp.dstport eq 1 and ip.proto eq "udp"',
    { 'tcp.dstport': 2, 'ip.proto': 'tcp' },
    false,
  ],
  ['double not', 'not not tcp.dstport eq 1', { 'tcp.dstport': 1 }, true],
  ['bare bool field', 'test.flag and not (tcp.dstport eq 1)', { 'test.flag': true, 'tcp.dstport': 2 }, true],
  [
    'multi-line expression',
    'tcp.dstport eq 22\n  and ip.proto eq "tcp"',
    { 'tcp.dstport': 22, 'ip.proto': 'tcp' },
    true,
  ],
  // functions
  ['lower', 'lower(service.product) eq "openssh"', { 'service.product': 'OpenSSH' }, true],
  ['upper', 'upper(service.product) eq "OPENSSH"', { 'service.product': 'OpenSSH' }, true],
  ['len of bytes counts UTF-8 bytes', 'len(dns.fqdn) eq 3', { 'dns.fqdn': 'é.' }, true],
  ['len gt', 'len(dns.fqdn) gt 3', { 'dns.fqdn': 'abcd' }, true],
  [
    'len of a map',
    'len(identity.k8s.src_label) eq 2',
    { 'identity.k8s.src_label': labels({ a: '1', b: '2' }) },
    true,
  ],
  ['len of an array', 'len(dns.fqdns) eq 2', { 'dns.fqdns': ['a', 'b'] }, true],
  ['starts_with', 'starts_with(dns.fqdn, "api.")', { 'dns.fqdn': 'api.example.com' }, true],
  ['ends_with', 'ends_with(dns.fqdn, ".com")', { 'dns.fqdn': 'api.example.org' }, false],
  ['ends_with of lower', 'ends_with(lower(dns.fqdn), ".com")', { 'dns.fqdn': 'API.EXAMPLE.COM' }, true],
  ['not starts_with', 'not starts_with(dns.fqdn, "api.")', { 'dns.fqdn': 'www.example.com' }, true],
  ['any over an array', 'any(dns.fqdns[*] eq "b")', { 'dns.fqdns': ['a', 'b'] }, true],
  ['any none match', 'any(dns.fqdns[*] eq "c")', { 'dns.fqdns': ['a', 'b'] }, false],
  [
    'any with lower and contains (wirefilter form: the mapped array indexed again)',
    'any(lower(dns.fqdns[*])[*] contains "evil")',
    { 'dns.fqdns': ['ok.com', 'EVIL.org'] },
    true,
  ],
  ['all over an array', 'all(dns.fqdns[*] wildcard "*.com")', { 'dns.fqdns': ['a.com', 'b.com'] }, true],
  ['all one fails', 'all(dns.fqdns[*] wildcard "*.com")', { 'dns.fqdns': ['a.com', 'b.org'] }, false],
  ['all of empty array is true', 'all(dns.fqdns[*] eq "x")', { 'dns.fqdns': [] }, true],
  ['all of absent array is true (no element fails)', 'all(dns.fqdns[*] eq "x")', {}, true],
  ['any of absent array is false', 'any(dns.fqdns[*] eq "x")', {}, false],
  ['any with not inside', 'any(not dns.fqdns[*] eq "a")', { 'dns.fqdns': ['a', 'b'] }, true],
  ['any over int array with set', 'any(test.ports[*] in {22 2222})', { 'test.ports': [80, 2222] }, true],
  [
    'any over map values',
    'any(identity.k8s.dst_label[*] eq "db")',
    { 'identity.k8s.dst_label': labels({ tier: 'db' }) },
    true,
  ],
  ['any with starts_with', 'any(starts_with(dns.fqdns[*], "api"))', { 'dns.fqdns': ['www', 'api.x'] }, true],
  ['array index', 'dns.fqdns[1] eq "b"', { 'dns.fqdns': ['a', 'b'] }, true],
  ['array index out of range is absent', 'dns.fqdns[5] eq "b"', { 'dns.fqdns': ['a', 'b'] }, false],
  ['len of array element', 'len(dns.fqdns[0]) eq 1', { 'dns.fqdns': ['a'] }, true],
];

describe('semantics', () => {
  it.each(SEMANTICS)('%s: %s', (_name, expression, fields, expected) => {
    expect(run(expression, fields)).toBe(expected);
  });
});

describe('compiled expressions', () => {
  it('list the fields they read, once each, in order of first use', () => {
    const compiled = compileExpression(
      'tcp.dstport eq 1 or (ip.dst in {10.0.0.0/8} and tcp.dstport eq 2) or lower(dns.fqdn) eq "a"',
      scheme,
    );
    expect(compiled.fields).toEqual(['tcp.dstport', 'ip.dst', 'dns.fqdn']);
  });

  it('read only the fields they need (and/or short-circuit)', () => {
    const read: string[] = [];
    const compiled = compileExpression('tcp.dstport eq 1 and dns.fqdn eq "a"', scheme);
    compiled.test((name) => {
      read.push(name);
      return name === 'tcp.dstport' ? 2 : 'a';
    });
    expect(read).toEqual(['tcp.dstport']);
  });
});

function compileErrorIn(expression: string, on: Scheme): string {
  try {
    compileExpression(expression, on);
    return 'ok';
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error.message;
    throw error;
  }
}

describe('Bool values and Array(Bool)s standing alone (named)', () => {
  const BOOL_CASES: Array<[name: string, expression: string, fields: Fields, expected: boolean]> = [
    ['all(at[*]) with every element true', 'all(test.bools[*])', { 'test.bools': [true, true] }, true],
    ['all(at[*]) with one element false', 'all(test.bools[*])', { 'test.bools': [true, false] }, false],
    ["all(at[*]) over an absent field's [*] is true", 'all(test.bools[*])', {}, true],
    ["any(at[*]) over an absent field's [*] is false", 'any(test.bools[*])', {}, false],
    [
      'at or af element by element: [T] or [T]',
      'all(test.bools or test.bools2)',
      { 'test.bools': [true], 'test.bools2': [true] },
      true,
    ],
    [
      'at or af element by element: [F] or [F]',
      'any(test.bools or test.bools2)',
      { 'test.bools': [false], 'test.bools2': [false] },
      false,
    ],
    [
      'at xor af element by element: [T] xor [T]',
      'any(test.bools xor test.bools2)',
      { 'test.bools': [true], 'test.bools2': [true] },
      false,
    ],
    [
      'at xor af element by element: [F] xor [F]',
      'any(test.bools xor test.bools2)',
      { 'test.bools': [false], 'test.bools2': [false] },
      false,
    ],
    [
      'at xor af element by element: [T] xor [F]',
      'all(test.bools xor test.bools2)',
      { 'test.bools': [true], 'test.bools2': [false] },
      true,
    ],
  ];
  it.each(BOOL_CASES)('%s: %s', (_name, expression, fields, expected) => {
    expect(run(expression, fields)).toBe(expected);
  });

  const ERROR_CASES: Array<[name: string, expression: string, error: string]> = [
    [
      'a Bytes element is no Bool, also under any()',
      'any(dns.fqdns[*])',
      '1:5: dns.fqdns[*] is Bytes, not Bool: compare it with an operator (e.g. dns.fqdns[*] eq "x")',
    ],
    [
      'an Array(Bool) element of a map is no Bool: any() needs its [*]',
      'any(test.flags_by_key[*])',
      '1:5: test.flags_by_key[*] is Array(Bool), not Bool: use test.flags_by_key[*][*] inside any(...) or all(...)',
    ],
    [
      'an Ip is compared with a set, e.g.',
      'ip.src',
      '1:1: ip.src is Ip, not Bool: compare it with an operator (e.g. ip.src in {10.0.0.0/8})',
    ],
    [
      'Bytes are compared with a string, e.g.',
      'test.bytes',
      '1:1: test.bytes is Bytes, not Bool: compare it with an operator (e.g. test.bytes eq "x")',
    ],
    [
      'an Int is compared with a number, e.g.',
      'tcp.dstport',
      '1:1: tcp.dstport is Int, not Bool: compare it with an operator (e.g. tcp.dstport eq 1)',
    ],
  ];
  it.each(ERROR_CASES)('%s: %s', (_name, expression, error) => {
    expect(compileErrorIn(expression, scheme)).toBe(error);
  });

  const withMap = new Scheme([{ name: 'test.flag_map', type: { kind: 'map', value: 'Bool' } }]);
  it('a Map(Bool) is no Array(Bool): any() refuses it', () => {
    expect(compileErrorIn('any(test.flag_map)', withMap)).toBe(
      '1:5: test.flag_map is Map(Bool), not Bool: use test.flag_map[*] inside any(...) or all(...)',
    );
  });
  it('a Map(Bool) standing alone is no Bool', () => {
    expect(compileErrorIn('test.flag_map', withMap)).toBe(
      '1:1: test.flag_map is Map(Bool), not Bool: use test.flag_map[*] inside any(...) or all(...)',
    );
  });
  it('any(m[*]) over a Map(Bool) tests its values', () => {
    const compiled = compileExpression('any(test.flag_map[*])', withMap);
    expect(
      compiled.test(
        () =>
          new Map([
            ['a', false],
            ['b', true],
          ]),
      ),
    ).toBe(true);
    expect(compiled.test(() => new Map([['a', false]]))).toBe(false);
  });

  it('a Bool picked from a function mapped over [*] is tested in a generated rule-set function', () => {
    // starts_with(x[*], s) is an Array(Bool) computed from the field, [0] its first element.
    const compiled = compileExpression('starts_with(dns.fqdns[*], "a")[0]', scheme);
    const matcher = ruleSetFunction([compiled.plan]);
    if (matcher === null) throw new Error('code generation is unavailable');
    const mask = (fields: Fields): number => matcher((name) => fields[name], 1);
    expect(mask({ 'dns.fqdns': ['ab', 'b'] })).toBe(1);
    expect(mask({ 'dns.fqdns': ['b', 'ab'] })).toBe(0);
    expect(mask({})).toBe(0);
  });
});
