import { execFileSync } from 'node:child_process';
import { hasTool } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { runGlia } from '../support/glia.js';

interface Report {
  checks: Array<{ check: string; ok: boolean; detail: string }>;
  ladder: Array<{ rung: string; outcome: string; reason?: string }>;
  backend: string | null;
}

/** `glia doctor` compared with what other tools say about the same host. */
describe('glia doctor', () => {
  const json = runGlia(['doctor', '--json']);
  const report = JSON.parse(json.stdout) as Report;
  const check = (name: string) => report.checks.find((c) => c.check === name);

  it('names the kernel uname names, and the libpcap tcpdump links', () => {
    expect(json.code, json.stderr).toBe(0);
    expect(check('kernel')?.detail.split(' ')[0]).toBe(
      execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    );
    if (hasTool('tcpdump')) {
      const line = execFileSync('tcpdump', ['--version'], { encoding: 'utf8' })
        .split('\n')
        .find((l) => l.startsWith('libpcap version'));
      expect(check('libpcap')?.detail).toBe(line);
    }
  });

  it('lists the devices and default routes ip(8) lists', () => {
    const names = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(': ')[1].split('@')[0])
      .sort();
    const listed = check('interfaces')!
      .detail.split(' ')
      .map((d) => d.replace(/\((up|down)\)$/, ''));
    expect(listed).toEqual(names);
    const routes = ['-4', '-6'].flatMap((family) =>
      execFileSync('ip', [family, 'route', 'show', 'default'], { encoding: 'utf8' })
        .split('\n')
        .flatMap((l) => /\bdev (\S+)/.exec(l)?.[1] ?? []),
    );
    const unique = [...new Set(routes)].sort();
    expect(check('default route')?.detail).toBe(
      unique.length === 0 ? 'none' : `via ${unique.join(', ')} (egress_interfaces: [auto])`,
    );
  });

  it('walks the whole ladder and names the backend auto would choose', () => {
    expect(report.ladder.map((r) => r.rung)).toEqual(['tcx', 'tc', 'af_packet']);
    expect(report.ladder.filter((r) => r.outcome === 'chosen').map((r) => r.rung)).toEqual([report.backend]);
    for (const r of report.ladder) expect(r.outcome === 'refused').toBe(typeof r.reason === 'string');
    const table = runGlia(['doctor']);
    expect(table.stdout).toMatch(/^CHECK\s+RESULT\s+DETAIL$/m);
    expect(table.stdout).toMatch(/^packet socket\s+yes\s+opens$/m);
    expect(table.stdout).toContain(`auto would choose: ${report.backend}\n`);
  });

  it('checks the devices a config names', () => {
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    execFileSync('sh', [
      '-c',
      `printf 'observe: { mode: auto, interfaces: [lo, glia-none9] }\\n' > ${dir}/glia.yaml`,
    ]);
    const r = runGlia(['doctor', '--json', '-c', `${dir}/glia.yaml`]);
    const named = (JSON.parse(r.stdout) as Report).checks.filter((c) => c.check.startsWith('interface '));
    expect(named.map((c) => [c.check, c.ok])).toEqual([
      ['interface lo', true],
      ['interface glia-none9', false],
    ]);
    expect(named[1].detail).toMatch(/does not exist \(yet\)/);
  });
});
