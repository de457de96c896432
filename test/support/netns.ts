import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Whether this process may create network namespaces (root with iproute2). */
export function canCreateNamespaces(): boolean {
  const ok = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
  if (!ok && process.env.CI === 'true')
    throw new Error('network namespace tests need root and iproute2 in CI');
  if (!ok) console.warn('SKIPPING network namespace tests: need root and iproute2');
  return ok;
}

/**
 * Two network namespaces joined by a veth pair, with addresses only inside them. Created by the
 * test, removed by close(); nothing touches the host's own interfaces or addresses.
 */
export class VethPair {
  readonly left: string;
  readonly right: string;
  readonly leftDev = 'glia0';
  readonly rightDev = 'glia1';
  private readonly children: ChildProcess[] = [];

  constructor(
    readonly leftAddr: string,
    readonly rightAddr: string,
    prefix = 24,
  ) {
    const tag = randomBytes(3).toString('hex');
    this.left = `glia-l-${tag}`;
    this.right = `glia-r-${tag}`;
    ip('netns', 'add', this.left);
    ip('netns', 'add', this.right);
    ip(
      '-n',
      this.left,
      'link',
      'add',
      this.leftDev,
      'type',
      'veth',
      'peer',
      'name',
      this.rightDev,
      'netns',
      this.right,
    );
    ip('-n', this.left, 'addr', 'add', `${leftAddr}/${prefix}`, 'dev', this.leftDev);
    ip('-n', this.right, 'addr', 'add', `${rightAddr}/${prefix}`, 'dev', this.rightDev);
    for (const [ns, dev] of [
      [this.left, this.leftDev],
      [this.right, this.rightDev],
    ]) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  }

  /** Runs a command inside a namespace to completion. */
  exec(ns: string, command: string, args: string[], timeoutMs = 60_000): string {
    return execFileSync('ip', ['netns', 'exec', ns, command, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
  }

  /** Starts a long-running command inside a namespace; close() ends it. */
  spawn(ns: string, command: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  async close(): Promise<void> {
    await stopChildren(this.children);
    spawnSync('ip', ['netns', 'del', this.left]);
    spawnSync('ip', ['netns', 'del', this.right]);
  }
}

/** SIGTERMs the children still running and waits for each (3 s at most). */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Starts tcpdump writing a capture, and resolves once it is really listening. */
export async function startTcpdump(
  pair: VethPair,
  ns: string,
  dev: string,
  file: string,
): Promise<ChildProcess> {
  // Immediate mode: without it libpcap holds packets in a ring block that an interrupt discards.
  // A 2 KiB snap length (the veth MTU is 1500) and a 16 MiB buffer: with `-s 0` each ring slot
  // would be 256 KiB and a burst such as a port scan would overflow the ring.
  const args = ['-i', dev, '--immediate-mode', '-U', '-s', '2048', '-B', '16384', '-w', file];
  const child = pair.spawn(ns, 'tcpdump', args);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump did not start')), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (/listening on/.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** Stops tcpdump so it flushes and closes the capture file; returns what it said (its counts). */
export async function stopTcpdump(child: ChildProcess): Promise<string> {
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  if (child.exitCode !== null) return said;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return said;
}
