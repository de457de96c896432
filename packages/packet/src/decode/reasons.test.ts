import { describe, expect, it } from 'vitest';
import { DecodeCounters, IGNORED_KINDS, R, UNDECODABLE_REASONS } from './reasons.js';

describe('DecodeCounters', () => {
  it('reports only the reasons and kinds counted, with their counts, and the total', () => {
    const c = new DecodeCounters();
    c.undecodable[R.truncatedLink] += 2;
    c.undecodable[R.truncatedPpp] += 1;
    c.undecodable[R.fragment] += 4;
    c.ignored[0] += 3;
    c.ignored[2] += 1;
    expect(c.undecodableByReason()).toEqual({ truncated_link: 2, fragment: 4, truncated_ppp: 1 });
    expect(c.ignoredByKind()).toEqual({ non_ip: 3, tunnel_payload_other: 1 });
    expect(c.totalUndecodable()).toBe(7);
  });

  it('reports nothing before anything is counted', () => {
    const c = new DecodeCounters();
    expect([c.undecodableByReason(), c.ignoredByKind(), c.totalUndecodable()]).toEqual([{}, {}, 0]);
  });

  it('names every reason code in order, and each kind', () => {
    // R's codes are the positions of the names in UNDECODABLE_REASONS.
    const byName = Object.fromEntries(UNDECODABLE_REASONS.map((name, i) => [name, i]));
    const camel = (name: string): string => name.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());
    for (const [name, code] of Object.entries(byName)) {
      const key = Object.keys(R).find((k) => k.toLowerCase() === camel(name).toLowerCase());
      expect(key === undefined ? undefined : R[key as keyof typeof R], name).toBe(code);
    }
    expect(IGNORED_KINDS).toEqual(['non_ip', 'other_transport', 'tunnel_payload_other']);
  });
});
