import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One program of a native object, as libbpf describes it. */
export interface NativeProgramInfo {
  name: string;
  section: string;
  type: number;
  /** -1 before load. */
  fd: number;
}

export interface NativeMapInfo {
  name: string;
  type: number;
  /** -1 before load. */
  fd: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
}

export interface NativeObject {
  load(): void;
  close(): void;
  programs(): NativeProgramInfo[];
  maps(): NativeMapInfo[];
  setMapMaxEntries(map: string, entries: number): void;
  mapInitialValue(map: string): Buffer | null;
  setMapInitialValue(map: string, value: Buffer): void;
  setProgramType(program: string, type: number): void;
  setAutoload(program: string, autoload: boolean): void;
  pinMap(map: string, path: string): void;
  reuseMapFd(map: string, fd: number): void;
}

export interface NativeRingBuffer {
  consume(): Buffer | null;
  close(): void;
  epollFd(): number;
}

export interface NativeTestRunResult {
  retval: number;
  duration: number;
  dataOut: Buffer;
  ctxOut: Buffer;
}

/** The addon's surface (native/*.cc). Every failing call throws an Error with errno, code, op, log. */
export interface NativeBinding {
  BpfObject: new (path: string) => NativeObject;
  RingBuffer: new (
    mapFd: number,
    onBatch: ((batch: Buffer, count: number) => void) | null,
  ) => NativeRingBuffer;
  linkCreate(progFd: number, ifindex: number, attachType: number, flags: number): number;
  closeFd(fd: number): void;
  tcAttach(ifindex: number, ingress: boolean, progFd: number, handle: number, priority: number): void;
  tcDetach(ifindex: number, ingress: boolean, handle: number, priority: number): boolean;
  mapLookup(fd: number, key: Buffer, value: Buffer): boolean;
  mapUpdate(fd: number, key: Buffer, value: Buffer, flags: number): void;
  mapDelete(fd: number, key: Buffer): boolean;
  mapNextKey(fd: number, key: Buffer | null, next: Buffer): boolean;
  mapLookupBatch(
    fd: number,
    inBatch: Buffer | null,
    outBatch: Buffer,
    keys: Buffer,
    values: Buffer,
    count: number,
    andDelete: boolean,
  ): { count: number; done: boolean };
  testRun(
    progFd: number,
    data: Buffer,
    ctx: Buffer | null,
    repeat: number,
    dataOutSize: number,
    ctxOutSize: number,
  ): NativeTestRunResult;
  progQuery(ifindex: number, attachType: number): number[];
  xdpQuery(ifindex: number): { mode: number; progId: number; skbProgId: number; drvProgId: number };
  objPin(fd: number, path: string): void;
  progId(fd: number): number;
  objGet(path: string): number;
  ifNameToIndex(name: string): number;
  probeProgType(type: number): number;
  probeMapType(type: number): number;
  numPossibleCpus(): number;
  libbpfVersion(): string;
}

let cached: NativeBinding | null = null;
let loadError: Error | null = null;

/** The package directory (holding build/), from both src/ (tests) and dist/. */
function packageDir(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/**
 * The compiled addon (build/Release/glia_libbpf.node, built by `node-gyp rebuild` at npm install).
 * Throws with what to do when it is missing or cannot load (no libbpf.so.1 on this host).
 */
export function native(): NativeBinding {
  if (cached !== null) return cached;
  if (loadError !== null) throw loadError;
  const path = join(packageDir(), 'build', 'Release', 'glia_libbpf.node');
  try {
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
    cached = createRequire(import.meta.url)(path) as NativeBinding;
    return cached;
  } catch (error) {
    loadError = new Error(
      `the libbpf addon cannot load: ${(error as Error).message} (install libbpf-dev and run \`npm rebuild @glia/libbpf\`)`,
      { cause: error },
    );
    throw loadError;
  }
}
