import { describe, expect, it } from 'vitest';
import { pcapFile } from '../build/capture-files.js';
import { concat } from '../build/frames.js';
import { CaptureParser, MAX_RECORD_BYTES } from './capture-parser.js';
import { CaptureFormatError, emptyRecord } from './record.js';

// pcapng blocks written field by field from the pcapng specification (draft-ietf-opsawg-pcapng,
// section 4: block type, total length, body padded to 32 bits, total length again), so that a
// test can also write what a well-behaved writer never would.

const SHB = 0x0a0d0d0a;

interface BlockOptions {
  /** Total length written in the header and the trailer instead of the real one. */
  length?: number;
}

function block(type: number, body: Uint8Array, le: boolean, o: BlockOptions = {}): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const out = new Uint8Array(12 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, o.length ?? out.length, le);
  out.set(body, 8);
  v.setUint32(out.length - 4, o.length ?? out.length, le);
  return out;
}

function fields(size: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(size);
  write(new DataView(out.buffer));
  return out;
}

/** Section Header Block: byte-order magic, version 1.0, section length -1. */
const shb = (le: boolean, o: BlockOptions & { magic?: number; body?: number } = {}): Uint8Array =>
  block(
    SHB,
    fields(o.body ?? 16, (v) => {
      v.setUint32(0, o.magic ?? 0x1a2b3c4d, le);
      v.setUint16(4, 1, le);
      if (v.byteLength >= 16) v.setInt32(8, -1, le);
      if (v.byteLength >= 16) v.setInt32(12, -1, le);
    }),
    le,
    o,
  );

/** Interface Description Block: link type, reserved, snap length, then options. */
const idb = (
  le: boolean,
  linkType: number,
  snaplen: number,
  options: Uint8Array = new Uint8Array(0),
): Uint8Array =>
  block(
    1,
    concat(
      fields(8, (v) => {
        v.setUint16(0, linkType, le);
        v.setUint32(4, snaplen, le);
      }),
      options,
    ),
    le,
  );

/** An if_name option followed by opt_endofopt. */
const ifName = (le: boolean, name: string): Uint8Array => {
  const text = new TextEncoder().encode(name);
  const value = new Uint8Array((text.length + 3) & ~3);
  value.set(text);
  return concat(
    fields(4, (v) => {
      v.setUint16(0, 2, le);
      v.setUint16(2, text.length, le);
    }),
    value,
    new Uint8Array(4),
  );
};

/** Enhanced Packet Block: interface id, timestamp (high, low), captured and original lengths, data, options. */
function epb(
  le: boolean,
  e: {
    id?: number;
    hi?: number;
    lo?: number;
    caplen?: number;
    origLen?: number;
    data: Uint8Array;
    options?: Uint8Array;
  },
  o: BlockOptions = {},
): Uint8Array {
  const head = fields(20, (v) => {
    v.setUint32(0, e.id ?? 0, le);
    v.setUint32(4, e.hi ?? 0, le);
    v.setUint32(8, e.lo ?? 0, le);
    v.setUint32(12, e.caplen ?? e.data.length, le);
    v.setUint32(16, e.origLen ?? e.data.length, le);
  });
  const data = new Uint8Array((e.data.length + 3) & ~3);
  data.set(e.data);
  return block(6, concat(head, data, e.options ?? new Uint8Array(0)), le, o);
}

/** The obsolete Packet Block (type 2): a 16-bit interface id and a 16-bit drops count. */
function pb(
  le: boolean,
  e: { id: number; drops: number; hi: number; lo: number; origLen: number; data: Uint8Array },
): Uint8Array {
  const head = fields(20, (v) => {
    v.setUint16(0, e.id, le);
    v.setUint16(2, e.drops, le);
    v.setUint32(4, e.hi, le);
    v.setUint32(8, e.lo, le);
    v.setUint32(12, e.data.length, le);
    v.setUint32(16, e.origLen, le);
  });
  return block(2, concat(head, e.data), le);
}

/** Simple Packet Block: original length, then the data (the captured length is implied). */
const spb = (le: boolean, origLen: number, data: Uint8Array, o: BlockOptions = {}): Uint8Array =>
  block(
    3,
    concat(
      fields(4, (v) => v.setUint32(0, origLen, le)),
      data,
    ),
    le,
    o,
  );

const unknown = (le: boolean, bodyBytes: number, o: BlockOptions = {}): Uint8Array =>
  block(0x0bad0000, new Uint8Array(bodyBytes).fill(0xee), le, o);

/** A frame whose bytes count up from `first`, so an offset error shows in the bytes. */
const frame = (size: number, first = 1): Uint8Array =>
  Uint8Array.from({ length: size }, (_, i) => (first + i) & 0xff);

interface Seen {
  caplen: number;
  origLen: number;
  /** The first and last byte of the frame (-1 when empty). */
  bytes: [number, number];
  id: number;
  name: string | undefined;
  linkType: number;
  sec: number;
  nsec: number;
}

interface Outcome {
  records: Seen[];
  oversize: number;
  truncated: number;
  /** The most bytes held unconsumed once next() asked for more input. */
  maxHeld: number;
}

/** Parses `bytes` fed as the pieces between `cuts` (or in chunks of `chunk` bytes). */
function run(bytes: Uint8Array, split: { cuts?: number[]; chunk?: number } = {}): Outcome {
  const cuts = split.cuts ?? [];
  if (split.chunk !== undefined)
    for (let at = split.chunk; at < bytes.length; at += split.chunk) cuts.push(at);
  const edges = [0, ...cuts, bytes.length];
  const parser = new CaptureParser();
  const rec = emptyRecord();
  const out: Outcome = { records: [], oversize: 0, truncated: 0, maxHeld: 0 };
  for (let k = 0; k + 1 < edges.length; k++) {
    parser.feed(bytes.slice(edges[k], edges[k + 1]));
    while (parser.next(rec)) {
      const last = rec.offset + rec.caplen - 1;
      out.records.push({
        caplen: rec.caplen,
        origLen: rec.origLen,
        bytes: rec.caplen > 0 ? [rec.data[rec.offset], rec.data[last]] : [-1, -1],
        id: rec.interfaceId,
        name: rec.interfaceName,
        linkType: rec.linkType,
        sec: rec.sec,
        nsec: rec.nsec,
      });
    }
    out.maxHeld = Math.max(out.maxHeld, parser.bufferedBytes());
  }
  parser.end();
  out.oversize = parser.oversizeRecords;
  out.truncated = parser.truncatedRecords;
  return out;
}

const ends = (f: Uint8Array): [number, number] => (f.length > 0 ? [f[0], f[f.length - 1]] : [-1, -1]);
const MAX = MAX_RECORD_BYTES;
/** A packet block this much longer than 256 KiB is passed over unread (block header, fields, 4 KiB of options). */
const OVERHEAD = 32 + 4096;

describe('CaptureParser, pcap edge cases', () => {
  const small = frame(60, 1);
  const small2 = frame(40, 101);

  it('reads a file of only the 24-byte pcap header', () => {
    expect(run(pcapFile([], { linkType: 1 }))).toMatchObject({ records: [], truncated: 0 });
  });

  it('reads a record of exactly 256 KiB under a 64 KiB snap length', () => {
    const big = frame(MAX, 9);
    const got = run(pcapFile([{ ts: 0n, frame: big }], { linkType: 1, snaplen: 65535 }));
    expect(got.records.map((r) => [r.caplen, r.bytes])).toEqual([[MAX, ends(big)]]);
    expect([got.oversize, got.truncated]).toEqual([0, 0]);
  });

  it('gives the original length of a record cut by the snap length', () => {
    const bytes = pcapFile([{ ts: 1_000_000_000n, frame: small }], { linkType: 1, snaplen: 60 });
    new DataView(bytes.buffer).setUint32(24 + 12, 1514, true);
    expect(run(bytes).records.map((r) => [r.caplen, r.origLen, r.sec])).toEqual([[60, 1514, 1]]);
  });

  const oversize = frame(MAX + 1, 7);
  const withOversize = pcapFile(
    [
      { ts: 0n, frame: small },
      { ts: 0n, frame: oversize },
      { ts: 0n, frame: small2 },
    ],
    { linkType: 1, snaplen: 0xffffffff },
  );
  const oversizeEnd = 24 + 16 + 60 + 16 + oversize.length;

  it.each([
    { name: 'the whole file in one chunk', cuts: [] },
    { name: 'the skip ending in the last chunk, which holds one more record', cuts: [24 + 16 + 60 + 100] },
    { name: 'the last chunk starting right after the oversize record', cuts: [oversizeEnd] },
  ])('reads the record after an oversize one: $name', ({ cuts }) => {
    const got = run(withOversize, { cuts });
    expect(got.records.map((r) => r.bytes)).toEqual([ends(small), ends(small2)]);
    expect([got.oversize, got.truncated]).toEqual([1, 0]);
  });

  it('waits for all 16 bytes of a record header (a big-endian length cut after its upper half)', () => {
    // caplen 0x00050010: with only its first two bytes in hand it would read as 0x00050000.
    const big = frame(0x50010, 3);
    const bytes = pcapFile(
      [
        { ts: 0n, frame: small },
        { ts: 0n, frame: big },
        { ts: 0n, frame: small2 },
      ],
      { linkType: 1, snaplen: 0xffffffff, bigEndian: true },
    );
    const got = run(bytes, { cuts: [24 + 16 + 60 + 10] });
    expect(got.records.map((r) => r.bytes)).toEqual([ends(small), ends(small2)]);
    expect([got.oversize, got.truncated]).toEqual([1, 0]);
  });
});

describe('CaptureParser, pcapng edge cases', () => {
  const le = true;
  const head = (snaplen = 0, options?: Uint8Array): Uint8Array =>
    concat(shb(le), idb(le, 1, snaplen, options));
  const a = frame(60, 1);
  const b = frame(61, 50);

  it('reads a file of only a section header block', () => {
    expect(run(shb(le))).toMatchObject({ records: [], truncated: 0 });
    expect(run(shb(false))).toMatchObject({ records: [], truncated: 0 });
  });

  it('passes over a 12-byte block (no body) at the end of the file', () => {
    const got = run(concat(head(), epb(le, { data: a }), unknown(le, 0)));
    expect(got.records.map((r) => r.bytes)).toEqual([ends(a)]);
    expect(got.truncated).toBe(0);
  });

  it('reads a 1 MiB block of unknown type whole, without counting it as an oversize record', () => {
    const got = run(concat(head(), epb(le, { data: a }), unknown(le, 1 << 20), epb(le, { data: b })), {
      chunk: 65536,
    });
    expect(got.records.map((r) => r.bytes)).toEqual([ends(a), ends(b)]);
    expect([got.oversize, got.truncated]).toEqual([0, 0]);
  });

  it('a block of unknown type claiming exactly 16 MiB is waited for: cut short, it is a truncated record', () => {
    const got = run(concat(head(), epb(le, { data: a }), unknown(le, 100, { length: 16 * 1024 * 1024 })));
    expect(got.records).toHaveLength(1);
    expect(got.truncated).toBe(1);
  });

  const huge = frame(MAX + 8192, 5);
  const hugeBlocks = [
    { name: 'enhanced', block: epb(le, { data: huge }) },
    { name: 'obsolete', block: pb(le, { id: 0, drops: 0, hi: 0, lo: 0, origLen: huge.length, data: huge }) },
    { name: 'simple', block: spb(le, huge.length, huge) },
  ];
  for (const { name, block: big } of hugeBlocks) {
    for (const chunk of [4096, 1 << 20]) {
      it(`passes over an ${name} packet block longer than 256 KiB + 4 KiB unbuffered (chunks of ${chunk})`, () => {
        const got = run(concat(head(), epb(le, { data: a }), big, epb(le, { data: b })), { chunk });
        expect(got.records.map((r) => r.bytes)).toEqual([ends(a), ends(b)]);
        expect([got.oversize, got.truncated]).toEqual([1, 0]);
        // Only the part of a small block left at the end of a chunk waits in the buffer.
        if (chunk === 4096) expect(got.maxHeld).toBeLessThan(200);
      });
    }
  }

  it('reads a 256 KiB packet in a block with 4 KiB of options (the longest block read)', () => {
    const data = frame(MAX, 11);
    // An opt_comment of 4088 bytes and opt_endofopt: 4096 bytes of options.
    const options = concat(
      fields(4, (v) => {
        v.setUint16(0, 1, le);
        v.setUint16(2, 4088, le);
      }),
      new Uint8Array(4088).fill(0x41),
      new Uint8Array(4),
    );
    const block = epb(le, { data, options, origLen: MAX + 5 });
    expect(block.length).toBe(MAX + OVERHEAD);
    const got = run(concat(head(), block));
    expect(got.records.map((r) => [r.caplen, r.origLen, r.bytes])).toEqual([[MAX, MAX + 5, ends(data)]]);
    expect(got.oversize).toBe(0);
  });

  it.each([true, false])(
    'reads the interface id and original length of enhanced packet blocks (little-endian %s)',
    (order) => {
      const bytes = concat(
        shb(order),
        idb(order, 1, 0, ifName(order, 'zero')),
        idb(order, 113, 0, ifName(order, 'one')),
        epb(order, { id: 1, hi: 0, lo: 2_500_000, data: a, origLen: 1500 }),
        epb(order, { id: 0, hi: 0, lo: 1, data: b }),
      );
      expect(run(bytes, { chunk: 7 }).records).toEqual([
        {
          caplen: 60,
          origLen: 1500,
          bytes: ends(a),
          id: 1,
          name: 'one',
          linkType: 113,
          sec: 2,
          nsec: 500_000_000,
        },
        { caplen: 61, origLen: 61, bytes: ends(b), id: 0, name: 'zero', linkType: 1, sec: 0, nsec: 1000 },
      ]);
    },
  );

  it.each([true, false])(
    'reads obsolete packet blocks: 16-bit interface id, drops count beside it (little-endian %s)',
    (order) => {
      const bytes = concat(
        shb(order),
        idb(order, 1, 0),
        idb(order, 101, 0, ifName(order, 'raw')),
        pb(order, { id: 1, drops: 5, hi: 0, lo: 3_000_001, origLen: 70, data: a }),
      );
      expect(run(bytes).records).toEqual([
        { caplen: 60, origLen: 70, bytes: ends(a), id: 1, name: 'raw', linkType: 101, sec: 3, nsec: 1000 },
      ]);
    },
  );

  // Simple packet blocks: captured length = min(original length, interface snap length), the data
  // padded to 32 bits (pcapng section 4.4); never more than the block holds.
  const simple = [
    { name: 'no snap length (0)', snaplen: 0, origLen: 60, data: a, want: 60 },
    {
      name: 'a snap length of 61, data padded to 64',
      snaplen: 61,
      origLen: 100,
      data: frame(61, 50),
      want: 61,
    },
    { name: 'a 61-byte packet padded to 64', snaplen: 262144, origLen: 61, data: b, want: 61 },
    {
      name: 'an original length past the block (only 100 bytes held)',
      snaplen: 0,
      origLen: 1514,
      data: frame(100, 30),
      want: 100,
    },
    { name: 'an empty packet', snaplen: 0, origLen: 0, data: new Uint8Array(0), want: 0 },
    { name: 'exactly 256 KiB', snaplen: 0, origLen: MAX, data: frame(MAX, 8), want: MAX },
  ];
  it.each(simple)('reads a simple packet block with $name', ({ snaplen, origLen, data, want }) => {
    const got = run(concat(head(snaplen), epb(le, { data: a, lo: 7_000_000 }), spb(le, origLen, data)));
    expect(got.records[1]).toEqual({
      caplen: want,
      origLen,
      bytes: want > 0 ? [data[0], data[want - 1]] : [-1, -1],
      id: 0,
      name: undefined,
      linkType: 1,
      sec: 7,
      nsec: 0,
    });
    expect([got.records.length, got.oversize, got.truncated]).toEqual([2, 0, 0]);
  });

  it('counts a simple packet block of just over 256 KiB as oversize and reads on', () => {
    const data = frame(MAX + 4, 2);
    const got = run(concat(head(), spb(le, data.length, data), epb(le, { data: b })));
    expect(got.records.map((r) => r.bytes)).toEqual([ends(b)]);
    expect([got.oversize, got.truncated]).toEqual([1, 0]);
  });
});

describe('CaptureParser, malformed headers and blocks', () => {
  const le = true;
  const head = concat(shb(le), idb(le, 1, 0));
  const ok = epb(le, { data: frame(60) });

  const cases: Array<{ name: string; bytes: Uint8Array; message: RegExp; offset: number }> = [
    {
      name: 'a 4-byte file with an unknown magic (printed with its leading zeros)',
      bytes: Uint8Array.from([0x00, 0x01, 0x02, 0x03]),
      message: /^not a pcap or pcapng capture \(magic 0x00010203\) at byte offset 0$/,
      offset: 0,
    },
    {
      name: 'a 12-byte section header with a bad byte-order magic',
      bytes: shb(le, { magic: 0x01020304 }).subarray(0, 12),
      message: /^pcapng section header has a bad byte-order magic/,
      offset: 0,
    },
    {
      name: 'a section header length that is not a multiple of 4',
      bytes: shb(le, { length: 30 }),
      message: /^pcapng section header block has a bad length 30 /,
      offset: 0,
    },
    {
      name: 'a section header over 16 MiB',
      bytes: shb(le, { length: 16 * 1024 * 1024 + 4 }),
      message: /^pcapng section header block has a bad length 16777220 /,
      offset: 0,
    },
    {
      name: 'a section header of exactly 16 MiB, cut short',
      bytes: shb(le, { length: 16 * 1024 * 1024 }),
      message: /^file ends inside the capture header/,
      offset: 0,
    },
    {
      name: 'a pcap record longer than a snap length over 256 KiB',
      bytes: (() => {
        const bytes = pcapFile([{ ts: 0n, frame: frame(60) }], { linkType: 1, snaplen: 1_000_000 });
        new DataView(bytes.buffer).setUint32(24 + 8, 2_000_000, true);
        return bytes;
      })(),
      message: /^pcap record length 2000000 exceeds the snap length 1000000 at byte offset 24$/,
      offset: 24,
    },
    {
      name: 'a second section with a bad byte-order magic',
      bytes: concat(head, ok, shb(le, { magic: 0x01020304 })),
      message: /^pcapng section header has a bad byte-order magic at byte offset 140$/,
      offset: 140,
    },
    {
      name: 'a block of 8 bytes',
      bytes: concat(
        head,
        fields(8, (v) => {
          v.setUint32(0, 0x0bad0000, le);
          v.setUint32(4, 8, le);
        }),
        ok,
      ),
      message: /^pcapng block of type 0xbad0000 has a bad length 8 /,
      offset: 48,
    },
    {
      name: 'a block of unknown type claiming 32 MiB',
      bytes: concat(head, unknown(le, 100, { length: 32 * 1024 * 1024 })),
      message: /^pcapng block of type 0xbad0000 has a bad length 33554432 at byte offset 48$/,
      offset: 48,
    },
    {
      name: 'a second section header of 24 bytes',
      bytes: concat(head, ok, shb(le, { body: 12 })),
      message: /^pcapng section header block too short at byte offset 140$/,
      offset: 140,
    },
    {
      name: 'an interface description block of 16 bytes',
      bytes: concat(
        shb(le),
        block(
          1,
          fields(4, (v) => v.setUint16(0, 1, le)),
          le,
        ),
      ),
      message: /^pcapng interface description block too short at byte offset 28$/,
      offset: 28,
    },
    {
      name: 'an enhanced packet block of 28 bytes',
      bytes: concat(head, block(6, new Uint8Array(16), le)),
      message: /^pcapng packet block too short at byte offset 48$/,
      offset: 48,
    },
    {
      name: 'an enhanced packet block whose captured length passes its data by 4 bytes',
      bytes: concat(head, epb(le, { data: frame(60), caplen: 64 })),
      message: /^pcapng packet block captured length 64 exceeds its block at byte offset 48$/,
      offset: 48,
    },
    {
      name: 'a simple packet block of 12 bytes',
      bytes: concat(head, block(3, new Uint8Array(0), le)),
      message: /^pcapng simple packet block too short at byte offset 48$/,
      offset: 48,
    },
  ];

  it.each(cases)('rejects $name', ({ bytes, message, offset }) => {
    let error: unknown;
    try {
      run(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).message).toMatch(message);
    expect((error as CaptureFormatError).offset).toBe(offset);
  });

  it('commit() before any reserve() is a usage error that says so', () => {
    expect(() => new CaptureParser().commit(1)).toThrow(/^CaptureParser\.commit\(\) without reserve\(\)$/);
  });
});

describe('CaptureParser.reserve', () => {
  /** A pcap file of records of 20-byte frames (36 bytes each after the 24-byte header). */
  const frames = [frame(20, 1), frame(20, 21), frame(20, 41), frame(20, 61)];
  const file = pcapFile(
    frames.map((f) => ({ ts: 0n, frame: f })),
    { linkType: 1 },
  );
  const drain = (p: CaptureParser, into: number[][]): void => {
    const rec = emptyRecord();
    while (p.next(rec)) into.push([...rec.data.subarray(rec.offset, rec.offset + rec.caplen)]);
  };

  it('gives at least what is asked when more is asked than before', () => {
    const p = new CaptureParser();
    expect(p.reserve(16).length).toBe(16);
    p.commit(0);
    expect(p.reserve(1000).length).toBe(1000);
  });

  it('keeps its buffer while the size asked stays and the unconsumed bytes fill at most half of it', () => {
    const p = new CaptureParser();
    const first = p.reserve(64);
    first.set(file.subarray(0, 64));
    p.commit(64);
    const got: number[][] = [];
    drain(p, got); // header and the first record: 4 bytes left
    const second = p.reserve(64);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(60);
    second.set(file.subarray(64, 124));
    p.commit(60);
    drain(p, got);
    expect(got).toEqual(frames.slice(0, 2).map((f) => [...f]));
  });

  it('doubles its buffer (not the size asked) while the unconsumed bytes fill more than half of it', () => {
    const p = new CaptureParser();
    const bytes = pcapFile([{ ts: 0n, frame: frame(200, 3) }], { linkType: 1 });
    p.reserve(100).set(bytes.subarray(0, 100));
    p.commit(100);
    drain(p, []); // the file header: 76 bytes of the record left, more than half of 100
    const into = p.reserve(16);
    expect(into.length).toBe(200 - 76);
    into.set(bytes.subarray(100, 224));
    p.commit(124);
    const more = p.reserve(16);
    more.set(bytes.subarray(224));
    p.commit(bytes.length - 224);
    const got: number[][] = [];
    drain(p, got);
    expect(got).toEqual([[...frame(200, 3)]]);
  });

  it('does not grow when the unconsumed bytes fill exactly half of a new buffer', () => {
    const p = new CaptureParser();
    p.feed(file.subarray(0, 32));
    expect(p.reserve(64).length).toBe(32);
  });

  it('moves the unconsumed bytes of a fed chunk to the front of its buffer', () => {
    const p = new CaptureParser();
    const got: number[][] = [];
    p.reserve(64).set(file.subarray(0, 64));
    p.commit(64);
    drain(p, got); // header and record 1: 4 bytes left in the parser's buffer
    p.feed(file.subarray(64, 80)); // joined with them in a new array: 20 bytes of record 2
    drain(p, got);
    const into = p.reserve(64);
    expect(into.length).toBe(44);
    into.set(file.subarray(80, 124));
    p.commit(44);
    drain(p, got);
    expect(got).toEqual(frames.slice(0, 2).map((f) => [...f]));
  });
});
