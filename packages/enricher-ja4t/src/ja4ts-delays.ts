/** At most this many SYN-ACK times count toward the JA4TS delay suffix (FoxIO plugin). */
export const JA4TS_MAX_SYNACKS = 10;

const NS_PER_S = 1_000_000_000n;

/**
 * The JA4TS retransmission suffix: "" for a single SYN-ACK, else "_" and the delays between
 * consecutive SYN-ACKs in whole seconds (rounded), joined by "-", over at most 10 SYN-ACK times;
 * with a server RST after them, "-R<seconds since the last SYN-ACK>" is added.
 */
export function ja4tsDelaySuffix(synAckTimesNs: readonly bigint[], rstTimeNs?: bigint): string {
  const times = synAckTimesNs.slice(0, JA4TS_MAX_SYNACKS);
  if (times.length < 2) return '';
  const delays: string[] = [];
  for (let i = 1; i < times.length; i++) delays.push(String(roundSeconds(times[i] - times[i - 1])));
  let suffix = `_${delays.join('-')}`;
  if (rstTimeNs !== undefined) suffix += `-R${roundSeconds(rstTimeNs - times[times.length - 1])}`;
  return suffix;
}

function roundSeconds(ns: bigint): number {
  if (ns <= 0n) return 0;
  return Number((ns + NS_PER_S / 2n) / NS_PER_S);
}
