import type { BannerEvent, ConnEvent, DnsEvent, FlowEvent, SegmentEvent } from '../events.js';
import type { ConnectionFact } from '../obs/fact.js';
import type { Observation } from '../obs/observation.js';
import type { Verdict } from '../obs/verdict.js';

/**
 * Topic name → payload type. Third-party packages add topics by module augmentation:
 *
 *     declare module '@glia/core' {
 *       interface GliaTopics { 'hello.greeting': { text: string } }
 *     }
 */
export interface GliaTopics {
  conn: ConnEvent;
  banner: BannerEvent;
  segment: SegmentEvent;
  flow: FlowEvent;
  dns: DnsEvent;
  /** An enricher learnt a fact about a connection from its payload (DESIGN §4). */
  fact: ConnectionFact;
  observation: Observation;
  verdict: Verdict;
}

export type Topic = keyof GliaTopics & string;
export type Payload<K extends Topic> = GliaTopics[K];
export type Handler<K extends Topic> = (payload: GliaTopics[K]) => void;
