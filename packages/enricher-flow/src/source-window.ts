import { PortEntropy, entropyX100 } from './entropy.js';
import { RecencyMap } from './recency-map.js';

/** One connection as a source's window sees it. */
export interface ConnectionSighting {
  /** Distinguishes connections of this source: client port, server, server port, protocol. */
  key: string;
  /** Destination port and protocol as one number: port for TCP, 65536 + port for UDP. */
  port: number;
  server: string;
  /** Packet time in ns since the owner's epoch (see FlowWindows): a double, exact for 104 days. */
  ts: number;
}

/**
 * The sliding window of one source IP, in packet time: the connections, destination ports and
 * destinations it was seen with, each capped (exact up to the cap, the cap beyond it), plus the
 * distribution of its connections over destination ports for the entropy.
 */
export class SourceWindow {
  private readonly connections: RecencyMap<string>;
  private readonly ports: RecencyMap<number>;
  private readonly servers: RecencyMap<string>;
  /** Live tracked connections per destination port: the distribution the entropy is taken over. */
  private readonly connectionsPerPort = new Map<number, number>();
  private readonly entropy = new PortEntropy();
  /** Newest packet time recorded for this source: the window ends here. */
  newest = -Infinity;

  constructor(
    private readonly windowNs: number,
    cap: number,
  ) {
    this.connections = new RecencyMap(cap, (port) => this.countPort(port, -1));
    this.ports = new RecencyMap(cap);
    this.servers = new RecencyMap(cap);
  }

  /**
   * Records a sighting and expires what fell out of the window (newest − window, newest]. Recording
   * the same sighting twice changes nothing, which is what makes field values independent of who
   * records an observation first. Keeps the sighting's fields, never the object (callers reuse it).
   */
  record(s: ConnectionSighting): void {
    if (s.ts > this.newest) this.newest = s.ts;
    if (this.connections.touch(s.key, s.ts, s.port)) this.countPort(s.port, +1);
    this.ports.touch(s.port, s.ts);
    this.servers.touch(s.server, s.ts);
    const cutoff = this.newest - this.windowNs;
    this.connections.expire(cutoff);
    this.ports.expire(cutoff);
    this.servers.expire(cutoff);
    if (this.entropy.needsExactSum(this.connectionsPerPort.size))
      this.entropy.resetSum(this.connectionsPerPort.values());
  }

  /** Distinct connections seen in the window (a SYN and its SYN-ACK are one). */
  get flows(): number {
    return this.connections.size;
  }

  get uniqueDstPorts(): number {
    return this.ports.size;
  }

  get uniqueDsts(): number {
    return this.servers.size;
  }

  /** Shannon entropy of destination ports over the window's connections, bits × 100, rounded. */
  get dstPortEntropyX100(): number {
    return entropyX100(this.entropy.bits());
  }

  /** Keys held: connections, ports and destinations together (what the source's memory grows with). */
  get entries(): number {
    return this.connections.size + this.ports.size + this.servers.size;
  }

  /** Keys forgotten early because a map was full. */
  get evictions(): number {
    return this.connections.evictions + this.ports.evictions + this.servers.evictions;
  }

  /** Whether nothing recorded is younger than the cutoff: the whole window is stale. */
  idleSince(cutoff: number): boolean {
    return this.newest <= cutoff;
  }

  private countPort(port: number, delta: 1 | -1): void {
    const before = this.connectionsPerPort.get(port) ?? 0;
    const after = before + delta;
    if (after === 0) this.connectionsPerPort.delete(port);
    else this.connectionsPerPort.set(port, after);
    this.entropy.change(before, after);
  }
}
