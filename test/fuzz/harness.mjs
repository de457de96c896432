// The fuzz harness: deterministic cases (a seed and an index make each one), run through the real
// command-line entry point in process. A case passes when glia answers with exit 0 (the input was
// usable) or 2 (bad input, said plainly); anything else — exit 1, a throw, a hang — is a finding.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The project's one seeded PRNG, from the build (this file runs outside vitest too).
import { seededRandom } from '../../packages/core/dist/testing/seeded-random.js';
import { CAPTURE_GENERATORS, CAPTURE_MUTATORS } from './capture-mutators.mjs';
import { aliasBomb, deepNesting, longExpression, textEdits } from './text-mutators.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

const CONFIG = `agent: { id: "\${HOST:-fuzz}" }
network:
  home_net: [10.0.0.0/8, "fc00::/7"]
  pod_nets: [10.244.0.0/16]
enrichers:
  - plugin: fqdn
  - plugin: ja4t
  - plugin: tls
  - { plugin: flow, window_seconds: 60 }
rules:
  - id: r1
    expression: 'ip.dst in {10.0.0.0/8} and tcp.dstport in {22 80 8000..8999}'
    action: drop
    ttl: 600
enforce: false
log: { level: warn }
`;

const RULES = `rules:
  - id: a
    expression: 'dns.fqdn matches "(^|\\\\.)evil\\\\.com$" and not tls.sni wildcard "*.corp"'
    action: drop
  - id: b
    expression: ids.src_home_net == 1 and flow.unique_dst_ports ge 25 and ja4t contains "_1460_"
    action: log
  - { id: c, expression: 'ip.src in {10.0.0.0/8 2001:db8::/32} and len(tls.sni) gt 3', action: allow }
`;

/** The config replays run with: every built-in enricher, rules that read their fields, an audit file. */
function replayConfig(dir) {
  return `${CONFIG.replace('log: { level: warn }\n', '')}sinks:\n  - { plugin: blocklog, file: ${join(dir, 'audit.log')}, max_bytes: 65536, max_files: 1 }\n`;
}

/** Base captures: the shared fixtures when present, and the bundled demo capture. */
export function corpus() {
  const captures = [join(ROOT, 'packages/cli/assets/demo.pcap')];
  const shared = process.env.GLIA_FIXTURES ?? join(ROOT, '..', 'shared', 'fixtures');
  try {
    for (const name of readdirSync(join(shared, 'pcaps')).sort()) {
      if (/\.pcap(ng)?$/.test(name)) captures.push(join(shared, 'pcaps', name));
    }
  } catch {
    // Outside the team's machines only the demo capture is there.
  }
  return captures.map((path) => ({ path, bytes: readFileSync(path) }));
}

const KINDS = ['capture-mutation', 'capture-generator', 'config', 'rules', 'rule-test'];

/** What case `i` of `seed` is: its kind, a name, the input file and the glia command line. */
export function makeCase(seed, i, dir, captures) {
  const rand = seededRandom((seed * 1_000_003 + i) >>> 0);
  const kind = KINDS[Math.floor(rand() * KINDS.length)];
  const pick = (obj) => {
    const names = Object.keys(obj);
    const name = names[Math.floor(rand() * names.length)];
    return [name, obj[name]];
  };
  if (kind === 'capture-mutation') {
    const base = captures[Math.floor(rand() * captures.length)];
    const [name, mutate] = pick(CAPTURE_MUTATORS);
    const file = join(dir, `case-${i}.pcap`);
    writeFileSync(file, mutate(rand, new Uint8Array(base.bytes)));
    return { kind, name: `${name}(${base.path.split('/').pop()})`, file, argv: replayArgv(file, dir) };
  }
  if (kind === 'capture-generator') {
    const [name, generate] = pick(CAPTURE_GENERATORS);
    const file = join(dir, `case-${i}.pcap`);
    writeFileSync(file, generate(rand));
    return { kind, name, file, argv: replayArgv(file, dir) };
  }
  const file = join(dir, `case-${i}.yaml`);
  const shape = rand();
  if (kind === 'config') {
    const text =
      shape < 0.8
        ? textEdits(rand, CONFIG)
        : shape < 0.9
          ? aliasBomb(rand, 'enrichers')
          : deepNesting(rand, 'network');
    writeFileSync(file, text);
    return {
      kind,
      name: shape < 0.8 ? 'textEdits' : shape < 0.9 ? 'aliasBomb' : 'deepNesting',
      file,
      argv: ['config', 'check', file],
    };
  }
  const text =
    shape < 0.75
      ? textEdits(rand, RULES)
      : shape < 0.85
        ? aliasBomb(rand, 'rules')
        : shape < 0.92
          ? deepNesting(rand, 'rules')
          : longExpression(rand);
  const name =
    shape < 0.75 ? 'textEdits' : shape < 0.85 ? 'aliasBomb' : shape < 0.92 ? 'deepNesting' : 'longExpression';
  writeFileSync(file, kind === 'rule-test' ? `${text}${text.includes('tests:') ? '' : 'tests: []\n'}` : text);
  return { kind, name, file, argv: kind === 'rules' ? ['rules', 'check', file] : ['test', file] };
}

function replayArgv(file, dir) {
  return ['replay', file, '-c', join(dir, 'replay.yaml'), '--print', 'verdicts', '--log-level', 'silent'];
}

/** Prepares the working directory of a run (the replay config) and returns the base captures. */
export function prepare(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'replay.yaml'), replayConfig(dir));
  return corpus();
}

/** Exit codes that are a right answer to a hostile input: usable (0) or bad input (2). */
export const ACCEPTED_EXITS = new Set([0, 2]);

export function cleanup(c) {
  rmSync(c.file, { force: true });
}
