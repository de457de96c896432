import { describe, expect, it } from 'vitest';
import { parseTcpOptions } from './tcp-options.js';

const cases = [
  {
    name: 'linux SYN: MSS, SACK-permitted, timestamps, NOP, window scale',
    bytes: [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7],
    want: {
      mss: 1460,
      wscale: 7,
      sackPermitted: true,
      timestamp: { value: 1, echo: 0 },
      kinds: [2, 4, 8, 1, 3],
      malformed: false,
    },
  },
  { name: 'no options', bytes: [], want: { sackPermitted: false, kinds: [], malformed: false } },
  { name: 'EOL ends the list', bytes: [1, 0, 2, 4, 5, 0xb4], want: { kinds: [1, 0], malformed: false } },
  { name: 'window scale 0 is present', bytes: [3, 3, 0, 0], want: { wscale: 0, kinds: [3, 0] } },
  { name: 'option length past the end', bytes: [2, 8, 5, 0xb4], want: { kinds: [2], malformed: true } },
  { name: 'option length < 2', bytes: [2, 1, 5, 0xb4], want: { kinds: [2], malformed: true } },
  { name: 'kind without length byte', bytes: [1, 1, 1, 2], want: { kinds: [1, 1, 1, 2], malformed: true } },
  { name: 'MSS with a wrong size is not an MSS', bytes: [2, 3, 5, 1], want: { kinds: [2, 1] }, noMss: true },
];

describe('parseTcpOptions', () => {
  it.each(cases)('$name', ({ bytes, want, ...rest }) => {
    const padded = Uint8Array.from([9, ...bytes, 9]);
    const got = parseTcpOptions(padded, 1, bytes.length);
    expect(got).toMatchObject(want);
    if ('noMss' in rest) expect(got.mss).toBeUndefined();
  });
});

/**
 * Each known option counts only with its RFC size (MSS 4, window scale 3, SACK-permitted 2,
 * timestamps 10: RFC 9293 §3.2, RFC 7323, RFC 2018); any other kind of those sizes is only listed.
 * Compared whole, so a field set by mistake fails.
 */
const exact: Array<{ name: string; bytes: number[]; want: Record<string, unknown> }> = [
  {
    name: 'an unknown kind of size 4 is not an MSS',
    bytes: [30, 4, 1, 2],
    want: { kinds: [30] },
  },
  {
    name: 'an unknown kind of size 3 is not a window scale',
    bytes: [30, 3, 7, 0],
    want: { kinds: [30, 0] },
  },
  {
    name: 'window scale with size 4 is not a window scale',
    bytes: [3, 4, 7, 0],
    want: { kinds: [3] },
  },
  {
    name: 'an unknown kind of size 2 is not SACK-permitted',
    bytes: [30, 2, 1, 0],
    want: { kinds: [30, 1, 0] },
  },
  {
    name: 'SACK-permitted with size 3 is not SACK-permitted',
    bytes: [4, 3, 0, 0],
    want: { kinds: [4, 0] },
  },
  {
    name: 'timestamps with size 8 are not timestamps',
    bytes: [8, 8, 0, 0, 0, 1, 0, 0, 0, 0],
    want: { kinds: [8, 0] },
  },
  {
    name: 'an unknown kind of size 10 is not timestamps',
    bytes: [30, 10, 0, 0, 0, 1, 0, 0, 0, 2],
    want: { kinds: [30] },
  },
  {
    name: 'timestamps: value and echo read big-endian from their own bytes',
    bytes: [1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88],
    want: { kinds: [1, 1, 8], timestamp: { value: 0x11223344, echo: 0x55667788 } },
  },
];

describe('parseTcpOptions: option sizes', () => {
  it.each(exact)('$name', ({ bytes, want }) => {
    const padded = Uint8Array.from([9, ...bytes, 9]);
    expect(parseTcpOptions(padded, 1, bytes.length)).toEqual({
      sackPermitted: false,
      malformed: false,
      ...want,
    });
  });

  // The option space can end the buffer (a SYN without payload): the length byte is then absent.
  it.each([
    { name: 'a kind without its length byte, last in the buffer', bytes: [1, 1, 1, 2], kinds: [1, 1, 1, 2] },
    { name: 'MSS alone as the last byte of the buffer', bytes: [2], kinds: [2] },
  ])('$name is malformed', ({ bytes, kinds }) => {
    expect(parseTcpOptions(Uint8Array.from(bytes), 0, bytes.length)).toEqual({
      sackPermitted: false,
      kinds,
      malformed: true,
    });
  });
});
