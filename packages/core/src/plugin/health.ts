export type HealthState = 'starting' | 'ok' | 'degraded' | 'failed' | 'stopping' | 'stopped';

export interface Health {
  state: HealthState;
  reason?: string;
}

/**
 * The health of one plugin instance, for plugins to hold and report. Transitions are recorded
 * so the runtime can log each change once.
 */
export class PluginHealth {
  private current: Health = { state: 'stopped' };

  constructor(private readonly onChange?: (health: Health) => void) {}

  get(): Health {
    return this.current;
  }

  set(state: HealthState, reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = reason === undefined ? { state } : { state, reason };
    this.onChange?.(this.current);
  }

  starting(): void {
    this.set('starting');
  }
  ok(): void {
    this.set('ok');
  }
  degraded(reason: string): void {
    this.set('degraded', reason);
  }
  failed(reason: string): void {
    this.set('failed', reason);
  }
  stopping(): void {
    this.set('stopping');
  }
  stopped(): void {
    this.set('stopped');
  }
}
