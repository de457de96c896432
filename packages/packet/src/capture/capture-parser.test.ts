import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pcapFile, pcapngFile, type FrameRecord } from '../build/capture-files.js';
import { LinkType } from '../decode/link-types.js';
import { readCaptureFile } from './capture-file.js';
import { CaptureParser, MAX_RECORD_BYTES } from './capture-parser.js';
import { CaptureFormatError, emptyRecord } from './record.js';

const frame = (n: number, size = 60): Uint8Array => new Uint8Array(size).fill(n);
const T0 = 1_700_000_000_123_456_789n;
const records: FrameRecord[] = [
  { frame: frame(1), ts: T0 },
  { frame: frame(2, 1514), ts: T0 + 1_000_000_001n },
  { frame: frame(3, 0), ts: T0 + 2_500_000_000n },
];

interface Got {
  first: number;
  caplen: number;
  ts: bigint;
  linkType: number;
  iface: string | undefined;
}

/** Parses bytes fed in chunks of `chunk` bytes, so records span chunk boundaries. */
function parse(bytes: Uint8Array, chunk = bytes.length): { got: Got[]; parser: CaptureParser } {
  const parser = new CaptureParser();
  const rec = emptyRecord();
  const got: Got[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += chunk) {
    parser.feed(bytes.subarray(at, Math.min(bytes.length, at + chunk)));
    while (parser.next(rec)) {
      got.push({
        first: rec.caplen > 0 ? rec.data[rec.offset] : -1,
        caplen: rec.caplen,
        ts: BigInt(rec.sec) * 1_000_000_000n + BigInt(rec.nsec),
        linkType: rec.linkType,
        iface: rec.interfaceName,
      });
    }
    if (bytes.length === 0) break;
  }
  parser.end();
  return { got, parser };
}

const us = (t: bigint): bigint => (t / 1000n) * 1000n;

const variants: Array<{
  name: string;
  bytes: Uint8Array;
  ts: (t: bigint) => bigint;
  linkType: number;
  iface?: string;
}> = [
  { name: 'pcap µs little-endian', bytes: pcapFile(records, { linkType: 1 }), ts: us, linkType: 1 },
  {
    name: 'pcap µs big-endian',
    bytes: pcapFile(records, { linkType: 1, bigEndian: true }),
    ts: us,
    linkType: 1,
  },
  {
    name: 'pcap ns little-endian',
    bytes: pcapFile(records, { linkType: 113, nanosecond: true }),
    ts: (t) => t,
    linkType: 113,
  },
  {
    name: 'pcap ns big-endian',
    bytes: pcapFile(records, { linkType: 101, nanosecond: true, bigEndian: true }),
    ts: (t) => t,
    linkType: 101,
  },
  {
    name: 'pcapng little-endian, default µs',
    bytes: pcapngFile([{ interfaces: [{ linkType: 1 }], records }]),
    ts: us,
    linkType: 1,
  },
  {
    name: 'pcapng big-endian, ns resolution, named interface',
    bytes: pcapngFile([
      { bigEndian: true, interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }], records },
    ]),
    ts: (t) => t,
    linkType: 1,
    iface: 'eth0',
  },
  {
    name: 'pcapng ms resolution with unknown blocks skipped',
    bytes: pcapngFile([{ interfaces: [{ linkType: 0, tsresol: 3 }], records, unknownBlocks: 3 }]),
    ts: (t) => (t / 1_000_000n) * 1_000_000n,
    linkType: 0,
  },
  {
    name: 'pcapng binary resolution 2^-20',
    bytes: pcapngFile([{ interfaces: [{ linkType: 1, tsresol: 0x80 | 20 }], records }]),
    ts: (t) => {
      const units = (t * (1n << 20n)) / 1_000_000_000n;
      return (units / (1n << 20n)) * 1_000_000_000n + ((units % (1n << 20n)) * 1_000_000_000n) / (1n << 20n);
    },
    linkType: 1,
  },
];

describe('CaptureParser', () => {
  for (const v of variants) {
    for (const chunk of [1 << 20, 7, 1]) {
      it(`reads ${v.name} in chunks of ${chunk}`, () => {
        const { got, parser } = parse(v.bytes, chunk);
        expect(got.map((g) => [g.first, g.caplen])).toEqual([
          [1, 60],
          [2, 1514],
          [-1, 0],
        ]);
        // Floating point may round the last nanosecond for binary resolutions.
        got.forEach((g, i) => expect(Number(g.ts - v.ts(records[i].ts))).toBeLessThanOrEqual(1));
        expect(got.every((g) => g.linkType === v.linkType && g.iface === v.iface)).toBe(true);
        expect(parser.truncatedRecords).toBe(0);
      });
    }
  }

  it('reads several pcapng sections of either byte order, each with its own interfaces', () => {
    const bytes = pcapngFile([
      {
        interfaces: [
          { linkType: 1, name: 'a' },
          { linkType: 0, name: 'b', tsresol: 9 },
        ],
        records: [{ ...records[0], interfaceId: 1 }, records[1]],
      },
      { bigEndian: true, interfaces: [{ linkType: 101, name: 'c' }], records: [records[2]] },
      { interfaces: [{ linkType: 1 }], records: [records[0]], simple: true },
    ]);
    const { got } = parse(bytes, 13);
    expect(got.map((g) => [g.iface, g.linkType, g.caplen])).toEqual([
      ['b', 0, 60],
      ['a', 1, 1514],
      ['c', 101, 0],
      [undefined, 1, 60],
    ]);
    expect(got[0].ts).toBe(T0);
    // A simple packet block has no time: it keeps the time of the record before.
    expect(got[3].ts).toBe(got[2].ts);
  });

  it('counts a truncated last record and ends cleanly', () => {
    for (const bytes of [
      pcapFile(records, { linkType: 1 }),
      pcapngFile([{ interfaces: [{ linkType: 1 }], records }]),
    ]) {
      const { got, parser } = parse(bytes.subarray(0, bytes.length - 5), 100);
      expect(got.length).toBe(2);
      expect(parser.truncatedRecords).toBe(1);
    }
  });

  it('skips and counts records over 256 KiB that the file header allows, buffering none of them', () => {
    const big = new Uint8Array(MAX_RECORD_BYTES + 1000).fill(7);
    const withBig = [
      records[0],
      { ts: records[1].ts, frame: big },
      records[1],
      { ts: records[2].ts, frame: big },
    ];
    for (const [name, bytes] of [
      ['pcap with a 4 GiB snaplen', pcapFile(withBig, { linkType: 1, snaplen: 0xffffffff })],
      ['pcapng', pcapngFile([{ interfaces: [{ linkType: 1 }], records: withBig }])],
    ] as const) {
      for (const chunk of [65536, 4093]) {
        const { got, parser } = parse(bytes, chunk);
        expect(
          got.map((g) => [g.first, g.caplen]),
          `${name} / ${chunk}`,
        ).toEqual([
          [1, 60],
          [2, 1514],
        ]);
        expect(parser.oversizeRecords, name).toBe(2);
        expect(parser.truncatedRecords, name).toBe(0);
        // Nothing was buffered beyond a chunk and a record: the parser's own buffer stays small.
        expect(parser.bufferedBytes(), name).toBeLessThan(2 * 65536);
      }
    }
  });

  it('a file that ends inside an oversize record counts it as oversize and truncated', () => {
    const bytes = pcapFile([records[0], { ts: records[1].ts, frame: new Uint8Array(MAX_RECORD_BYTES + 8) }], {
      linkType: 1,
      snaplen: 0xffffffff,
    });
    const { got, parser } = parse(bytes.subarray(0, bytes.length - 100), 8192);
    expect(got).toHaveLength(1);
    expect([parser.oversizeRecords, parser.truncatedRecords]).toEqual([1, 1]);
  });

  const malformed: Array<{ name: string; bytes: Uint8Array; message: RegExp; offset: number }> = [
    { name: 'empty file', bytes: new Uint8Array(0), message: /empty file/, offset: 0 },
    {
      name: 'not a capture',
      bytes: new TextEncoder().encode('hello world, not a pcap'),
      message: /not a pcap or pcapng capture \(magic 0x68656c6c\)/,
      offset: 0,
    },
    {
      name: 'cut pcap header',
      bytes: pcapFile([], { linkType: 1 }).subarray(0, 10),
      message: /ends inside the capture header/,
      offset: 0,
    },
    {
      name: 'pcapng cut to its 4-byte block type',
      bytes: Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a]),
      message: /ends inside the capture header/,
      offset: 0,
    },
    {
      name: 'pcapng cut inside its section header block',
      bytes: pcapngFile([{ interfaces: [{ linkType: 1 }], records: [] }]).subarray(0, 20),
      message: /ends inside the capture header/,
      offset: 0,
    },
    {
      name: 'pcapng section header with a bad length',
      bytes: (() => {
        const b = pcapngFile([{ interfaces: [{ linkType: 1 }], records: [] }]);
        b[4] = 8;
        b[5] = b[6] = b[7] = 0;
        return b;
      })(),
      message: /section header block has a bad length 8/,
      offset: 0,
    },
    {
      name: 'pcap record longer than any snap length',
      bytes: (() => {
        const b = pcapFile(records, { linkType: 1 });
        new DataView(b.buffer).setUint32(24 + 16 + 60 + 8, 0x7fffffff, true);
        return b;
      })(),
      message: /record length 2147483647 exceeds the snap length/,
      offset: 100,
    },
    {
      name: 'pcapng block with a bad length',
      bytes: (() => {
        const b = pcapngFile([{ interfaces: [{ linkType: 1 }], records }]);
        new DataView(b.buffer).setUint32(28 + 4, 13, true);
        return b;
      })(),
      message: /bad length 13/,
      offset: 28,
    },
    {
      name: 'pcapng trailing length differs',
      bytes: (() => {
        const b = pcapngFile([{ interfaces: [{ linkType: 1 }], records }]);
        new DataView(b.buffer).setUint32(28 + 16, 24, true);
        return b;
      })(),
      message: /trailing length differs/,
      offset: 28,
    },
    {
      name: 'pcapng packet of an undescribed interface',
      bytes: pcapngFile([{ interfaces: [{ linkType: 1 }], records: [{ ...records[0], interfaceId: 3 }] }]),
      message: /interface 3/,
      offset: 48,
    },
    {
      name: 'pcapng bad byte-order magic',
      bytes: (() => {
        const b = pcapngFile([{ interfaces: [], records: [] }]);
        b[8] = 0;
        return b;
      })(),
      message: /byte-order magic/,
      offset: 0,
    },
  ];

  it.each(malformed)('rejects $name with the byte offset', ({ bytes, message, offset }) => {
    let error: unknown;
    try {
      parse(bytes, 5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaptureFormatError);
    expect((error as CaptureFormatError).message).toMatch(message);
    expect((error as CaptureFormatError).offset).toBe(offset);
  });
});

describe('readCaptureFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glia-packet-'));

  it('reads gzipped captures in small chunks', async () => {
    const path = join(dir, 'a.pcap.gz');
    writeFileSync(path, gzipSync(pcapFile(records, { linkType: LinkType.ETHERNET })));
    const sizes: number[] = [];
    const summary = await readCaptureFile(path, (r) => sizes.push(r.caplen), { chunkBytes: 16 });
    expect(sizes).toEqual([60, 1514, 0]);
    expect(summary).toMatchObject({ format: 'pcap', records: 3, truncatedRecords: 0 });
  });

  it.each([
    { name: 'pcap, reads smaller than a record (the buffer grows)', chunkBytes: 16, ng: false },
    { name: 'pcap, records split across reads', chunkBytes: 100, ng: false },
    { name: 'pcapng, reads smaller than a block', chunkBytes: 24, ng: true },
    { name: 'pcapng, one read', chunkBytes: 1 << 20, ng: true },
  ])('reads a plain file into the reused buffer: $name', async ({ chunkBytes, ng }) => {
    const path = join(dir, `plain-${chunkBytes}.${ng ? 'pcapng' : 'pcap'}`);
    const bytes = ng
      ? pcapngFile([{ interfaces: [{ linkType: LinkType.ETHERNET, name: 'eth0' }], records }])
      : pcapFile(records, { linkType: LinkType.ETHERNET });
    writeFileSync(path, bytes);
    const got: Array<[number, number]> = [];
    const summary = await readCaptureFile(
      path,
      (r) => got.push([r.caplen, r.caplen > 0 ? r.data[r.offset] : -1]),
      {
        chunkBytes,
      },
    );
    expect(got).toEqual([
      [60, 1],
      [1514, 2],
      [0, -1],
    ]);
    expect(summary).toMatchObject({ records: 3, truncatedRecords: 0, bytes: bytes.length });
  });

  it('names the file and the offset of a malformed capture', async () => {
    const path = join(dir, 'bad.pcap');
    writeFileSync(path, new TextEncoder().encode('GIF89a...'));
    await expect(readCaptureFile(path, () => undefined)).rejects.toThrow(
      `${path}: not a pcap or pcapng capture (magic 0x47494638) at byte offset 0`,
    );
  });

  it('reports corrupt gzip data as a capture format error', async () => {
    const path = join(dir, 'bad.pcap.gz');
    const gz = gzipSync(pcapFile(records, { linkType: 1 }));
    gz[20] ^= 0xff;
    gz[30] ^= 0xff;
    writeFileSync(path, gz);
    await expect(readCaptureFile(path, () => undefined)).rejects.toThrow(
      /bad\.pcap\.gz: gzip data is corrupt/,
    );
  });
});
