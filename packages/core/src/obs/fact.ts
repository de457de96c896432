import type { BannerEvent, SegmentEvent } from '../events.js';

/**
 * A fact an enricher has just learnt about one connection from its payload (DESIGN §4): the
 * client's ClientHello is complete ("tls"), the server's service is identified ("service").
 * Published on the `fact` topic after the enricher has stored it, so the observation the
 * enrichment stage makes from it already resolves the new field: a `tls.sni` rule decides on the
 * very connection that sent the name.
 */
export interface ConnectionFact {
  phase: 'tls' | 'service';
  /** The payload event that completed the fact; its sender tells client from server. */
  event: BannerEvent | SegmentEvent;
}
