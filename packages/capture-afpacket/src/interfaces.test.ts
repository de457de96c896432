import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameDirection, parseMac, readInterface } from './interfaces.js';

const MAC = Uint8Array.from([0x02, 0, 0, 0, 0, 0x01]);
const frame = (src: number[]): Uint8Array =>
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...src, 0x08, 0x00]);

describe('frameDirection', () => {
  it.each([
    { name: 'own source address', frame: frame([2, 0, 0, 0, 0, 1]), mac: MAC, dir: 'egress' },
    { name: 'another source address', frame: frame([2, 0, 0, 0, 0, 2]), mac: MAC, dir: 'ingress' },
    { name: 'differs in the first byte only', frame: frame([3, 0, 0, 0, 0, 1]), mac: MAC, dir: 'ingress' },
    {
      name: 'loopback (all-zero address)',
      frame: frame([0, 0, 0, 0, 0, 0]),
      mac: new Uint8Array(6),
      dir: 'ingress',
    },
    { name: 'device without an address', frame: frame([2, 0, 0, 0, 0, 1]), mac: null, dir: 'ingress' },
    {
      name: 'frame too short for a source address',
      frame: Uint8Array.from([1, 2, 3]),
      mac: MAC,
      dir: 'ingress',
    },
  ])('$name → $dir', ({ frame: f, mac, dir }) => {
    expect(frameDirection(f, 0, f.length, mac)).toBe(dir);
  });

  it('reads the source address at the frame offset', () => {
    const padded = new Uint8Array(100);
    padded.set(frame([2, 0, 0, 0, 0, 1]), 40);
    expect(frameDirection(padded, 40, 14, MAC)).toBe('egress');
  });
});

describe('parseMac', () => {
  it.each([
    ['02:00:00:00:00:01', [2, 0, 0, 0, 0, 1]],
    ['AA:bb:CC:dd:EE:ff', [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]],
    ['', null],
    ['00:00:00:00', null],
    ['00:00:00:00:00:00:00:00', null],
    ['0g:00:00:00:00:00', null],
  ])('%s', (text, bytes) => {
    const got = parseMac(text);
    expect(got === null ? null : [...got]).toEqual(bytes);
  });
});

describe('readInterface', () => {
  const sys = mkdtempSync(join(tmpdir(), 'glia-sysnet-'));
  const device = (name: string, files: Record<string, string>): void => {
    mkdirSync(join(sys, name));
    for (const [f, v] of Object.entries(files)) writeFileSync(join(sys, name, f), `${v}\n`);
  };
  device('veth0', { ifindex: '7', flags: '0x1003', address: '02:00:00:00:00:01' });
  device('down0', { ifindex: '8', flags: '0x1002', address: '02:00:00:00:00:02' });
  device('tun0', { ifindex: '9', flags: '0x10d1', address: '' });

  it('reads index, up flag and address; null for a missing device or a path', () => {
    expect(readInterface('veth0', sys)).toEqual({ name: 'veth0', ifindex: 7, up: true, mac: MAC });
    expect(readInterface('down0', sys)?.up).toBe(false);
    expect(readInterface('tun0', sys)).toEqual({ name: 'tun0', ifindex: 9, up: true, mac: null });
    expect(readInterface('nope', sys)).toBeNull();
    expect(readInterface('../veth0', sys)).toBeNull();
  });
});
