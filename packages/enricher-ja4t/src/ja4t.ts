import { parseTcpOptions } from './tcp-options.js';

/**
 * The JA4T (client SYN) or JA4TS (server SYN-ACK, without retransmission delays) fingerprint:
 * `<window>_<options>_<mss>_<wscale>` as ../../shared/specs/JA4T.md defines it. Both use the same
 * format; which one it is depends only on the packet it is computed from.
 *
 * `mss` and `wscale` are the parsed values when the caller already has them (they must come from
 * the same options); when omitted they are read from the options, the last one winning. Never
 * throws: malformed options end the option list where they start.
 */
export function ja4t(window: number, options: Uint8Array, mss?: number, wscale?: number): string {
  const parsed = parseTcpOptions(options);
  return formatJa4t(window, parsed.kinds, mss ?? parsed.mss, wscale ?? parsed.wscale);
}

/** The four-part string from its parts: kinds "00" when none, MSS "%02d", wscale "00" when absent or 0. */
export function formatJa4t(window: number, kinds: readonly number[], mss?: number, wscale?: number): string {
  const options = kinds.length === 0 ? '00' : kinds.join('-');
  const mssText = mss === undefined ? '00' : mss < 10 ? `0${mss}` : String(mss);
  const wscaleText = wscale === undefined || wscale === 0 ? '00' : String(wscale);
  return `${window}_${options}_${mssText}_${wscaleText}`;
}

/** TCP flags of a pure SYN and a pure SYN-ACK: only these get a fingerprint (ECN variants do not). */
export const FLAGS_SYN = 0x02;
export const FLAGS_SYN_ACK = 0x12;

/**
 * Whether a packet with these TCP flags (the low 8 bits) gets a JA4T/JA4TS at all. Unknown flags
 * (a capture event that does not carry them) are taken to be the pure ones its phase implies.
 */
export function fingerprintable(phase: 'syn' | 'synack', flags: number | undefined): boolean {
  if (flags === undefined) return true;
  return (flags & 0xff) === (phase === 'syn' ? FLAGS_SYN : FLAGS_SYN_ACK);
}
