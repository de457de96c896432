/** One packet record of a capture file, as the parser hands it out (the object is reused). */
export interface PacketRecord {
  /** Bytes holding the frame; valid until the parser is fed again. */
  data: Uint8Array;
  /** Where the frame starts in `data`. */
  offset: number;
  /** Captured length. */
  caplen: number;
  /** Length on the wire. */
  origLen: number;
  /** Packet time: seconds since the epoch and nanoseconds within the second. */
  sec: number;
  nsec: number;
  linkType: number;
  /** pcapng interface id within its section (0 for pcap). */
  interfaceId: number;
  /** The pcapng if_name option, when the file has one. */
  interfaceName: string | undefined;
  /** Byte offset of the record in the (decompressed) capture stream. */
  fileOffset: number;
}

export function emptyRecord(): PacketRecord {
  return {
    data: new Uint8Array(0),
    offset: 0,
    caplen: 0,
    origLen: 0,
    sec: 0,
    nsec: 0,
    linkType: 0,
    interfaceId: 0,
    interfaceName: undefined,
    fileOffset: 0,
  };
}

/** A capture file that is not what it claims to be, with the byte offset where it went wrong. */
export class CaptureFormatError extends Error {
  constructor(
    readonly detail: string,
    readonly offset: number,
    readonly file?: string,
  ) {
    super(`${file === undefined ? '' : `${file}: `}${detail} at byte offset ${offset}`);
    this.name = 'CaptureFormatError';
  }

  withFile(file: string): CaptureFormatError {
    return new CaptureFormatError(this.detail, this.offset, file);
  }
}

export type CaptureFormat = 'pcap' | 'pcapng';
