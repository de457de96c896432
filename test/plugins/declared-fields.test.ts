import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_FIELD_NAMESPACES,
  CORE_FIELDS,
  FieldCatalog,
  builtinOwnerOf,
  type FieldType,
} from '@glia/core';
import { fixturesDir } from '@glia/core/testing';
import { typeName } from '@glia/rules';
import { describe, expect, it } from 'vitest';

/**
 * The rule fields are declared once, on the factories (core's CORE_FIELDS and each built-in
 * enricher's `fields`). This checks them against the contract's table (DESIGN §5) both ways, and
 * against the namespaces the CLI uses to name a built-in that is not installed.
 */
interface DesignRow {
  name: string;
  type: string;
  provider: string;
}

function designRows(): DesignRow[] | null {
  const shared = fixturesDir();
  if (shared === null) return null;
  const text = readFileSync(join(shared, '..', 'DESIGN.md'), 'utf8');
  const section = text.slice(text.indexOf('## 5.'), text.indexOf('## 6.'));
  const rows: DesignRow[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[1].startsWith('`')) continue;
    let names = [...cells[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const same = /same with `(\w+_)`/.exec(cells[1]);
    if (same !== null) {
      names = names.filter((n) => n !== same[1]);
      names = [...names, ...names.map((n) => n.replace('src_', same[1]))];
    }
    const types = cells[2]
      .split(/,\s*(?![^(]*\))/)
      .map((t) => t.replace(/\s+\(.*$/, '').replace(/ 0\/1$/, ''));
    const provider = cells[3].split(/\s/)[0];
    names.forEach((name, i) =>
      rows.push({ name, type: types.length === names.length ? types[i] : types[0], provider }),
    );
  }
  return rows;
}

const typeOf = (t: FieldType): string => typeName(t);

/**
 * Fields built-ins declare beyond DESIGN §5's table, each a proposed addition to the contract: the
 * rest of nmap's match for a port (DESIGN §4 names info and cpe among a node's service facts).
 */
const CONTRACT_ADDITIONS: Record<string, string[]> = {
  services: ['service.info Bytes', 'service.cpe Array(Bytes)'],
};

describe('declared rule fields', () => {
  const rows = designRows();

  it.runIf(rows !== null)('the core declares exactly the core rows of DESIGN §5, with their types', () => {
    const design = rows!.filter((r) => r.provider === 'core').map((r) => `${r.name} ${r.type}`);
    expect(CORE_FIELDS.map((f) => `${f.name} ${typeOf(f.type)}`).sort()).toEqual(design.sort());
  });

  it.runIf(rows !== null)(
    'each installed built-in enricher declares exactly its DESIGN §5 rows, with their types',
    async () => {
      const catalog = await FieldCatalog.load();
      expect(catalog.installed.size).toBeGreaterThan(0);
      for (const [type, factory] of catalog.installed) {
        const design = [
          ...rows!.filter((r) => r.provider === type).map((r) => `${r.name} ${r.type}`),
          ...(CONTRACT_ADDITIONS[type] ?? []),
        ];
        const declared = (factory.fields ?? []).map((f) => `${f.name} ${typeOf(f.type)}`);
        expect(declared.sort(), type).toEqual(design.sort());
      }
      // A provider named in DESIGN §5 is a built-in: installed, or known as missing.
      for (const r of rows!.filter((row) => row.provider !== 'core')) {
        expect(catalog.installed.has(r.provider) || catalog.missing.has(r.provider), r.provider).toBe(true);
      }
    },
  );

  it('each built-in declares only names inside its own namespaces', async () => {
    const catalog = await FieldCatalog.load();
    for (const f of CORE_FIELDS) expect(builtinOwnerOf(f.name), f.name).toBe('core');
    for (const [type, factory] of catalog.installed) {
      expect(Object.keys(BUILTIN_FIELD_NAMESPACES)).toContain(type);
      for (const f of factory.fields ?? []) expect(builtinOwnerOf(f.name), f.name).toBe(type);
    }
  });

  it('explains a field of a built-in that is not enabled, and one whose package is missing', async () => {
    const catalog = await FieldCatalog.load();
    expect(catalog.explain('tls.sni', ['fqdn'])).toBe(
      'field tls.sni is provided by the tls enricher, which is not enabled; add "- plugin: tls" under enrichers',
    );
    expect(catalog.explain('tls.sni', ['tls'])).toBeUndefined();
    expect(catalog.explain('no.such_field', [])).toBeUndefined();
    for (const [type] of catalog.missing) {
      const ns = BUILTIN_FIELD_NAMESPACES[type][0];
      expect(catalog.explain(`${ns}.x`, [])).toMatch(
        new RegExp(`belongs to the built-in ${type} enricher, which is not installed in this build`),
      );
    }
  });
});
