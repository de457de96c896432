import { describe, expect, it } from 'vitest';
import { edgeKey, lpmKey } from './edge-key.js';

describe('edgeKey (struct glia_edge_key)', () => {
  it('lays out an IPv4 edge: addresses in the first 4 bytes of 16, port little endian, proto, family', () => {
    const key = edgeKey({ client: '10.1.2.3', server: '10.9.8.7', port: 443, proto: 'tcp' });
    expect(key.length).toBe(40);
    expect([...key.subarray(0, 5)]).toEqual([10, 1, 2, 3, 0]);
    expect([...key.subarray(16, 20)]).toEqual([10, 9, 8, 7]);
    expect(key.readUInt16LE(32)).toBe(443);
    expect([key[34], key[35]]).toEqual([6, 4]);
  });
  it('lays out an IPv6 UDP edge', () => {
    const key = edgeKey({ client: 'fd00::1', server: 'fd00::2', port: 53, proto: 'udp' });
    expect(key[0]).toBe(0xfd);
    expect(key[15]).toBe(1);
    expect(key[31]).toBe(2);
    expect([key[34], key[35]]).toEqual([17, 6]);
  });
  it('rejects an edge mixing families, and a bad address', () => {
    expect(() => edgeKey({ client: '10.0.0.1', server: 'fd00::2', port: 1, proto: 'tcp' })).toThrow(/mixes/);
    expect(() => edgeKey({ client: 'nope', server: '10.0.0.1', port: 1, proto: 'tcp' })).toThrow(
      /not an IP address/,
    );
  });
});

describe('lpmKey (struct glia_lpm_key)', () => {
  it('counts the family byte in the prefix length and clears host bits', () => {
    const key = lpmKey('10.244.7.9/16');
    expect(key.readUInt32LE(0)).toBe(24);
    expect([...key.subarray(4, 9)]).toEqual([4, 10, 244, 0, 0]);
    expect(lpmKey('fc00::/7').readUInt32LE(0)).toBe(15);
  });
});
