import type { GliaTopics, Handler, Topic } from './topics.js';

export type SubscriberErrorHandler = (topic: string, error: unknown) => void;

type AnyHandler = (payload: unknown) => void;

/**
 * Typed, synchronous publish/subscribe. Subscriber lists are copy-on-write arrays so that publish
 * iterates without allocating; a subscriber that throws is reported and the others still run.
 */
export class Bus {
  private readonly subscribers = new Map<string, AnyHandler[]>();
  private onError: SubscriberErrorHandler;
  errors = 0;

  constructor(onError?: SubscriberErrorHandler) {
    this.onError = onError ?? (() => undefined);
  }

  setErrorHandler(onError: SubscriberErrorHandler): void {
    this.onError = onError;
  }

  subscribe<K extends Topic>(topic: K, handler: Handler<K>): () => void {
    const current = this.subscribers.get(topic) ?? [];
    this.subscribers.set(topic, [...current, handler as AnyHandler]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const list = this.subscribers.get(topic) ?? [];
      const index = list.indexOf(handler as AnyHandler);
      if (index < 0) return;
      const next = list.slice(0, index).concat(list.slice(index + 1));
      if (next.length === 0) this.subscribers.delete(topic);
      else this.subscribers.set(topic, next);
    };
  }

  hasSubscribers(topic: Topic): boolean {
    return this.subscribers.has(topic);
  }

  publish<K extends Topic>(topic: K, payload: GliaTopics[K]): void {
    const list = this.subscribers.get(topic);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](payload);
      } catch (error) {
        this.errors++;
        this.onError(topic, error);
      }
    }
  }

  /** Publishes many payloads of one topic; each subscriber sees them in order. */
  publishBatch<K extends Topic>(topic: K, payloads: readonly GliaTopics[K][]): void {
    const list = this.subscribers.get(topic);
    if (list === undefined) return;
    for (let p = 0; p < payloads.length; p++) {
      const payload = payloads[p];
      for (let i = 0; i < list.length; i++) {
        try {
          list[i](payload);
        } catch (error) {
          this.errors++;
          this.onError(topic, error);
        }
      }
    }
  }

  subscriberCount(topic: Topic): number {
    return this.subscribers.get(topic)?.length ?? 0;
  }
}
