import type { Observation } from './observation.js';

export type RuleAction = 'drop' | 'log' | 'allow';

/** One decision of the policy stage about one observation (DESIGN §6). */
export interface Verdict {
  ts: bigint;
  action: RuleAction;
  /** False when a drop is only a would-drop notice (`enforce: false`). */
  enforce: boolean;
  ruleIds: string[];
  source?: string;
  /** Seconds an enforced drop stays installed. */
  ttl?: number;
  observation: Observation;
}
