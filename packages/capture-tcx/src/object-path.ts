import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled eBPF object `bpf/build/<name>.bpf.o` of this repository (built by `make -C bpf`,
 * which `npm ci` runs through this package's install script). The same path from src/ and dist/.
 */
export function bpfObjectPath(name: string): string {
  const path = fileURLToPath(new URL(`../../../bpf/build/${name}.bpf.o`, import.meta.url));
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: build the eBPF programs with \`make -C bpf\` (needs clang and libbpf-dev)`,
    );
  return path;
}
