/** TCP options of a SYN or SYN-ACK, parsed from the raw option bytes. */
export interface TcpOptions {
  mss?: number;
  wscale?: number;
  sackPermitted: boolean;
  timestamp?: { value: number; echo: number };
  /** Option kinds in wire order (NOP and EOL included), as JA4T lists them. */
  kinds: number[];
  /** The options ran past their space or had a bad length; what came before is kept. */
  malformed: boolean;
}

/** Parses TCP option bytes[offset, offset+length). Never throws; a bad option ends the walk. */
export function parseTcpOptions(bytes: Uint8Array, offset: number, length: number): TcpOptions {
  const out: TcpOptions = { sackPermitted: false, kinds: [], malformed: false };
  const end = offset + length;
  let at = offset;
  while (at < end) {
    const kind = bytes[at];
    out.kinds.push(kind);
    if (kind === 0) break;
    if (kind === 1) {
      at++;
      continue;
    }
    if (at + 1 >= end) {
      out.malformed = true;
      break;
    }
    const size = bytes[at + 1];
    if (size < 2 || at + size > end) {
      out.malformed = true;
      break;
    }
    if (kind === 2 && size === 4) out.mss = (bytes[at + 2] << 8) | bytes[at + 3];
    else if (kind === 3 && size === 3) out.wscale = bytes[at + 2];
    else if (kind === 4 && size === 2) out.sackPermitted = true;
    else if (kind === 8 && size === 10) {
      out.timestamp = {
        value: ((bytes[at + 2] << 24) | (bytes[at + 3] << 16) | (bytes[at + 4] << 8) | bytes[at + 5]) >>> 0,
        echo: ((bytes[at + 6] << 24) | (bytes[at + 7] << 16) | (bytes[at + 8] << 8) | bytes[at + 9]) >>> 0,
      };
    }
    at += size;
  }
  return out;
}
