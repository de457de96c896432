import type { Bus } from '../bus/bus.js';
import type { Stage } from '../runtime/runtime.js';
import { observationOf } from './observe.js';

/**
 * Turns every `conn` event (SYN and SYN-ACK), every `flow` event and every `fact` an enricher
 * learnt from a connection's payload into an observation of its edge, normalized client → server,
 * and publishes it. Enricher fields are attached lazily: the
 * policy stage and sinks resolve only the fields they need.
 */
export class EnrichmentStage implements Stage {
  readonly name = 'enrichment';
  private unsubscribe: Array<() => void> = [];
  observations = 0;

  constructor(private readonly bus: Bus) {}

  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe.push(
      this.bus.subscribe('conn', (e) => {
        this.observations++;
        this.bus.publish('observation', observationOf(e, e.phase));
      }),
      this.bus.subscribe('flow', (e) => {
        this.observations++;
        this.bus.publish('observation', observationOf(e, 'flow'));
      }),
      this.bus.subscribe('fact', (f) => {
        this.observations++;
        this.bus.publish('observation', observationOf(f.event, f.phase));
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }
}
