import type { ConnEvent, Direction, FlowEvent, TransportProto } from '../events.js';

/**
 * The value a rule field can take (DESIGN §5). Ip values are address strings; maps and arrays
 * nest as their types do (Map(Array(Bytes)) is a Map of string arrays).
 */
export type FieldValue =
  | string
  | number
  | boolean
  | ReadonlyMap<string, FieldValue>
  | readonly FieldValue[];

/** A rule field's type: a scalar, or a Map (string keys) or Array of any field type. */
export type FieldType =
  | 'Ip'
  | 'Bytes'
  | 'Int'
  | 'Bool'
  | { kind: 'map'; value: FieldType }
  | { kind: 'array'; value: FieldType };

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
