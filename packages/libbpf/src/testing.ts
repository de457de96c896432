import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Compiles an eBPF C source with clang (as bpf/Makefile does) into a temporary directory and
 * returns the object's path. For tests that bring their own small programs.
 */
export function compileBpf(source: string, includes: readonly string[] = []): string {
  const out = join(mkdtempSync(join(tmpdir(), 'glia-bpf-')), basename(source).replace(/\.c$/, '.o'));
  const arch = process.arch === 'arm64' ? 'arm64' : 'x86';
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  execFileSync(
    'clang',
    [
      '-O2',
      '-g',
      '-target',
      'bpf',
      '-mcpu=v3',
      `-D__TARGET_ARCH_${arch}`,
      `-I/usr/include/${multiarch}`,
      ...includes.map((i) => `-I${i}`),
      '-c',
      source,
      '-o',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}
