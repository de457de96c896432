import type {
  BannerEvent,
  ConnEvent,
  Direction,
  FlowEvent,
  SegmentEvent,
  TransportProto,
} from '../events.js';

/**
 * The value a rule field can take (DESIGN §5). Ip values are address strings; maps and arrays
 * nest as their types do (Map(Array(Bytes)) is a Map of string arrays).
 */
export type FieldValue = string | number | boolean | ReadonlyMap<string, FieldValue> | readonly FieldValue[];

/** A rule field's type: a scalar, or a Map (string keys) or Array of any field type. */
export type FieldType =
  'Ip' | 'Bytes' | 'Int' | 'Bool' | { kind: 'map'; value: FieldType } | { kind: 'array'; value: FieldType };

/**
 * What made an observation (DESIGN §4): a SYN, a SYN-ACK, a flow event, or a fact an enricher learnt
 * from a connection's payload (its ClientHello is complete: "tls"; its service is identified:
 * "service").
 */
export type ObservationPhase = 'syn' | 'synack' | 'flow' | 'tls' | 'service';

/** An observation of the edge client → server:port/proto (DESIGN §4). */
export interface Observation {
  ts: bigint;
  iface: string;
  dir: Direction;
  phase: ObservationPhase;
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  proto: TransportProto;
  vni?: number;
  /**
   * The capture event this observation was made from: a SYN/SYN-ACK (its options feed JA4T), a flow
   * event, or, for "tls" and "service", the payload event that completed the fact.
   */
  event: ConnEvent | FlowEvent | BannerEvent | SegmentEvent;
  /** Fields filled by enrichers; read through an ObservationFields accessor. */
  fields: Map<string, FieldValue | undefined>;
}

/**
 * A rule field as a plugin factory declares it (DESIGN §2): what every command that checks rules
 * compiles against, without starting the plugin.
 */
export interface FieldSpec {
  /** Dotted lower-case name, e.g. `tls.sni`. */
  name: string;
  type: FieldType;
  /** One line for `glia plugins --fields` and error messages. */
  description: string;
}

/** Computes a field's value for an observation; undefined means absent. */
export type FieldResolve = (observation: Observation) => FieldValue | undefined;

/** Resolvers by field name: what an enricher instance supplies for exactly its declared fields. */
export type FieldResolvers = Readonly<Record<string, FieldResolve>>;

/** A declared field with the resolver of a running instance (or of the core). */
export interface FieldDefinition extends FieldSpec {
  /** Called only when some rule or sink needs the value. */
  resolve: FieldResolve;
}

export function edgeKey(o: Pick<Observation, 'client' | 'server' | 'serverPort' | 'proto'>): string {
  return `${o.client}>${o.server}:${o.serverPort}/${o.proto}`;
}
