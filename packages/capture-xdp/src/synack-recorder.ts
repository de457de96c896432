import type { ConnEvent } from '@glia/core';
import {
  bpfObjectPath,
  closeAttached,
  loadObject,
  readCounters,
  type ProgramCounters,
} from '@glia/capture-tcx';
import {
  attachXdp,
  type BpfObject,
  type BpfLink,
  type BpfMap,
  type BpfProgram,
  type XdpMode,
} from '@glia/libbpf';
import { synackEvent } from './synack-entry.js';

/**
 * The loaded XDP SYN-ACK recorder (bpf/synack.bpf.c) and its links. drain() empties its
 * server-keyed map (lookup-and-delete batches) into conn events.
 */
export class SynackRecorder {
  readonly program: BpfProgram;
  readonly synacks: BpfMap;
  private readonly counterMap: BpfMap;
  readonly links: BpfLink[] = [];

  private constructor(readonly object: BpfObject) {
    this.program = object.program('glia_xdp_synack');
    this.synacks = object.map('synacks');
    this.counterMap = object.map('counters');
  }

  static load(options: { maxServers?: number; objectPath?: string } = {}): SynackRecorder {
    return loadObject(
      options.objectPath ?? bpfObjectPath('synack'),
      (object) => {
        if (options.maxServers !== undefined) object.setMaxEntries('synacks', options.maxServers);
      },
      (object) => new SynackRecorder(object),
    );
  }

  attach(iface: string, mode: XdpMode): BpfLink {
    const link = attachXdp(this.program, iface, mode);
    this.links.push(link);
    return link;
  }

  /** Every SYN-ACK recorded since the last drain, one per server, as conn events. */
  drain(ifaceName: (ifindex: number) => string, tsOffsetNs: bigint): ConnEvent[] {
    return this.synacks.drain().map((e) => synackEvent(e.key, e.value, ifaceName, tsOffsetNs));
  }

  counters(): ProgramCounters {
    return readCounters(this.counterMap, 'xdp');
  }

  close(): void {
    closeAttached(this.links, this.object);
  }
}
