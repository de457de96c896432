import type { PluginFactory } from '@glia/core';
import { checkCaptureFiles, pcapConfigSchema, type PcapConfig } from './config.js';
import { PcapCapture } from './pcap-capture.js';

export { PcapCapture, type PcapReplayStats } from './pcap-capture.js';
export { pcapConfigSchema, resolveCaptureFiles, checkCaptureFiles, type PcapConfig } from './config.js';

/** The `pcap` capture plugin: replays pcap/pcapng files (optionally gzipped) in packet time. */
const factory: PluginFactory<PcapConfig, PcapCapture> = {
  type: 'pcap',
  kind: 'capture',
  description: 'Replays pcap/pcapng capture files through the capture-event logic, in packet time',
  configSchema: pcapConfigSchema,
  checkConfig: async (config, baseDir) => checkCaptureFiles(config.file, baseDir),
  create: (ctx, config) => new PcapCapture(ctx, config),
};

export default factory;
export const plugin = factory;
