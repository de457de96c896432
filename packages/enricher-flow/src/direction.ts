import {
  CidrSet,
  parseIPv4,
  parseIPv6,
  type FieldResolve,
  type NetworkSettings,
  type Observation,
} from '@glia/core';

const SRC_HOME = 1;
const DST_HOME = 2;
const SRC_POD = 4;
const DST_POD = 8;

/**
 * Where an edge's ends sit relative to `network.home_net` and `network.pod_nets`, the way
 * Suricata's $HOME_NET / $EXTERNAL_NET do. The sets are compiled once; the five flags of one
 * observation are computed together and kept for the next field of the same observation.
 */
export class DirectionClassifier {
  private readonly homeNet: CidrSet;
  private readonly podNets: CidrSet;
  private last: Observation | null = null;
  private lastFlags = 0;

  constructor(network: Pick<NetworkSettings, 'home_net' | 'pod_nets'>) {
    this.homeNet = compile('network.home_net', network.home_net);
    this.podNets = compile('network.pod_nets', network.pod_nets);
  }

  flags(o: Observation): number {
    if (o === this.last) return this.lastFlags;
    const flags = this.membership(o.client, SRC_HOME, SRC_POD) | this.membership(o.server, DST_HOME, DST_POD);
    this.last = o;
    this.lastFlags = flags;
    return flags;
  }

  /** Parses the address once for both sets; a string that is not an address is in neither. */
  private membership(ip: string, homeBit: number, podBit: number): number {
    if (ip.includes(':')) {
      const bytes = parseIPv6(ip);
      if (bytes === null) return 0;
      return (this.homeNet.hasV6(bytes) ? homeBit : 0) | (this.podNets.hasV6(bytes) ? podBit : 0);
    }
    const v4 = parseIPv4(ip);
    if (v4 === null) return 0;
    return (this.homeNet.hasV4(v4) ? homeBit : 0) | (this.podNets.hasV4(v4) ? podBit : 0);
  }

  /** The ids.* resolvers (declared in FLOW_FIELDS). */
  resolvers(): Record<string, FieldResolve> {
    return {
      'ids.src_home_net': this.bit((f) => f & SRC_HOME),
      'ids.dst_home_net': this.bit((f) => f & DST_HOME),
      'ids.dst_external_net': this.bit((f) => ~f & DST_HOME),
      'ids.src_pod_net': this.bit((f) => f & SRC_POD),
      'ids.dst_pod_net': this.bit((f) => f & DST_POD),
    };
  }

  private bit(of: (flags: number) => number): FieldResolve {
    return (o) => (of(this.flags(o)) !== 0 ? 1 : 0);
  }
}

function compile(path: string, entries: readonly string[]): CidrSet {
  try {
    return CidrSet.parse(entries);
  } catch (error) {
    throw new RangeError(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
