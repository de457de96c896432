/**
 * A rule set the control plane pushed (a `rules` event), published on the bus for whoever owns
 * the policy stage (the glia command) to apply through the same compile-then-swap path as a
 * rules-file reload. The bus is synchronous, so `reply` is called before publish returns.
 */
export interface PushedRules {
  /** The rule file text (YAML or JSON). */
  text: string;
  /** Where the rules came from, for problem messages: `<stream URL> rules <version>`. */
  source: string;
  /** The control plane's version of this rule set. */
  version: string;
  /** Receives the outcome: whether the set is in force, and one line saying what happened. */
  reply(outcome: { ok: boolean; rules: number; message: string }): void;
}

/** The bus topic pushed rule sets travel on. */
export const PUSHED_RULES_TOPIC = 'control_plane.rules';

declare module '@glia/core' {
  interface GliaTopics {
    'control_plane.rules': PushedRules;
  }
}
