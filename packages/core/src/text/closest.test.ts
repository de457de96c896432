import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest.js';

describe('closestName', () => {
  it.each([
    ['fqnd', ['fqdn', 'flow', 'tls'], 'fqdn'],
    ['servces', ['services', 'identity'], 'services'],
    ['blocklgo', ['blocklog', 'enforcement'], 'blocklog'],
    ['xyz', ['fqdn', 'flow'], undefined],
    ['ip.scr', ['ip.src', 'ip.dst'], 'ip.src'],
  ])('%s among %j is %s', (name, candidates, expected) => {
    expect(closestName(name, candidates)).toBe(expected);
  });

  it.each([
    ['', '', 0],
    ['a', '', 1],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
