import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '@glia/core/testing';
import { canRunKernelTests, type KernelFeature } from '@glia/libbpf';
import { canCreateNamespaces } from './netns.js';

/** Kernel tests in namespaces need both; without GLIA_REQUIRE_KERNEL=1 a missing one skips loudly. */
export function canRunNamespaceKernelTests(
  features: readonly KernelFeature[] = ['bpf', 'tcx', 'ringbuf'],
): boolean {
  return canCreateNamespaces() && canRunKernelTests(features);
}

/** The file URL of a built package's entry (dist/index.js), for scripts run in a namespace. */
export function builtPackage(name: string): string {
  const path = join(repoRoot(), 'packages', name, 'dist', 'index.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the kernel tests`);
  return pathToFileURL(path).href;
}

/** Runs an ES module script with node inside a network namespace; resolves with its stdout. */
export function nodeInNamespace(ns: string, script: string, timeoutMs = 60_000): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0)
    throw new Error(`script in ${ns} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Starts a node script in a namespace in the background. */
export function spawnNodeInNamespace(ns: string, script: string): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
