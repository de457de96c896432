import { fileURLToPath } from 'node:url';
import { frames } from '@glia/packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BpfError,
  BpfObject,
  canRunKernelTests,
  compileBpf,
  forEachRecord,
  MapType,
  native,
  probeKernel,
  RingBufferReader,
  TcAction,
  UpdateFlag,
  XdpAction,
} from './index.js';

const kernel = canRunKernelTests(['bpf', 'btf', 'ringbuf']);
const source = (name: string): string => fileURLToPath(new URL(`../test-objects/${name}`, import.meta.url));
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
const frame = (payload: number): Buffer =>
  Buffer.from(
    frames.ethernet(
      0x0800,
      frames.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, frames.udp(1, 2, new Uint8Array(payload))),
    ),
  );

describe('probeKernel', () => {
  it('answers every feature with ok or a reason, without throwing', () => {
    const probe = probeKernel();
    for (const f of ['addon', 'bpf', 'btf', 'tcx', 'xdp', 'ringbuf'] as const) {
      expect(typeof probe[f].ok).toBe('boolean');
      if (!probe[f].ok) expect(probe[f].reason).toMatch(/\w/);
    }
  });
});

describe.skipIf(!kernel)('BpfObject, maps, test runs and the ring buffer', () => {
  let path: string;
  let object: BpfObject;

  beforeAll(() => {
    path = compileBpf(source('basics.bpf.c'));
    object = BpfObject.open(path);
    const rodata = object.initialValue('.rodata')!;
    rodata.writeUInt32LE(0xc0ffee, 0);
    object.setInitialValue('.rodata', rodata).setMaxEntries('table', 1024).load();
  });
  afterAll(() => object?.close());

  it('loads with CO-RE: the kernel sk_buff length read through BTF equals the frame length', () => {
    const reader = new RingBufferReader(object.map('ring'));
    const program = object.program('count_and_report');
    for (const size of [10, 200]) {
      expect(program.testRun(frame(size)).retval).toBe(TcAction.UNSPEC);
    }
    const records: Array<{ tag: number; skb: number; core: number; seq: number }> = [];
    forEachRecord(reader.consume()!, (b, at) =>
      records.push({
        tag: b.readUInt32LE(at),
        skb: b.readUInt32LE(at + 4),
        core: b.readUInt32LE(at + 8),
        seq: b.readUInt32LE(at + 12),
      }),
    );
    expect(records).toEqual([
      { tag: 0xc0ffee, skb: 52, core: 52, seq: 0 },
      { tag: 0xc0ffee, skb: 242, core: 242, seq: 1 },
    ]);
    expect(reader.consume()).toBeNull();
    reader.close();
  });

  it('delivers ring-buffer batches on the event loop, without a consume call', async () => {
    const batches: number[] = [];
    const got = new Promise<void>((done) => {
      const reader = new RingBufferReader(object.map('ring'), (_batch, count) => {
        batches.push(count);
        reader.close();
        done();
      });
    });
    const program = object.program('count_and_report');
    for (let i = 0; i < 5; i++) program.testRun(frame(1));
    await got;
    expect(batches).toEqual([5]);
  });

  it('runs an XDP program and measures a repeated run', () => {
    const r = object.program('xdp_pass').testRun(frame(64), { repeat: 1000 });
    expect(r.retval).toBe(XdpAction.PASS);
    expect(r.durationNs).toBeGreaterThan(0);
  });

  it('looks up, updates, deletes and iterates maps (batches where the kernel has them)', () => {
    const table = object.map('table');
    expect([table.type, table.keySize, table.valueSize, table.maxEntries]).toEqual([
      MapType.HASH,
      4,
      8,
      1024,
    ]);
    for (let i = 0; i < 600; i++) table.update(u32(i), u64(BigInt(i) * 3n));
    expect(table.lookup(u32(7))?.readBigUInt64LE()).toBe(21n);
    expect(table.lookup(u32(9999))).toBeUndefined();
    expect(() => table.update(u32(7), u64(0n), UpdateFlag.NOEXIST)).toThrow(/EEXIST/);
    expect(table.delete(u32(7))).toBe(true);
    expect(table.delete(u32(7))).toBe(false);
    const entries = table.entries();
    expect(entries.length).toBe(599);
    expect(entries.every((e) => e.value.readBigUInt64LE() === BigInt(e.key.readUInt32LE()) * 3n)).toBe(true);
    expect([...table.keys()].length).toBe(599);
    const drained = table.drain();
    expect(drained.length).toBe(599);
    expect(table.entries()).toEqual([]);
    expect(() => table.lookup(Buffer.alloc(3))).toThrow('map table: key is 3 bytes, not 4');
  });

  it('iterates an array map by walking keys where batches are not supported, and sums per-CPU slots', () => {
    const runs = object.map('runs');
    expect(runs.entries().length).toBe(4);
    const percpu = object.map('percpu');
    const value = percpu.lookup(u32(0))!;
    expect(value.length).toBe(8 * native().numPossibleCpus());
    const total = percpu.perCpuValues(value).reduce((n, slot) => n + slot.readBigUInt64LE(), 0n);
    expect(total).toBeGreaterThanOrEqual(7n);
  });

  it('refuses changes before load on a loaded object, and use after close', () => {
    expect(() => object.setMaxEntries('table', 1)).toThrow(/only before load/);
    const other = BpfObject.open(path);
    expect(() => other.program('count_and_report')).toThrow(/load\(\) it first/);
    other.close();
    other.close();
    expect(() => other.map('table')).toThrow(/closed/);
  });
});

describe.skipIf(!kernel)('errors', () => {
  it('carries errno and the verifier log when a program is rejected', () => {
    const object = BpfObject.open(compileBpf(source('rejected.bpf.c')));
    let error: unknown;
    try {
      object.load();
    } catch (e) {
      error = e;
    } finally {
      object.close();
    }
    expect(error).toBeInstanceOf(BpfError);
    const e = error as BpfError;
    expect(e.code).toBe('EACCES');
    expect(e.errno).toBe(13);
    expect(e.message).toMatch(/rejected\.bpf\.o: load .*Permission denied \(EACCES\); the verifier rejected/);
    expect(e.log).toMatch(/invalid mem access 'map_value_or_null'/);
    expect(e.logTail(5)).toMatch(/map_value_or_null/);
  });

  it('names the file and the system reason when an object cannot be opened', () => {
    expect(() => BpfObject.open('/nonexistent/x.bpf.o')).toThrow(
      /open \/nonexistent\/x\.bpf\.o: .*\(ENOENT\)/,
    );
  });
});
