import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stopChildren } from './netns.js';

export interface Pod {
  ns: string;
  address: string;
}

/**
 * Two "nodes" joined by a real VXLAN overlay (VNI 42 over a veth underlay), each with a bridge of
 * "pods" (one namespace each), and an "outside" network behind node B's default route. Every
 * namespace is the test's own (random tag), removed by close(); the host is not touched.
 *
 *   podA* ─ br0 [nodeA] vx0 ══ VXLAN 42 over eth0 ══ vx0 [nodeB] br0 ─ podB*
 *                                                    up0 (default route) ─ [ext] 198.51.100.10
 */
export class OverlayLab {
  readonly tag = randomBytes(3).toString('hex');
  readonly nodeA = `glia-na-${this.tag}`;
  readonly nodeB = `glia-nb-${this.tag}`;
  readonly ext = `glia-ex-${this.tag}`;
  readonly extAddress = '198.51.100.10';
  readonly pods: Record<string, Pod> = {};
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(podsA: Record<string, string>, podsB: Record<string, string>) {
    for (const ns of [this.nodeA, this.nodeB, this.ext]) this.addNamespace(ns);
    // Underlay and overlay.
    ip('-n', this.nodeA, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.nodeB);
    this.node(this.nodeA, '192.168.77.1', '10.250.0.1', '10.244.1.1', '192.168.77.2');
    this.node(this.nodeB, '192.168.77.2', '10.250.0.2', '10.244.2.1', '192.168.77.1');
    ip('-n', this.nodeA, 'route', 'add', '10.244.2.0/24', 'via', '10.250.0.2');
    ip('-n', this.nodeB, 'route', 'add', '10.244.1.0/24', 'via', '10.250.0.1');
    // The outside network, behind node B's default route.
    ip('-n', this.nodeB, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ext);
    ip('-n', this.nodeB, 'addr', 'add', '198.51.100.1/24', 'dev', 'up0');
    ip('-n', this.nodeB, 'link', 'set', 'up0', 'up');
    ip('-n', this.nodeB, 'route', 'add', 'default', 'via', this.extAddress);
    ip('-n', this.ext, 'addr', 'add', `${this.extAddress}/24`, 'dev', 'eth0');
    ip('-n', this.ext, 'link', 'set', 'eth0', 'up');
    ip('-n', this.ext, 'route', 'add', '10.244.0.0/16', 'via', '198.51.100.1');
    for (const [name, address] of Object.entries(podsA)) this.pod(name, this.nodeA, address, '10.244.1.1');
    for (const [name, address] of Object.entries(podsB)) this.pod(name, this.nodeB, address, '10.244.2.1');
  }

  private addNamespace(ns: string): void {
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }

  private node(ns: string, underlay: string, overlay: string, bridge: string, remote: string): void {
    ip('-n', ns, 'addr', 'add', `${underlay}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip(
      '-n',
      ns,
      'link',
      'add',
      'vx0',
      'type',
      'vxlan',
      'id',
      '42',
      'local',
      underlay,
      'remote',
      remote,
      'dstport',
      '4789',
      'dev',
      'eth0',
    );
    ip('-n', ns, 'addr', 'add', `${overlay}/24`, 'dev', 'vx0');
    ip('-n', ns, 'link', 'set', 'vx0', 'up');
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'addr', 'add', `${bridge}/24`, 'dev', 'br0');
    ip('-n', ns, 'link', 'set', 'br0', 'up');
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  }

  private pod(name: string, node: string, address: string, gateway: string): void {
    const ns = `glia-p${name}-${this.tag}`.slice(0, 30);
    this.addNamespace(ns);
    const host = `v${name}`.slice(0, 15);
    ip('-n', node, 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('-n', node, 'link', 'set', host, 'master', 'br0');
    ip('-n', node, 'link', 'set', host, 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', gateway);
    this.pods[name] = { ns, address };
  }

  /** Runs a command in a namespace to completion; throws with its output when it fails. */
  exec(ns: string, command: string, args: string[], timeoutMs = 60_000): string {
    return execFileSync('ip', ['netns', 'exec', ns, command, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Runs a command in a namespace; its exit status and output, never throwing. */
  run(
    ns: string,
    command: string,
    args: string[],
    timeoutMs = 60_000,
  ): { status: number | null; stdout: string } {
    const r = spawnSync('ip', ['netns', 'exec', ns, command, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return { status: r.status, stdout: r.stdout };
  }

  spawn(ns: string, command: string, args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  async close(): Promise<void> {
    await stopChildren(this.children);
    for (const ns of this.namespaces.reverse()) spawnSync('ip', ['netns', 'del', ns]);
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
