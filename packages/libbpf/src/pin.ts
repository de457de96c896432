import { statfsSync } from 'node:fs';
import { nativeCall } from './bpf-error.js';
import { native } from './native.js';

const BPF_FS_MAGIC = 0xcafe4a11;

/**
 * Whether a directory is on a mounted bpffs. `ip netns exec` remounts /sys, so a bpffs mounted
 * outside is not visible inside: pinning is optional and descriptors are the default.
 */
export function isBpffs(dir: string): boolean {
  try {
    return statfsSync(dir).type === BPF_FS_MAGIC;
  } catch {
    return false;
  }
}

/** Opens a pinned map or link; the caller owns (and must close) the descriptor. */
export function openPinned(path: string): number {
  return nativeCall(`open pinned ${path}`, () => native().objGet(path));
}

export function closeFd(fd: number): void {
  native().closeFd(fd);
}
