import type { PluginFactory } from '@glia/core';
import { AfPacketCapture } from './afpacket-capture.js';
import { afPacketConfigSchema, type AfPacketConfig } from './config.js';

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
  create: (ctx, config) => new AfPacketCapture(ctx, config),
};

export default factory;
export const plugin = factory;
