import { CaptureFormatError, type CaptureFormat, type PacketRecord } from './record.js';
import { readInterface, splitTimestamp, u16, u32, type PcapngInterface } from './pcapng-interface.js';

/**
 * The largest record glia buffers: libpcap's (and tcpdump's) largest snap length, 256 KiB. A
 * record longer than that but within the snap length its file declares (which may say 4 GiB) is
 * skipped without being buffered and counted in `oversizeRecords`; one longer than both is corrupt.
 */
export const MAX_RECORD_BYTES = 262144;
const MAX_SNAPLEN = MAX_RECORD_BYTES;
/** Largest pcapng block accepted (a corrupt length must not make the parser buffer gigabytes). */
const MAX_BLOCK = 16 * 1024 * 1024;

/** Block header, fixed fields and trailer of an enhanced packet block, with room for its options. */
const PACKET_BLOCK_OVERHEAD = 32 + 4096;

const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;

const EMPTY = new Uint8Array(0);

/**
 * A pull parser for pcap (µs and ns, either byte order) and pcapng (any number of sections of either
 * byte order, several interfaces). Feed it chunks of any size; next() fills a record while a whole
 * one is buffered. Memory stays at one chunk plus one record. Malformed input throws a
 * CaptureFormatError with the byte offset; end() reports a truncated last record.
 */
export class CaptureParser {
  format: CaptureFormat | null = null;
  /** Records cut short by the end of the file (0 or 1). */
  truncatedRecords = 0;
  /** Records over MAX_RECORD_BYTES, skipped unread (memory stays constant whatever the file says). */
  oversizeRecords = 0;
  records = 0;
  /** Bytes of an oversize record still to pass over. */
  private skipping = 0;

  private buf: Uint8Array = EMPTY;
  /** The reused buffer of reserve()/commit(), once used. */
  private own: Uint8Array | null = null;
  private pos = 0;
  /** Stream offset of buf[0]. */
  private base = 0;

  // pcap
  private pcapLe = true;
  private pcapNano = false;
  private pcapLinkType = 0;
  private pcapSnaplen = 0;

  // pcapng
  private ngLe = true;
  private interfaces: PcapngInterface[] = [];
  private readonly time = { sec: 0, nsec: 0 };

  /** Adds the next chunk of the stream. Records handed out before are no longer valid. */
  feed(chunk: Uint8Array): void {
    const plain = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const left = this.buf.length - this.pos;
    if (left === 0) {
      this.base += this.buf.length;
      this.buf = plain;
    } else {
      const joined = new Uint8Array(left + plain.length);
      joined.set(this.buf.subarray(this.pos));
      joined.set(plain, left);
      this.base += this.pos;
      this.buf = joined;
    }
    this.pos = 0;
  }

  /**
   * Where to write the next bytes of the stream without a chunk of one's own: the parser's reused
   * buffer after the bytes not yet consumed, which move to its front. The buffer doubles while the
   * unconsumed bytes (a record split by the last read) fill more than half of it, so a read always
   * has room for at least `minBytes / 2`. Write into the returned array, then call commit(). Records
   * handed out before are no longer valid.
   */
  reserve(minBytes: number): Uint8Array {
    const left = this.buf.length - this.pos;
    let own = this.own;
    if (own === null || own.length < minBytes || left * 2 > own.length) {
      let size = own === null || own.length < minBytes ? minBytes : own.length;
      while (left * 2 > size) size *= 2;
      own = new Uint8Array(size);
      own.set(this.buf.subarray(this.pos));
      this.own = own;
    } else if (left > 0) {
      // buf is own's front (commit made it so) or a fed chunk: either way copy the rest forward.
      if (this.buf.buffer === own.buffer) own.copyWithin(0, this.pos, this.buf.length);
      else own.set(this.buf.subarray(this.pos));
    }
    this.base += this.pos;
    this.pos = 0;
    this.buf = own.subarray(0, left);
    return own.subarray(left);
  }

  /** Takes `n` bytes written at the front of the array reserve() returned. */
  commit(n: number): void {
    if (this.own === null) throw new Error('CaptureParser.commit() without reserve()');
    this.buf = this.own.subarray(0, this.buf.length + n);
  }

  /** Bytes the parser holds that are not consumed yet (at most a chunk and a record). */
  bufferedBytes(): number {
    return this.buf.length - this.pos;
  }

  /** Bytes of the stream consumed so far. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Fills `rec` with the next record; false when more input is needed. Throws CaptureFormatError. */
  next(rec: PacketRecord): boolean {
    if (this.format === null && !this.readHeader()) return false;
    if (this.skipping > 0 && !this.skip()) return false;
    return this.format === 'pcap' ? this.nextPcap(rec) : this.nextPcapng(rec);
  }

  /** Passes over what is buffered of an oversize record; true once all of it has gone by. */
  private skip(): boolean {
    const n = Math.min(this.skipping, this.buf.length - this.pos);
    this.pos += n;
    this.skipping -= n;
    return this.skipping === 0;
  }

  /** Starts passing over an oversize record of `bytes` bytes (its header included). */
  private skipRecord(bytes: number): boolean {
    this.oversizeRecords++;
    this.skipping = bytes;
    return this.skip();
  }

  /** Call at the end of the stream. A partial last record is counted, a partial file header is an error. */
  end(): void {
    if (this.skipping > 0) {
      // The file ended inside an oversize record: it was counted as oversize, it is also cut.
      this.truncatedRecords++;
      this.skipping = 0;
    }
    const left = this.buf.length - this.pos;
    if (this.format === null) {
      throw new CaptureFormatError(
        left === 0 ? 'empty file: not a pcap or pcapng capture' : 'file ends inside the capture header',
        this.offset,
      );
    }
    if (left > 0) this.truncatedRecords++;
    this.pos = this.buf.length;
  }

  private readHeader(): boolean {
    const b = this.buf;
    const p = this.pos;
    if (b.length - p < 4) return false;
    const be = u32(b, p, false);
    if (be === PCAPNG_SHB) {
      // The section header block is the file header: a file that ends inside it is no capture.
      if (b.length - p < 12) return false;
      const magic = u32(b, p + 8, true);
      const le = magic === BYTE_ORDER_MAGIC;
      if (!le && magic !== 0x4d3c2b1a)
        throw new CaptureFormatError('pcapng section header has a bad byte-order magic', this.offset);
      const length = u32(b, p + 4, le);
      if (length < 28 || length % 4 !== 0 || length > MAX_BLOCK) {
        throw new CaptureFormatError(`pcapng section header block has a bad length ${length}`, this.offset);
      }
      if (b.length - p < length) return false;
      this.format = 'pcapng';
      return true;
    }
    if (be === 0xa1b2c3d4 || be === 0xa1b23c4d) this.pcapLe = false;
    else if (be === 0xd4c3b2a1 || be === 0x4d3cb2a1) this.pcapLe = true;
    else {
      throw new CaptureFormatError(
        `not a pcap or pcapng capture (magic 0x${be.toString(16).padStart(8, '0')})`,
        this.offset,
      );
    }
    if (b.length - p < 24) return false;
    this.pcapNano = be === 0xa1b23c4d || be === 0x4d3cb2a1;
    this.pcapSnaplen = u32(b, p + 16, this.pcapLe);
    // The upper bits of the link type field carry FCS information.
    this.pcapLinkType = u32(b, p + 20, this.pcapLe) & 0x0fffffff;
    this.format = 'pcap';
    this.pos += 24;
    return true;
  }

  private nextPcap(rec: PacketRecord): boolean {
    for (;;) {
      const b = this.buf;
      const p = this.pos;
      if (b.length - p < 16) return false;
      const caplen = u32(b, p + 8, this.pcapLe);
      if (caplen > Math.max(this.pcapSnaplen, MAX_SNAPLEN)) {
        throw new CaptureFormatError(
          `pcap record length ${caplen} exceeds the snap length ${Math.max(this.pcapSnaplen, MAX_SNAPLEN)}`,
          this.offset,
        );
      }
      if (caplen <= MAX_RECORD_BYTES) return this.pcapRecord(rec, caplen);
      if (!this.skipRecord(16 + caplen)) return false;
    }
  }

  private pcapRecord(rec: PacketRecord, caplen: number): boolean {
    const b = this.buf;
    const p = this.pos;
    const le = this.pcapLe;
    if (b.length - p < 16 + caplen) return false;
    const frac = u32(b, p + 4, le);
    rec.data = b;
    rec.offset = p + 16;
    rec.caplen = caplen;
    rec.origLen = u32(b, p + 12, le);
    rec.sec = u32(b, p, le);
    rec.nsec = this.pcapNano ? frac : frac * 1000;
    rec.linkType = this.pcapLinkType;
    rec.interfaceId = 0;
    rec.interfaceName = undefined;
    rec.fileOffset = this.offset;
    this.pos = p + 16 + caplen;
    this.records++;
    return true;
  }

  private nextPcapng(rec: PacketRecord): boolean {
    for (;;) {
      const b = this.buf;
      const p = this.pos;
      if (b.length - p < 12) return false;
      let le = this.ngLe;
      const type = u32(b, p, le);
      if (type === PCAPNG_SHB) {
        const magic = u32(b, p + 8, true);
        if (magic === BYTE_ORDER_MAGIC) le = true;
        else if (magic === 0x4d3c2b1a) le = false;
        else throw new CaptureFormatError('pcapng section header has a bad byte-order magic', this.offset);
      }
      const length = u32(b, p + 4, le);
      if (length < 12 || length % 4 !== 0) {
        throw new CaptureFormatError(
          `pcapng block of type 0x${type.toString(16)} has a bad length ${length}`,
          this.offset,
        );
      }
      // A packet block longer than any record glia buffers is passed over unread and counted.
      const packet = type === BLOCK_EPB || type === BLOCK_PB || type === BLOCK_SPB;
      if (packet && length > MAX_RECORD_BYTES + PACKET_BLOCK_OVERHEAD) {
        if (!this.skipRecord(length)) return false;
        continue;
      }
      if (length > MAX_BLOCK) {
        throw new CaptureFormatError(
          `pcapng block of type 0x${type.toString(16)} has a bad length ${length}`,
          this.offset,
        );
      }
      if (b.length - p < length) return false;
      if (u32(b, p + length - 4, le) !== length) {
        throw new CaptureFormatError(
          `pcapng block of type 0x${type.toString(16)}: trailing length differs from leading length ${length}`,
          this.offset,
        );
      }
      const end = p + length - 4;
      let got = false;
      if (type === PCAPNG_SHB) {
        if (length < 28) throw new CaptureFormatError('pcapng section header block too short', this.offset);
        this.ngLe = le;
        this.interfaces = [];
      } else if (type === BLOCK_IDB) {
        if (length < 20)
          throw new CaptureFormatError('pcapng interface description block too short', this.offset);
        this.interfaces.push(readInterface(b, p + 8, end, le));
      } else if (type === BLOCK_EPB || type === BLOCK_PB) {
        got = this.packetBlock(rec, type, b, p, end, le);
      } else if (type === BLOCK_SPB) {
        got = this.simplePacketBlock(rec, b, p, end, le);
      }
      this.pos = p + length;
      if (got) {
        this.records++;
        return true;
      }
    }
  }

  private packetBlock(
    rec: PacketRecord,
    type: number,
    b: Uint8Array,
    p: number,
    end: number,
    le: boolean,
  ): boolean {
    if (end - p < 28) throw new CaptureFormatError('pcapng packet block too short', this.offset);
    const id = type === BLOCK_EPB ? u32(b, p + 8, le) : u16(b, p + 8, le);
    const iface = this.interface(id);
    const caplen = u32(b, p + 20, le);
    if (caplen > end - (p + 28)) {
      throw new CaptureFormatError(
        `pcapng packet block captured length ${caplen} exceeds its block`,
        this.offset,
      );
    }
    if (caplen > MAX_RECORD_BYTES) {
      this.oversizeRecords++;
      return false;
    }
    splitTimestamp(u32(b, p + 12, le), u32(b, p + 16, le), iface, this.time);
    this.fill(rec, b, p + 28, caplen, u32(b, p + 24, le), iface, id);
    rec.sec = this.time.sec;
    rec.nsec = this.time.nsec;
    return true;
  }

  /** A Simple Packet Block has no timestamp: it keeps the time of the record before it. */
  private simplePacketBlock(rec: PacketRecord, b: Uint8Array, p: number, end: number, le: boolean): boolean {
    if (end - p < 12) throw new CaptureFormatError('pcapng simple packet block too short', this.offset);
    const iface = this.interface(0);
    const origLen = u32(b, p + 8, le);
    let caplen = Math.min(origLen, end - (p + 12));
    if (iface.snaplen > 0 && caplen > iface.snaplen) caplen = iface.snaplen;
    if (caplen > MAX_RECORD_BYTES) {
      this.oversizeRecords++;
      return false;
    }
    this.fill(rec, b, p + 12, caplen, origLen, iface, 0);
    rec.sec = this.time.sec;
    rec.nsec = this.time.nsec;
    return true;
  }

  private interface(id: number): PcapngInterface {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      throw new CaptureFormatError(
        `pcapng packet names interface ${id}, which this section does not describe`,
        this.offset,
      );
    }
    return iface;
  }

  private fill(
    rec: PacketRecord,
    b: Uint8Array,
    at: number,
    caplen: number,
    origLen: number,
    iface: PcapngInterface,
    id: number,
  ): void {
    rec.data = b;
    rec.offset = at;
    rec.caplen = caplen;
    rec.origLen = origLen;
    rec.linkType = iface.linkType;
    rec.interfaceId = id;
    rec.interfaceName = iface.name;
    rec.fileOffset = this.offset;
  }
}
