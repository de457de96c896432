// iperf3 TCP throughput across a veth between two network namespaces, without and with glia's
// tcx observer (glia run, observe mode tcx, ingress and egress of the receiver's device), rounds
// alternating so machine load hits both alike. Usage: node bench/kernel/throughput.mjs (root,
// after npm run build). SECONDS=5 ROUNDS=3 by default.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const glia = fileURLToPath(new URL('../../packages/cli/bin/glia.js', import.meta.url));
const tag = randomBytes(3).toString('hex');
const left = `glia-bl-${tag}`;
const right = `glia-br-${tag}`;
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const inNs = (ns, cmd, args) =>
  spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

function waitFor(child, stream, pattern) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${text}`)), 30_000);
    child[stream].on('data', (d) => {
      text += d;
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function iperf() {
  const out = execFileSync(
    'ip',
    ['netns', 'exec', left, 'iperf3', '-c', '10.93.0.2', '-t', String(SECONDS), '-J'],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out).end.sum_received.bits_per_second / 1e9;
}

async function withGlia(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'glia-bench-'));
  const config = join(dir, 'glia.yaml');
  writeFileSync(
    config,
    'agent: { id: bench }\nobserve: { mode: tcx, interfaces: [b1], egress_interfaces: [b1] }\nlog: { level: warn }\n',
  );
  const agent = inNs(right, process.execPath, [glia, 'run', '-c', config]);
  const started = new Promise((r) => setTimeout(r, 3000));
  await started;
  try {
    return fn();
  } finally {
    const exited = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
}

ip('netns', 'add', left);
ip('netns', 'add', right);
try {
  ip('-n', left, 'link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1', 'netns', right);
  ip('-n', left, 'addr', 'add', '10.93.0.1/24', 'dev', 'b0');
  ip('-n', right, 'addr', 'add', '10.93.0.2/24', 'dev', 'b1');
  for (const [ns, dev] of [
    [left, 'b0'],
    [right, 'b1'],
  ]) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  const server = inNs(right, 'iperf3', ['-s', '-B', '10.93.0.2', '--forceflush']);
  await waitFor(server, 'stdout', /Server listening/);
  const without = [];
  const withObserver = [];
  for (let i = 0; i < ROUNDS; i++) {
    without.push(iperf());
    withObserver.push(await withGlia(iperf));
  }
  server.kill();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const a = median(without);
  const b = median(withObserver);
  console.log(`| run | Gbit/s (median of ${ROUNDS} × ${SECONDS} s) | each |`);
  console.log('|---|---:|---|');
  console.log(`| without glia | ${a.toFixed(2)} | ${without.map((x) => x.toFixed(2)).join(', ')} |`);
  console.log(
    `| glia tcx observer (ingress + egress) | ${b.toFixed(2)} | ${withObserver.map((x) => x.toFixed(2)).join(', ')} |`,
  );
  console.log(`\nthroughput change: ${(((b - a) / a) * 100).toFixed(1)} %`);
} finally {
  spawnSync('ip', ['netns', 'del', left]);
  spawnSync('ip', ['netns', 'del', right]);
}
