import type { TransportProto } from './events.js';

/** An edge as enforcement bans it (DESIGN §6): client → server:port/proto. */
export interface BannedEdge {
  client: string;
  server: string;
  port: number;
  proto: TransportProto;
}

/**
 * Something that can drop an edge: a kernel backend's banned_edges map (the tcx capture plugin
 * provides one per loaded observer). The enforcement sink installs every ban into every backend.
 */
export interface EnforcementBackend {
  /** For logs and `glia edges list`: e.g. "tcx observe-tcx". */
  readonly name: string;
  /** Installs (or refreshes) a ban lasting ttlMs from now; throws when the map is full. */
  install(edge: BannedEdge, ttlMs: number): void;
  /** Lifts a ban; whether it was there. */
  remove(edge: BannedEdge): boolean;
}

type BackendListener = (backend: EnforcementBackend, event: 'added' | 'removed') => void;

/**
 * The enforcement backends of one agent, registered in its container (TOKENS.EnforcementBackends)
 * so a capture plugin can offer one and the enforcement sink find it, whichever starts first.
 */
export class EnforcementBackends {
  private readonly backends: EnforcementBackend[] = [];
  private readonly listeners: BackendListener[] = [];

  /** Adds a backend; the returned function removes it (on the plugin's stop). */
  register(backend: EnforcementBackend): () => void {
    this.backends.push(backend);
    for (const l of [...this.listeners]) l(backend, 'added');
    return () => {
      const i = this.backends.indexOf(backend);
      if (i < 0) return;
      this.backends.splice(i, 1);
      for (const l of [...this.listeners]) l(backend, 'removed');
    };
  }

  list(): readonly EnforcementBackend[] {
    return this.backends;
  }

  /** Calls the listener on each later registration and removal; returns an unsubscribe. */
  watch(listener: BackendListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}
