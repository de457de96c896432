import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@glia/core/testing';
import { describe, expect, it } from 'vitest';
import { DEV_DEPENDENCIES, namesOf } from './package-files.js';

describe('generated plugin packages', () => {
  it('develop with the TypeScript, vitest and Node types glia itself uses', () => {
    const root = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    for (const [name, version] of Object.entries(DEV_DEPENDENCIES)) {
      expect(root.devDependencies[name], name).toBe(version);
    }
  });

  it.each([
    ['acme-tag', { type: 'acme_tag', pkg: 'glia-plugin-acme-tag', pascal: 'AcmeTag' }],
    ['geo', { type: 'geo', pkg: 'glia-plugin-geo', pascal: 'Geo' }],
    ['x_2', { type: 'x_2', pkg: 'glia-plugin-x-2', pascal: 'X2' }],
  ])('names %s', (name, expected) => {
    expect(namesOf(name)).toEqual(expected);
  });
});
