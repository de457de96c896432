import { createRequire } from 'node:module';
import { errorMessage } from '@glia/core';

/** An open libpcap handle, owned by the native binding (native/pcap_live.c). */
export type PcapHandle = { readonly __brand: 'PcapHandle' };

/** pcap_stats: packets that passed the filter, those the ring had no room for, those the interface dropped. */
export interface PcapStats {
  received: number;
  dropped: number;
  ifDropped: number;
}

interface Binding {
  /** direction: 0 both, 1 received only, 2 sent only. */
  open(
    device: string,
    snaplen: number,
    bufferBytes: number,
    timeoutMs: number,
    direction: number,
  ): PcapHandle;
  setFilter(handle: PcapHandle, expression: string): void;
  start(
    handle: PcapHandle,
    batch: ArrayBuffer,
    maxPackets: number,
    onBatch: (count: number, bytes: number) => void,
    onError: (message: string) => void,
  ): void;
  stats(handle: PcapHandle): [number, number, number];
  close(handle: PcapHandle): void;
  datalink(handle: PcapHandle): number;
  compile(linkType: number, snaplen: number, expression: string): number;
  version(): string;
}

let loaded: Binding | null = null;
let loadError: string | null = null;

/**
 * The native binding, built by this package's install script (node-gyp against libpcap-dev).
 * Throws with what to do when it is missing.
 */
export function pcapBinding(): Binding {
  if (loaded !== null) return loaded;
  if (loadError === null) {
    try {
      loaded = createRequire(import.meta.url)('../build/Release/pcap_live.node') as Binding;
      return loaded;
    } catch (error) {
      loadError =
        `the libpcap binding of @glia/capture-afpacket is not built (${errorMessage(error)}); ` +
        'install libpcap-dev and run `npm rebuild @glia/capture-afpacket`';
    }
  }
  throw new Error(loadError);
}

/** libpcap's version string, or null when the binding cannot load (for `glia doctor`). */
export function libpcapVersion(): string | null {
  try {
    return pcapBinding().version();
  } catch {
    return null;
  }
}

/** Compiles a filter for a link type without a device: the number of cBPF instructions, or throws. */
export function compileFilter(expression: string, linkType = 1, snaplen = 65535): number {
  return pcapBinding().compile(linkType, snaplen, expression);
}
