import fc from 'fast-check';
import { propertyRuns } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { formatJa4t, ja4t } from './ja4t.js';
import { parseTcpOptions } from './tcp-options.js';

/**
 * JA4T against the spec (../../shared/specs/JA4T.md) written out here plainly: every MSS value of
 * the 16-bit range checked against "%02d" by a naive loop, every window scale shift against the
 * "00 when absent or 0" rule, and whole option areas built from option records (so the expected
 * kinds, MSS and shift are known without parsing) against ja4t() over their bytes.
 */

/** "%02d": at least two digits, as C's printf writes it. */
const printf02d = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

describe('JA4T parts by naive loops over the whole range', () => {
  it('the MSS part is %02d for every MSS 0..65535, and "00" when absent', () => {
    const wrong: string[] = [];
    for (let mss = 0; mss <= 0xffff; mss++) {
      const got = formatJa4t(1, [2], mss).split('_')[2];
      if (got !== printf02d(mss)) wrong.push(`${mss} -> ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(formatJa4t(1, [], undefined).split('_')[2]).toBe('00');
  });

  it('the window scale part is "00" when absent or 0, else the shift in decimal, for 0..255', () => {
    for (let shift = 0; shift <= 255; shift++)
      expect(formatJa4t(1, [3], undefined, shift).split('_')[3]).toBe(shift === 0 ? '00' : String(shift));
    expect(formatJa4t(1, [], undefined, undefined).split('_')[3]).toBe('00');
  });

  it('the window part is the raw field in decimal for 0..65535', () => {
    const wrong: number[] = [];
    for (let window = 0; window <= 0xffff; window++)
      if (!formatJa4t(window, []).startsWith(`${window}_00_`)) wrong.push(window);
    expect(wrong).toEqual([]);
  });
});

describe('JA4T MSS padding boundary (named)', () => {
  const cases: Array<[string, number, string]> = [
    ['MSS 9 is padded to 09', 9, '1_2_09_00'],
    ['MSS 10 has two digits already: 10, not 010', 10, '1_2_10_00'],
    ['MSS 99 stays 99', 99, '1_2_99_00'],
    ['MSS 100 stays 100', 100, '1_2_100_00'],
  ];
  it.each(cases)('%s', (_name, mss, want) => {
    expect(ja4t(1, Uint8Array.from([2, 4, mss >> 8, mss & 0xff]))).toBe(want);
  });
});

type Option =
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'other'; code: number; data: number[] };

const option: fc.Arbitrary<Option> = fc.oneof(
  fc.constant<Option>({ kind: 'nop' }),
  fc.record({ kind: fc.constant('mss' as const), value: fc.nat({ max: 0xffff }) }),
  fc.record({ kind: fc.constant('wscale' as const), shift: fc.nat({ max: 14 }) }),
  fc.record({
    kind: fc.constant('other' as const),
    code: fc.integer({ min: 4, max: 254 }),
    data: fc.array(fc.nat({ max: 255 }), { maxLength: 8 }),
  }),
);

function encode(o: Option): number[] {
  switch (o.kind) {
    case 'nop':
      return [1];
    case 'mss':
      return [2, 4, o.value >> 8, o.value & 0xff];
    case 'wscale':
      return [3, 3, o.shift];
    case 'other':
      return [o.code, 2 + o.data.length, ...o.data];
  }
}

const code = (o: Option): number =>
  o.kind === 'nop' ? 1 : o.kind === 'mss' ? 2 : o.kind === 'wscale' ? 3 : o.code;

describe('JA4T of built option areas', () => {
  it('kinds in wire order, the last MSS and shift, EOL padding listed byte by byte', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffff }),
        fc.array(option, { maxLength: 10 }),
        fc.nat({ max: 6 }),
        (window, options, eolPadding) => {
          const bytes = Uint8Array.from([
            ...options.flatMap(encode),
            ...new Array<number>(eolPadding).fill(0),
          ]);
          const kinds = [...options.map(code), ...new Array<number>(eolPadding).fill(0)];
          const mss = options.filter((o) => o.kind === 'mss').at(-1);
          const ws = options.filter((o) => o.kind === 'wscale').at(-1);
          const want = [
            window,
            kinds.length === 0 ? '00' : kinds.join('-'),
            mss === undefined ? '00' : printf02d(mss.kind === 'mss' ? mss.value : 0),
            ws === undefined || ws.kind !== 'wscale' || ws.shift === 0 ? '00' : String(ws.shift),
          ].join('_');
          expect(ja4t(window, bytes)).toBe(want);
          expect(parseTcpOptions(bytes).malformed).toBeUndefined();
        },
      ),
      propertyRuns('ja4t of built option areas', 400),
    );
  });

  it('an option area cut anywhere lists the whole options before the cut, and says why it stopped', () => {
    fc.assert(
      fc.property(fc.array(option, { minLength: 1, maxLength: 8 }), fc.nat(), (options, at) => {
        const full = options.flatMap(encode);
        const cut = at % full.length;
        const parsed = parseTcpOptions(Uint8Array.from(full.slice(0, cut)));
        // The options wholly inside the cut, in order; the one the cut falls in is not listed.
        const whole: number[] = [];
        let offset = 0;
        let inside: Option | undefined;
        for (const o of options) {
          const length = encode(o).length;
          if (offset + length > cut) {
            inside = offset < cut ? o : undefined;
            break;
          }
          whole.push(code(o));
          offset += length;
        }
        expect(parsed.kinds).toEqual(whole);
        if (inside === undefined) expect(parsed.malformed).toBeUndefined();
        else expect(parsed.malformed).toBe(cut - offset === 1 ? 'length_byte_missing' : 'length_past_end');
      }),
      propertyRuns('tcp options cut anywhere', 400),
    );
  });
});

describe('TCP options of the wrong length (named)', () => {
  it.each([
    ['a window scale of length 4 is listed but not read', [3, 4, 7, 0], [3], undefined, undefined],
    ['an MSS of length 3 is listed but not read', [2, 3, 5], [2], undefined, undefined],
    ['an MSS of length 4 is read', [2, 4, 5, 180], [2], 1460, undefined],
    ['a window scale of length 3 is read', [3, 3, 7], [3], undefined, 7],
  ])('%s', (_name, bytes, kinds, mss, wscale) => {
    const parsed = parseTcpOptions(Uint8Array.from(bytes as number[]));
    expect(parsed.kinds).toEqual(kinds);
    expect(parsed.mss).toBe(mss);
    expect(parsed.wscale).toBe(wscale);
  });
});
