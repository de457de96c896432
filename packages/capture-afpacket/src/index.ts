import { errorMessage, type PluginFactory, type ProbeResult } from '@glia/core';
import { AfPacketCapture } from './afpacket-capture.js';
import { afPacketConfigSchema, type AfPacketConfig } from './config.js';
import { pcapBinding } from './pcap-live.js';

/**
 * Opens (and closes at once) a real packet socket on libpcap's "any" device, which always exists:
 * the binding loads and the process may capture.
 */
export function probeAfPacket(): ProbeResult {
  let binding;
  try {
    binding = pcapBinding();
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  try {
    binding.close(binding.open('any', 256, 65536, 1000, 0));
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot open a packet socket: ${errorMessage(error)}` };
  }
}

export { AfPacketCapture, type AfPacketStats } from './afpacket-capture.js';
export { afPacketConfigSchema, AFPACKET_DEFAULTS, resolveConfig, type AfPacketConfig } from './config.js';
export {
  captureFilter,
  eventFilterClauses,
  MAX_SAMPLE_BITS,
  type FilterMode,
  type FilterClause,
} from './event-filter.js';
export { LiveInterface, type DeviceState, type DeviceCounters, type FrameSink } from './live-interface.js';
export { readInterface, frameDirection, parseMac, type InterfaceInfo } from './interfaces.js';
export { pcapBinding, libpcapVersion, compileFilter, type PcapStats } from './pcap-live.js';
export { readBatch, writeRecord, RECORD_HEADER_BYTES } from './batch-records.js';

/** The `af_packet` capture plugin: live AF_PACKET capture through libpcap with a kernel-side filter. */
const factory: PluginFactory<AfPacketConfig, AfPacketCapture> = {
  type: 'af_packet',
  kind: 'capture',
  description: 'Live AF_PACKET capture (libpcap) with a kernel filter, through the capture-event logic',
  configSchema: afPacketConfigSchema,
  requires: ['cap_net_raw'],
  probe: () => probeAfPacket(),
  create: (ctx, config) => new AfPacketCapture(ctx, config),
};

export default factory;
export const plugin = factory;
