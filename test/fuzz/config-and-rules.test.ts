import { InputError, loadConfigText } from '@glia/core';
import { CORE_FIELDS } from '@glia/core';
import { checkRulesText, compileExpression, RuleSyntaxError, Scheme, type TypedField } from '@glia/rules';

/** The fields the mutated rules and expressions name: the core's and a few of each kind of type. */
const FIELDS: readonly TypedField[] = [
  ...CORE_FIELDS,
  { name: 'identity.k8s.src_label', type: { kind: 'map', value: 'Bytes' } },
  { name: 'dns.fqdn', type: 'Bytes' },
  { name: 'tls.sni', type: 'Bytes' },
  { name: 'flow.unique_dst_ports', type: 'Int' },
];
import { seededRandom as prng } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';

const ALPHABET = ' \n\t:-[]{}",\'#&*!|>%@`$\\/.0123456789abcdefghijklmnopqrstuvwxyz_~=<>()';

/** Mutates a valid text: cuts it, flips characters, inserts and deletes runs. */
function mutate(text: string, rand: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (chars.length + 1));
    const kind = rand();
    if (kind < 0.25) chars.length = at;
    else if (kind < 0.5) chars.splice(at, 1 + Math.floor(rand() * 4));
    else if (kind < 0.75) chars.splice(at, 0, ALPHABET[Math.floor(rand() * ALPHABET.length)]);
    else chars[at] = ALPHABET[Math.floor(rand() * ALPHABET.length)];
  }
  return chars.join('');
}

const CONFIG = `agent: { id: "\${HOST:-n1}" }
network:
  home_net: [10.0.0.0/8, "fc00::/7"]
  pod_nets: [10.244.0.0/16]
rules:
  - id: r1
    expression: 'ip.dst in {10.0.0.0/8} and tcp.dstport in {22 80 8000..8999}'
    action: drop
    ttl: 600
enforce: false
log: { level: warn }
admin: { listen: "127.0.0.1:9464" }
`;

const RULES = `rules:
  - id: a
    expression: 'identity.k8s.src_label["app"] eq "frontend" and dns.fqdn matches "(^|\\.)evil\\.com$"'
    action: drop
  - id: b
    expression: ids.src_home_net == 1 and flow.unique_dst_ports ge 25 and not tls.sni wildcard "*.corp"
    action: log
`;

describe('randomized bad input', () => {
  it('a mutated config is either loaded or rejected with located problems, never thrown otherwise', async () => {
    const rand = prng(20261126);
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const text = mutate(CONFIG, rand);
      try {
        await loadConfigText(text, { file: 'fuzz.yaml', env: {} });
      } catch (error) {
        if (!(error instanceof InputError))
          throw new Error(`case ${i} threw ${String(error)} for:\n${text}`, { cause: error });
        expect(error.problems.length, text).toBeGreaterThan(0);
        for (const p of error.problems) expect(p, text).toMatch(/^fuzz\.yaml(:\d+:\d+)?: /);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(300);
  });

  it('a mutated rules file yields problems with positions, never an exception', () => {
    const rand = prng(7);
    let withProblems = 0;
    for (let i = 0; i < 3000; i++) {
      const text = mutate(RULES, rand);
      const problems = checkRulesText(text, 'fuzz.rules.yaml', new Scheme(FIELDS));
      for (const p of problems) {
        expect(p.message.length, text).toBeGreaterThan(0);
        expect(p.file).toBe('fuzz.rules.yaml');
      }
      if (problems.length > 0) withProblems++;
    }
    expect(withProblems).toBeGreaterThan(1000);
  });

  it('a mutated expression compiles or fails with a RuleSyntaxError carrying line:column', () => {
    const rand = prng(42);
    const scheme = new Scheme(FIELDS);
    const source =
      'identity.k8s.src_label["app"] eq "frontend" and (ip.dst in {10.0.0.0/8 2001:db8::/32} or tcp.dstport in {22 8000..8999}) and not dns.fqdn matches r"^x\\.y$" and len(tls.sni) gt 3';
    let failed = 0;
    for (let i = 0; i < 20000; i++) {
      const text = mutate(source, rand);
      try {
        compileExpression(text, scheme);
      } catch (error) {
        if (!(error instanceof RuleSyntaxError))
          throw new Error(`case ${i} threw ${String(error)} for: ${text}`, { cause: error });
        expect(error.message, text).toMatch(/^\d+:\d+: /);
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(10000);
  });
});
