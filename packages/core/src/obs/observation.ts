import type { ConnEvent, Direction, FlowEvent, TransportProto } from '../events.js';

/** The value a rule field can take (DESIGN §5). Ip values are address strings. */
export type FieldValue = string | number | boolean | ReadonlyMap<string, string> | readonly string[];

export type FieldType =
  | 'Ip'
  | 'Bytes'
  | 'Int'
  | 'Bool'
  | { kind: 'map'; value: 'Bytes' | 'Int' }
  | { kind: 'array'; value: 'Bytes' | 'Int' | 'Ip' };

/** An observation of the edge client → server:port/proto (DESIGN §4). */
export interface Observation {
  ts: bigint;
  iface: string;
  dir: Direction;
  phase: 'syn' | 'synack' | 'flow';
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  proto: TransportProto;
  vni?: number;
  /** The capture event this observation was made from (a SYN/SYN-ACK's options feed JA4T). */
  event: ConnEvent | FlowEvent;
  /** Fields filled by enrichers; read through an ObservationFields accessor. */
  fields: Map<string, FieldValue | undefined>;
}

/** A rule field an enricher (or the core) provides, with how to compute it for an observation. */
export interface FieldDefinition {
  name: string;
  type: FieldType;
  description: string;
  /** Computes the value; undefined means absent. Called only when some rule or sink needs it. */
  resolve(observation: Observation): FieldValue | undefined;
}

export function edgeKey(o: Pick<Observation, 'client' | 'server' | 'serverPort' | 'proto'>): string {
  return `${o.client}>${o.server}:${o.serverPort}/${o.proto}`;
}
