import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';

/**
 * scripts/setup.sh waits for an apt lock another process holds instead of failing at once. A fake
 * apt-get stands in for the real one: it reports the lock busy a given number of times, then works.
 */
function withFakeApt(busyTimes: number, failing = false): { path: string; calls: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'glia-apt-'));
  const counter = join(dir, 'calls');
  writeFileSync(counter, '0');
  writeFileSync(
    join(dir, 'apt-get'),
    `#!/usr/bin/env bash
n=$(( $(cat ${counter}) + 1 )); echo $n > ${counter}
if [ $n -le ${busyTimes} ]; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
  exit 100
fi
${failing ? 'echo "E: Unable to locate package nosuchpackage" >&2; exit 100' : 'exit 0'}
`,
  );
  chmodSync(join(dir, 'apt-get'), 0o755);
  return { path: dir, calls: () => Number(readFileSync(counter, 'utf8')) };
}

function aptWaiting(fake: { path: string }, seconds = 30): { code: number | null; stderr: string } {
  const r = spawnSync('bash', ['-c', `source scripts/lib/apt.sh; apt_waiting apt-get install -y x`], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${fake.path}:${process.env.PATH}`,
      APT_WAIT_STEP: '0.05',
      APT_WAIT_SECONDS: String(seconds),
    },
  });
  return { code: r.status, stderr: r.stderr };
}

describe('setup: apt lock', () => {
  it('waits while another process holds the lock, then installs', () => {
    const fake = withFakeApt(3);
    const r = aptWaiting(fake);
    expect(r.code).toBe(0);
    expect(fake.calls()).toBe(4);
    expect(r.stderr.match(/apt is busy/g)).toHaveLength(3);
  });

  it("gives up after its deadline with apt's own message", () => {
    const fake = withFakeApt(1_000_000);
    const r = aptWaiting(fake, 1);
    expect(r.code).toBe(100);
    expect(r.stderr).toMatch(/Could not get lock/);
  });

  it('does not retry a failure that is not the lock', () => {
    const fake = withFakeApt(0, true);
    const r = aptWaiting(fake);
    expect(r.code).toBe(100);
    expect(fake.calls()).toBe(1);
    expect(r.stderr).toMatch(/Unable to locate package/);
  });
});
