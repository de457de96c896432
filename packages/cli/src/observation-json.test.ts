import { FieldResolver, type FieldDefinition, type Observation } from '@glia/core';
import { describe, expect, it } from 'vitest';
import { toJson } from './json-lines.js';
import { ObservationJson } from './observation-json.js';

const field = (name: string, resolve: FieldDefinition['resolve']): FieldDefinition =>
  ({ name, type: 'Bytes', description: name, resolve }) as FieldDefinition;

const definitions: FieldDefinition[] = [
  field('ip.src', (o) => o.client),
  field('tcp.dstport', (o) => (o.proto === 'tcp' ? o.serverPort : undefined)),
  field('flow.zero', () => -0),
  field('flow.inf', () => Infinity),
  field('x.bool', () => true),
  field('dns.fqdn', (o) => (o.server === '10.0.0.2' ? 'a"b\\c\u0001é.example' : undefined)),
  field('dns.fqdns', () => ['a.example', 'b "quoted"']),
  field(
    'identity.k8s.src_label',
    () =>
      new Map([
        ['app', 'web'],
        ['tier', 'fr"ont'],
      ]),
  ),
  field('x.empty', () => ''),
];

function observation(extra: Partial<Observation> = {}): Observation {
  return {
    ts: 1_700_000_000_123_456_789n,
    iface: 'eth "0"',
    dir: 'ingress',
    phase: 'syn',
    client: '10.0.0.1',
    server: '10.0.0.2',
    clientPort: 40000,
    serverPort: 443,
    proto: 'tcp',
    fields: new Map(),
    ...extra,
  } as Observation;
}

/** The plain serialization the printer replaces: a record with the edge and the fields, through toJson. */
function reference(o: Observation, resolver: FieldResolver): string {
  const fields: Record<string, unknown> = {};
  for (const d of resolver.definitions()) {
    const v = resolver.get(o, d.name);
    if (v !== undefined) fields[d.name] = v;
  }
  const { ts, phase, client, server, proto, vni, iface, dir } = o;
  const edge = {
    ts,
    phase,
    client,
    server,
    client_port: o.clientPort,
    server_port: o.serverPort,
    proto,
    vni,
    iface,
    dir,
  };
  return toJson({ ...edge, fields });
}

describe('ObservationJson', () => {
  it.each([
    { name: 'TCP SYN with every kind of value', o: observation() },
    {
      name: 'UDP flow with a VNI, fields absent',
      o: observation({ proto: 'udp', phase: 'flow', vni: 4096, server: '10.0.0.9' }),
    },
    { name: 'IPv6 synack', o: observation({ phase: 'synack', client: 'fd00::1', server: 'fd00::2' }) },
  ])('$name: the same text as the plain record through toJson', ({ o }) => {
    const resolver = new FieldResolver(definitions);
    const line = new ObservationJson(resolver).line(o);
    expect(line).toBe(reference(o, new FieldResolver(definitions)));
    expect(() => JSON.parse(line)).not.toThrow();
  });
});
