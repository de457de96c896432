import type { FieldDefinition, Observation } from './observation.js';

/** The fields the core provides for every observation (DESIGN §5). */
export const CORE_FIELDS: readonly FieldDefinition[] = [
  { name: 'ip.src', type: 'Ip', description: 'client address', resolve: (o) => o.client },
  { name: 'ip.dst', type: 'Ip', description: 'server address', resolve: (o) => o.server },
  { name: 'ip.proto', type: 'Bytes', description: '"tcp" or "udp"', resolve: (o) => o.proto },
  port('tcp', 'srcport', (o) => o.clientPort),
  port('tcp', 'dstport', (o) => o.serverPort),
  port('udp', 'srcport', (o) => o.clientPort),
  port('udp', 'dstport', (o) => o.serverPort),
  {
    name: 'net.vni',
    type: 'Int',
    description: 'VNI of the overlay the packet came in',
    resolve: (o) => o.vni,
  },
  {
    name: 'conn.phase',
    type: 'Bytes',
    description: '"syn", "synack", "flow", "tls" or "service": what made this observation',
    resolve: (o) => o.phase,
  },
];

function port(proto: 'tcp' | 'udp', which: string, get: (o: Observation) => number): FieldDefinition {
  return {
    name: `${proto}.${which}`,
    type: 'Int',
    description: `${which === 'srcport' ? 'client' : 'server'} port when the edge is ${proto.toUpperCase()}`,
    resolve: (o) => (o.proto === proto ? get(o) : undefined),
  };
}

/**
 * Resolves fields of observations on demand, memoized per observation, from the definitions of
 * the core and the enabled enrichers.
 */
export class FieldResolver {
  private readonly byName = new Map<string, FieldDefinition>();

  constructor(definitions: readonly FieldDefinition[]) {
    for (const d of definitions) {
      if (this.byName.has(d.name)) throw new Error(`field ${d.name} is provided twice`);
      this.byName.set(d.name, d);
    }
  }

  definition(name: string): FieldDefinition | undefined {
    return this.byName.get(name);
  }

  definitions(): FieldDefinition[] {
    return [...this.byName.values()];
  }

  get(observation: Observation, name: string): ReturnType<FieldDefinition['resolve']> {
    if (observation.fields.has(name)) return observation.fields.get(name);
    const definition = this.byName.get(name);
    const value = definition?.resolve(observation);
    observation.fields.set(name, value);
    return value;
  }
}
