/**
 * The TCP option area read the way the FoxIO Wireshark plugin sees it (../../shared/specs/JA4T.md):
 * kinds in wire order, NOP and unknown kinds included, every byte after an EOL listed as another
 * EOL. A malformed option (no room for its length byte, a length below 2, or a length running past
 * the end of the area) ends the walk without being listed, as Wireshark's TCP dissector does.
 */
export interface TcpOptions {
  /** Option kinds in wire order. */
  kinds: number[];
  /** MSS value of the last well-formed MSS option (kind 2, length 4). */
  mss?: number;
  /** Shift of the last well-formed window-scale option (kind 3, length 3). */
  wscale?: number;
  /** Why the walk stopped early, when it did. */
  malformed?: 'length_byte_missing' | 'length_too_short' | 'length_past_end';
}

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;

export function parseTcpOptions(bytes: Uint8Array): TcpOptions {
  const result: TcpOptions = { kinds: [] };
  const end = bytes.length;
  let i = 0;
  while (i < end) {
    const kind = bytes[i];
    if (kind === TCPOPT_EOL) {
      // Everything after EOL is padding; the plugin lists each byte as another 0.
      for (; i < end; i++) result.kinds.push(TCPOPT_EOL);
      break;
    }
    if (kind === TCPOPT_NOP) {
      result.kinds.push(TCPOPT_NOP);
      i++;
      continue;
    }
    if (i + 1 >= end) {
      result.malformed = 'length_byte_missing';
      break;
    }
    const length = bytes[i + 1];
    if (length < 2) {
      result.malformed = 'length_too_short';
      break;
    }
    if (i + length > end) {
      result.malformed = 'length_past_end';
      break;
    }
    result.kinds.push(kind);
    // A known option with the wrong length is still listed, but its value is not read.
    if (kind === TCPOPT_MSS && length === 4) result.mss = (bytes[i + 2] << 8) | bytes[i + 3];
    else if (kind === TCPOPT_WSCALE && length === 3) result.wscale = bytes[i + 2];
    i += length;
  }
  return result;
}
