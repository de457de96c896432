import {
  attachTc,
  native,
  type BpfObject,
  type BpfLink,
  type BpfMap,
  type BpfProgram,
  type TcDirection,
} from '@glia/libbpf';
import { readCounters, type ProgramCounters } from './counters.js';
import { lpmKey } from './edge-key.js';
import { closeAttached, loadObject } from './loaded-object.js';
import { bpfObjectPath } from './object-path.js';

export interface ObserverOptions {
  /** The compiled object (default: the repository's bpf/build/observer.bpf.o). */
  objectPath?: string;
  /** Flows remembered at once (LRU). */
  maxFlows?: number;
  /** Ring buffer bytes (a power of two, at least a page). */
  ringBytes?: number;
  /** Packet time from skb->tstamp (BPF_PROG_TEST_RUN), not the monotonic clock. */
  packetTime?: boolean;
  /** CIDRs an egress packet's source must be in to be observed; null observes every source. */
  egressSources?: readonly string[] | null;
}

/**
 * The loaded tcx observer (bpf/observer.bpf.c): its two programs, their maps, and the links that
 * attach them. Closing it detaches every link and frees every map.
 */
export class TcxObserver {
  readonly ingress: BpfProgram;
  readonly egress: BpfProgram;
  readonly events: BpfMap;
  readonly flows: BpfMap;
  readonly bannedEdges: BpfMap;
  readonly bansInUse: BpfMap;
  private readonly counterMap: BpfMap;
  readonly links: BpfLink[] = [];

  private constructor(readonly object: BpfObject) {
    this.ingress = object.program('glia_tcx_ingress');
    this.egress = object.program('glia_tcx_egress');
    this.events = object.map('events');
    this.flows = object.map('flows');
    this.bannedEdges = object.map('banned_edges');
    this.bansInUse = object.map('bans_in_use');
    this.counterMap = object.map('counters');
  }

  /** Opens and loads the object; a verifier rejection throws a BpfError carrying the log. */
  static load(options: ObserverOptions = {}): TcxObserver {
    const filter = options.egressSources !== undefined && options.egressSources !== null;
    return loadObject(
      options.objectPath ?? bpfObjectPath('observer'),
      (object) => {
        object.setMaxEntries('scratch_buf', native().numPossibleCpus());
        if (options.maxFlows !== undefined) object.setMaxEntries('flows', options.maxFlows);
        if (options.ringBytes !== undefined) object.setMaxEntries('events', options.ringBytes);
        const rodata = object.initialValue('.rodata');
        if (rodata !== null) {
          // struct glia_observer_config, the only .rodata variable: use_skb_tstamp, egress_source_filter.
          rodata[0] = options.packetTime === true ? 1 : 0;
          rodata[1] = filter ? 1 : 0;
          object.setInitialValue('.rodata', rodata);
        }
      },
      (object) => {
        const observer = new TcxObserver(object);
        if (filter) observer.setEgressSources(options.egressSources ?? []);
        return observer;
      },
    );
  }

  /** Attaches the ingress or egress program to a device: tcx, or legacy tc where tcx is missing. */
  attach(iface: string, direction: TcDirection, legacyFallback = true): BpfLink {
    const program = direction === 'ingress' ? this.ingress : this.egress;
    const link = attachTc(program, iface, direction, { legacyFallback });
    this.links.push(link);
    return link;
  }

  counters(): { ingress: ProgramCounters; egress: ProgramCounters } {
    return {
      ingress: readCounters(this.counterMap, 'tcx_ingress'),
      egress: readCounters(this.counterMap, 'tcx_egress'),
    };
  }

  private setEgressSources(cidrs: readonly string[]): void {
    const map = this.object.map('egress_sources');
    const one = Buffer.from([1]);
    for (const cidr of cidrs) map.update(lpmKey(cidr), one);
  }

  /** Detaches every link (in reverse order) and closes the object. Idempotent. */
  close(): void {
    closeAttached(this.links, this.object);
  }
}
