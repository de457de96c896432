import { asBpfError, nativeCall } from './bpf-error.js';
import { PERCPU_MAP_TYPES, UpdateFlag } from './constants.js';
import { native, type NativeMapInfo } from './native.js';

export interface MapEntry {
  key: Buffer;
  value: Buffer;
}

/** What a kernel says for a map type without batch operations. */
const NO_BATCH = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

/** Entries fetched per BPF_MAP_LOOKUP_BATCH call. */
const BATCH = 256;

/**
 * A loaded BPF map, addressed by its file descriptor (owned by the object it came from, or by this
 * map when opened from a pin). Keys and values are raw bytes; per-CPU maps take and return one
 * 8-byte-aligned slot per possible CPU.
 */
export class BpfMap {
  readonly name: string;
  readonly type: number;
  readonly keySize: number;
  /** Bytes of one value as the program sees it. */
  readonly valueSize: number;
  readonly maxEntries: number;
  /** Bytes of a value as user space reads it (all CPUs' slots for a per-CPU map). */
  readonly userValueSize: number;
  private batchSupported: boolean | null = null;

  constructor(
    readonly fd: number,
    info: Omit<NativeMapInfo, 'fd'>,
  ) {
    this.name = info.name;
    this.type = info.type;
    this.keySize = info.keySize;
    this.valueSize = info.valueSize;
    this.maxEntries = info.maxEntries;
    this.userValueSize = PERCPU_MAP_TYPES.has(info.type)
      ? Math.ceil(info.valueSize / 8) * 8 * native().numPossibleCpus()
      : info.valueSize;
  }

  get isPerCpu(): boolean {
    return PERCPU_MAP_TYPES.has(this.type);
  }

  /** The value under a key, or undefined when there is none. */
  lookup(key: Buffer): Buffer | undefined {
    this.checkKey(key);
    const value = Buffer.alloc(this.userValueSize);
    return nativeCall(`map ${this.name}`, () => native().mapLookup(this.fd, key, value)) ? value : undefined;
  }

  update(key: Buffer, value: Buffer, flags: number = UpdateFlag.ANY): void {
    this.checkKey(key);
    if (value.length !== this.userValueSize)
      throw new RangeError(`map ${this.name}: value is ${value.length} bytes, not ${this.userValueSize}`);
    nativeCall(`map ${this.name}`, () => native().mapUpdate(this.fd, key, value, flags));
  }

  /** Whether the key was there. */
  delete(key: Buffer): boolean {
    this.checkKey(key);
    return nativeCall(`map ${this.name}`, () => native().mapDelete(this.fd, key));
  }

  /** Every key, walked with get_next_key (a concurrent delete may make a walk restart). */
  *keys(): Generator<Buffer> {
    let key: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(this.keySize);
      const current: Buffer | null = key;
      if (!nativeCall(`map ${this.name}`, () => native().mapNextKey(this.fd, current, next))) return;
      yield next;
      key = next;
    }
  }

  /**
   * Every entry. Uses BPF_MAP_LOOKUP_BATCH (BATCH entries per syscall) where the kernel supports it
   * for this map type, else a key walk with one lookup per key.
   */
  entries(): MapEntry[] {
    return this.batched(false) ?? this.walk();
  }

  /** Every entry, each deleted as it is read (lookup-and-delete batches where available). */
  drain(): MapEntry[] {
    const batched = this.batched(true);
    if (batched !== null) return batched;
    const out = this.walk();
    for (const e of out) this.delete(e.key);
    return out;
  }

  private walk(): MapEntry[] {
    const out: MapEntry[] = [];
    for (const key of this.keys()) {
      const value = this.lookup(key);
      if (value !== undefined) out.push({ key, value });
    }
    return out;
  }

  private batched(andDelete: boolean): MapEntry[] | null {
    if (this.batchSupported === false) return null;
    const out: MapEntry[] = [];
    const keys = Buffer.alloc(this.keySize * BATCH);
    const values = Buffer.alloc(this.userValueSize * BATCH);
    // The batch cursor is opaque: a bucket index for hash maps, a key for others.
    const token = Math.max(this.keySize, 8);
    let inBatch: Buffer | null = null;
    for (;;) {
      const outBatch = Buffer.alloc(token);
      let r: { count: number; done: boolean };
      try {
        r = native().mapLookupBatch(this.fd, inBatch, outBatch, keys, values, BATCH, andDelete);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (this.batchSupported === null && out.length === 0 && NO_BATCH.has(code ?? '')) {
          this.batchSupported = false;
          return null;
        }
        throw asBpfError(error, `map ${this.name}: batch lookup`);
      }
      this.batchSupported = true;
      for (let i = 0; i < r.count; i++) {
        out.push({
          key: Buffer.from(keys.subarray(i * this.keySize, (i + 1) * this.keySize)),
          value: Buffer.from(values.subarray(i * this.userValueSize, (i + 1) * this.userValueSize)),
        });
      }
      if (r.done) return out;
      inBatch = outBatch;
    }
  }

  /** The per-CPU slots of a per-CPU value, each valueSize bytes. */
  perCpuValues(value: Buffer): Buffer[] {
    const slot = Math.ceil(this.valueSize / 8) * 8;
    const out: Buffer[] = [];
    for (let at = 0; at + slot <= value.length; at += slot) out.push(value.subarray(at, at + this.valueSize));
    return out;
  }

  private checkKey(key: Buffer): void {
    if (key.length !== this.keySize)
      throw new RangeError(`map ${this.name}: key is ${key.length} bytes, not ${this.keySize}`);
  }
}
