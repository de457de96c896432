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
