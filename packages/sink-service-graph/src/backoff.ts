/**
 * The delay before retry number `attempt` (0 for the first retry): exponential from `initialMs`,
 * capped at `maxMs`, with "equal jitter" (a uniform draw between half and all of it: never a zero wait), so a fleet of
 * agents that lost the collector at the same moment does not come back in lockstep.
 */
export function retryDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (ceiling / 2) * random();
}
