import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';

/** The built `glia` command; end-to-end tests run the real binary, so the build must exist. */
export function gliaBin(): string {
  const bin = join(repoRoot(), 'packages/cli/bin/glia.js');
  if (!existsSync(join(repoRoot(), 'packages/cli/dist/index.js'))) {
    throw new Error('packages/cli/dist is missing: run `npm run build` before the end-to-end tests');
  }
  return bin;
}

export interface GliaResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs glia to completion. */
export function runGlia(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): GliaResult {
  const r = spawnSync(process.execPath, [gliaBin(), ...args], {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs glia to completion without blocking this process's event loop (for tests that serve
 * something in-process the child talks to, such as a collector).
 */
export function runGliaAsync(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<GliaResult> {
  return new Promise((resolve, reject) => {
    const child = startGlia(args, { env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`glia ${args.join(' ')} did not finish in time:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts glia in the background; the caller waits on its output and signals it. */
export function startGlia(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [gliaBin(), ...args], {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...options.env },
  });
}

/** Accumulates a child's output so a wait never misses a line that arrived before it was asked. */
export class OutputWatcher {
  text = '';
  private readonly waiters: Array<() => void> = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const w of [...this.waiters]) w();
    });
  }

  /** Resolves with the first complete line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = this.text.split('\n').find((l) => pattern.test(l));
        if (line === undefined) return false;
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(check), 1);
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(check), 1);
        reject(new Error(`timed out waiting for ${pattern}; got:\n${this.text}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }
}

/**
 * Writes `idle-capture.mjs` into dir: a capture plugin that publishes nothing and never ends, as
 * a live capture on a quiet interface does, for tests of a running agent (name it in `capture:`).
 */
export function writeIdleCapture(dir: string): string {
  const path = join(dir, 'idle-capture.mjs');
  writeFileSync(
    path,
    `export default {
      type: 'idle', kind: 'capture', description: 'a quiet interface',
      configSchema: { type: 'object', additionalProperties: false, properties: {} },
      create() { let s = 'stopped'; return {
        start() { s = 'ok'; }, stop() { s = 'stopped'; }, health() { return { state: s }; } }; },
    };`,
  );
  return './idle-capture.mjs';
}
