import type { FieldResolver, FieldValue, Observation } from '@glia/core';
import { toJson } from './json-lines.js';

/**
 * The lines of `replay --print observations`: the edge, then every field of the core and the
 * enabled enrichers that has a value, in definition order. Written straight into one string per
 * observation — the same text as `toJson({ ...edge, fields })` (a test holds the two equal), without
 * the intermediate records and the replacer call per key that made printing the costliest part of
 * such a replay.
 */
export class ObservationJson {
  private readonly names: string[];
  /** `"name":` of each field, made once. */
  private readonly keys: string[];

  constructor(private readonly resolver: FieldResolver) {
    this.names = resolver.definitions().map((d) => d.name);
    this.keys = this.names.map((n) => `${JSON.stringify(n)}:`);
  }

  line(o: Observation): string {
    let s = `{"ts":"${o.ts}","phase":${text(o.phase)},"client":${text(o.client)},"server":${text(o.server)}`;
    s += `,"client_port":${o.clientPort},"server_port":${o.serverPort},"proto":${text(o.proto)}`;
    if (o.vni !== undefined) s += `,"vni":${number(o.vni)}`;
    s += `,"iface":${text(o.iface)},"dir":${text(o.dir)},"fields":{`;
    let first = true;
    for (let i = 0; i < this.names.length; i++) {
      const v = this.resolver.get(o, this.names[i]);
      if (v === undefined) continue;
      s += first ? this.keys[i] : `,${this.keys[i]}`;
      s += value(v);
      first = false;
    }
    return `${s}}}`;
  }
}

const text = (v: string): string => JSON.stringify(v);
const number = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

function value(v: FieldValue): string {
  if (typeof v === 'string') return text(v);
  if (typeof v === 'number') return number(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return toJson(v);
}
