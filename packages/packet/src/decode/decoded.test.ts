import { describe, expect, it } from 'vitest';
import { DecodeStatus, DecodedPacket } from './decoded.js';

describe('DecodedPacket', () => {
  it('starts as a packet outside any tunnel (vni -1), as reset() leaves it', () => {
    const fresh = new DecodedPacket();
    expect(fresh.vni).toBe(-1);
    const reset = new DecodedPacket();
    reset.vni = 5;
    reset.reset(new Uint8Array(0));
    expect(reset.vni).toBe(-1);
    expect([fresh.status, fresh.tunnelDepth]).toEqual([DecodeStatus.ok, 0]);
  });

  it('fail and ignore set the status and reason; fail returns -1 for the layer decoders', () => {
    const p = new DecodedPacket();
    expect(p.fail(3)).toBe(-1);
    expect([p.status, p.reason]).toEqual([DecodeStatus.undecodable, 3]);
    p.ignore(2);
    expect([p.status, p.reason]).toEqual([DecodeStatus.ignored, 2]);
  });
});
