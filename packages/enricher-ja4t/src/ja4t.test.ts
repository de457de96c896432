import { describe, expect, it } from 'vitest';
import { fingerprintable, formatJa4t, ja4t } from './ja4t.js';
import { parseTcpOptions } from './tcp-options.js';

const MSS = (v: number) => [2, 4, v >> 8, v & 0xff];
const WS = (shift: number) => [3, 3, shift];
const NOP = [1];
const SACK_OK = [4, 2];
const TS = [8, 10, 0, 0, 0, 1, 0, 0, 0, 0];
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

interface Case {
  name: string;
  window: number;
  options: Uint8Array;
  mss?: number;
  wscale?: number;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'spec: Windows 11 SYN',
    window: 64240,
    options: bytes(MSS(1460), NOP, WS(8), NOP, NOP, SACK_OK),
    expected: '64240_2-1-3-1-1-4_1460_8',
  },
  { name: 'spec: SYN without options', window: 8192, options: bytes(), expected: '8192_00_00_00' },
  {
    name: 'spec: window scale 0',
    window: 65535,
    options: bytes(MSS(1460), NOP, WS(0), NOP, NOP, TS),
    expected: '65535_2-1-3-1-1-8_1460_00',
  },
  {
    name: 'spec: Linux SYN',
    window: 64240,
    options: bytes(MSS(1460), SACK_OK, TS, NOP, WS(7)),
    expected: '64240_2-4-8-1-3_1460_7',
  },
  {
    name: 'manifest: vxlan-encapsulated-http JA4TS',
    window: 26847,
    options: bytes(MSS(1452), SACK_OK, TS, NOP, WS(8)),
    expected: '26847_2-4-8-1-3_1452_8',
  },
  {
    name: 'manifest: chrome-34 macOS SYN with EOL padding',
    window: 65535,
    options: bytes(MSS(1460), NOP, WS(4), NOP, NOP, TS, SACK_OK, [0, 0]),
    expected: '65535_2-1-3-1-1-8-4-0-0_1460_4',
  },
  {
    name: 'manifest: smtp SYN without window scale',
    window: 65535,
    options: bytes(MSS(1460), NOP, NOP, SACK_OK),
    expected: '65535_2-1-1-4_1460_00',
  },
  {
    name: 'manifest: ftp SYN-ACK ending in NOP NOP',
    window: 4096,
    options: bytes(MSS(1460), NOP, WS(6), NOP, NOP, TS, SACK_OK, NOP, NOP),
    expected: '4096_2-1-3-1-1-8-4-1-1_1460_6',
  },
  {
    name: 'five-digit loopback MSS',
    window: 32792,
    options: bytes(MSS(16396), SACK_OK, TS, NOP, WS(7)),
    expected: '32792_2-4-8-1-3_16396_7',
  },
  { name: 'no MSS', window: 1024, options: bytes(NOP, WS(2), SACK_OK), expected: '1024_1-3-4_00_2' },
  { name: 'no window scale', window: 5840, options: bytes(MSS(1460), SACK_OK), expected: '5840_2-4_1460_00' },
  { name: 'single-digit MSS is zero padded', window: 1, options: bytes(MSS(7)), expected: '1_2_07_00' },
  { name: 'MSS 0 is "00"', window: 1, options: bytes(MSS(0)), expected: '1_2_00_00' },
  { name: 'window 0', window: 0, options: bytes(MSS(536)), expected: '0_2_536_00' },
  { name: 'large window scale', window: 65535, options: bytes(WS(14)), expected: '65535_3_00_14' },
  {
    name: 'EOL first: every byte is a 0',
    window: 10,
    options: bytes([0, 2, 4, 5, 180]),
    expected: '10_0-0-0-0-0_00_00',
  },
  {
    name: 'bytes after EOL are listed as 0 whatever they are',
    window: 10,
    options: bytes(MSS(1460), [0, 1, 3, 3]),
    expected: '10_2-0-0-0-0_1460_00',
  },
  {
    name: 'unknown kinds count',
    window: 10,
    options: bytes([30, 4, 0, 0], [253, 2], MSS(1400)),
    expected: '10_30-253-2_1400_00',
  },
  {
    name: 'duplicate MSS: last wins',
    window: 10,
    options: bytes(MSS(1460), MSS(1200)),
    expected: '10_2-2_1200_00',
  },
  {
    name: 'duplicate window scale: last wins',
    window: 10,
    options: bytes(WS(7), WS(0)),
    expected: '10_3-3_00_00',
  },
  {
    name: 'MSS with a bad length is listed, its value not read',
    window: 10,
    options: bytes([2, 3, 5], NOP),
    expected: '10_2-1_00_00',
  },
  { name: 'malformed: length byte missing', window: 10, options: bytes(NOP, [2]), expected: '10_1_00_00' },
  {
    name: 'malformed: length 0',
    window: 10,
    options: bytes(MSS(1460), [8, 0, 1, 1]),
    expected: '10_2_1460_00',
  },
  { name: 'malformed: length 1', window: 10, options: bytes(NOP, [3, 1], WS(5)), expected: '10_1_00_00' },
  {
    name: 'malformed: length past the end',
    window: 10,
    options: bytes(WS(5), [8, 10, 0, 0]),
    expected: '10_3_00_5',
  },
  {
    name: 'explicit mss/wscale are used as given',
    window: 10,
    options: bytes(MSS(1460), WS(3)),
    mss: 1460,
    wscale: 3,
    expected: '10_2-3_1460_3',
  },
];

describe('ja4t', () => {
  it.each(cases)('$name', ({ window, options, mss, wscale, expected }) => {
    expect(ja4t(window, options, mss, wscale)).toBe(expected);
  });

  it('never throws on any 1- and 2-byte option area, nor on random ones', () => {
    const shape = /^\d+_(00|\d+(-\d+)*)_\d{2,}_(00|[1-9]\d*)$/;
    const bad: string[] = [];
    for (let a = 0; a < 256; a++) {
      if (!shape.test(ja4t(1, Uint8Array.of(a)))) bad.push(`${a}`);
      for (let b = 0; b < 256; b++) if (!shape.test(ja4t(1, Uint8Array.of(a, b)))) bad.push(`${a},${b}`);
    }
    expect(bad).toEqual([]);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let n = 0; n < 2000; n++) {
      const area = Uint8Array.from({ length: n % 41 }, random);
      expect(ja4t(65535, area)).toMatch(shape);
    }
  });
});

describe('parseTcpOptions', () => {
  it.each([
    { name: 'length byte missing', area: [2], reason: 'length_byte_missing' },
    { name: 'length too short', area: [5, 1], reason: 'length_too_short' },
    { name: 'length past end', area: [8, 10, 1], reason: 'length_past_end' },
  ])('says why a malformed area stopped: $name', ({ area, reason }) => {
    expect(parseTcpOptions(Uint8Array.from(area)).malformed).toBe(reason);
  });

  it('reports nothing malformed for a well-formed area', () => {
    expect(parseTcpOptions(bytes(MSS(1460), NOP, WS(8))).malformed).toBeUndefined();
  });
});

describe('formatJa4t', () => {
  it('renders "00" for no kinds, absent MSS and absent or zero wscale', () => {
    expect(formatJa4t(0, [])).toBe('0_00_00_00');
    expect(formatJa4t(1, [3], undefined, 0)).toBe('1_3_00_00');
  });
});

describe('fingerprintable', () => {
  it.each([
    { name: 'pure SYN', phase: 'syn' as const, flags: 0x02, expected: true },
    { name: 'SYN with ECE+CWR', phase: 'syn' as const, flags: 0xc2, expected: false },
    { name: 'pure SYN-ACK', phase: 'synack' as const, flags: 0x12, expected: true },
    { name: 'SYN-ACK with ECE', phase: 'synack' as const, flags: 0x52, expected: false },
    { name: 'flags unknown', phase: 'syn' as const, flags: undefined, expected: true },
  ])('$name', ({ phase, flags, expected }) => {
    expect(fingerprintable(phase, flags)).toBe(expected);
  });
});
