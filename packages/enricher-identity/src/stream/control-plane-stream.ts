import { errorMessage, type PluginContext } from '@glia/core';
import type { Feed, IdentityMetrics } from '../identity-metrics.js';
import { PUSHED_RULES_TOPIC } from '../pushed-rules.js';
import type { ControlPlaneAuth } from './http-request.js';
import { SseClient, type SseEvent } from './sse-client.js';

/** The SSE event names of the control plane (DESIGN §7). */
export const STREAM_EVENTS = {
  identity: 'identity-delta',
  edges: 'policy-edges-delta',
  rules: 'rules',
} as const;

export interface ControlPlaneStreamOptions {
  url: URL;
  auth: ControlPlaneAuth;
  ctx: PluginContext;
  metrics: IdentityMetrics;
  acceptRules: boolean;
  initialBackoffMs: number;
  maxBackoffMs: number;
  onDelta(feed: Feed, json: unknown): void;
  /** Connected or disconnected: the owner re-derives its health. */
  onChange(): void;
}

/**
 * Follows the control plane's event stream: deltas go to their feed, rule sets to the policy stage
 * over the bus (applied once per version). Keeps why the stream is down, for health.
 */
export class ControlPlaneStream {
  readonly client: SseClient;
  problem: string | null = 'not connected yet';
  private rulesVersion: string | null = null;
  private wasConnected = false;

  constructor(private readonly options: ControlPlaneStreamOptions) {
    const { url, auth } = options;
    this.client = new SseClient({
      url,
      ...auth,
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      onEvent: (e) => this.onEvent(e),
      onConnect: () => {
        options.metrics.connected.set(1);
        this.problem = null;
        options.ctx.logger.info({ url: url.href }, 'identity: control-plane stream connected');
        this.wasConnected = true;
        options.onChange();
      },
      onDisconnect: (error, retryInMs) => {
        options.metrics.connected.set(0);
        const first = this.problem === null || this.wasConnected;
        this.wasConnected = false;
        this.problem = `control-plane stream down: ${error.message}`;
        // Logged when the stream goes down, not on every failed retry.
        if (first)
          options.ctx.logger.warn(
            { url: url.href, err: error.message, retryInMs },
            'identity: control-plane stream lost; reconnecting',
          );
        options.onChange();
      },
    });
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
    this.options.metrics.connected.set(0);
  }

  private onEvent(e: SseEvent): void {
    let json: unknown;
    try {
      json = JSON.parse(e.data);
    } catch (error) {
      this.options.ctx.logger.warn(
        { event: e.event, err: errorMessage(error) },
        'identity: an event that is not JSON was ignored',
      );
      if (e.event === STREAM_EVENTS.identity) this.options.metrics.delta('identity', 'invalid');
      if (e.event === STREAM_EVENTS.edges) this.options.metrics.delta('edges', 'invalid');
      return;
    }
    if (e.event === STREAM_EVENTS.identity) this.options.onDelta('identity', json);
    else if (e.event === STREAM_EVENTS.edges) this.options.onDelta('edges', json);
    else if (e.event === STREAM_EVENTS.rules) this.onRules(json);
  }

  private onRules(json: unknown): void {
    const { ctx, metrics } = this.options;
    const v = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    if (typeof v.version !== 'string' || typeof v.text !== 'string') {
      metrics.rulesPushed.refused.inc();
      ctx.logger.warn('identity: a rules event without a version and text was ignored');
      return;
    }
    if (!this.options.acceptRules || v.version === this.rulesVersion) {
      metrics.rulesPushed.unchanged.inc();
      return;
    }
    if (!ctx.bus.hasSubscribers(PUSHED_RULES_TOPIC)) {
      metrics.rulesPushed.no_policy.inc();
      return;
    }
    const version = v.version;
    ctx.bus.publish(PUSHED_RULES_TOPIC, {
      text: v.text,
      version,
      source: `${this.options.url.href} rules ${version}`,
      reply: (outcome) => {
        if (outcome.ok) {
          this.rulesVersion = version;
          metrics.rulesPushed.applied.inc();
          ctx.logger.info({ version, rules: outcome.rules }, outcome.message);
        } else {
          metrics.rulesPushed.refused.inc();
          ctx.logger.error({ version }, outcome.message);
        }
      },
    });
  }
}
