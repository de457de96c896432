import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { underCi } from './host-guard.js';

/** The repository root: the nearest ancestor with a lerna.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'lerna.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the glia repository root (no lerna.json above this file)');
    dir = up;
  }
  return dir;
}

/**
 * The shared fixtures folder (../shared/fixtures beside the repository), or null when it is absent
 * outside this environment. Under CI its absence is an error: those tests must not be skipped there.
 */
export function fixturesDir(): string | null {
  const dir = process.env.GLIA_FIXTURES ?? resolve(repoRoot(), '..', 'shared', 'fixtures');
  if (existsSync(dir)) return dir;
  if (underCi()) throw new Error(`shared fixtures not found at ${dir}; CI must run them`);
  console.warn(`SKIPPING fixture tests: ${dir} not found (set GLIA_FIXTURES to the shared fixtures folder)`);
  return null;
}

/** Whether an external tool (tshark, nmap, tcpdump) is installed; under CI a missing one is an error. */
export function hasTool(tool: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found && underCi()) throw new Error(`${tool} is not installed; .ci/run must install it`);
  if (!found) console.warn(`SKIPPING tests that need ${tool}: not installed`);
  return found;
}

/**
 * Runs tshark over a capture and returns one array of field values per packet (tab separated,
 * multiple occurrences joined by ","). tshark is the independent oracle for decoder tests.
 */
export function tsharkFields(capture: string, fields: readonly string[], displayFilter?: string): string[][] {
  const args = [
    '-r',
    capture,
    '-n',
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
  ];
  for (const f of fields) args.push('-e', f);
  if (displayFilter !== undefined) args.push('-Y', displayFilter);
  const out = execFileSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

/**
 * The shared captures (../shared/fixtures/pcaps) and their sorted pcap/pcapng file names, with
 * whether tshark is there to serve as the oracle. Empty outside this environment (and an error
 * under CI, where they must run).
 */
export function fixtureCaptures(): { pcaps: string; captures: string[]; withTshark: boolean } {
  const dir = fixturesDir();
  const withTshark = dir !== null && hasTool('tshark');
  const pcaps = dir === null ? '' : join(dir, 'pcaps');
  const captures = withTshark
    ? readdirSync(pcaps)
        .filter((f) => /\.pcap(ng)?$/.test(f))
        .sort()
    : [];
  return { pcaps, captures, withTshark };
}
