import type { PluginFactory } from '@glia/core';
import { configSchema, type XdpConfig } from './config.js';
import { XdpCapture } from './xdp-capture.js';

export { XdpCapture } from './xdp-capture.js';
export { SynackRecorder } from './synack-recorder.js';
export { synackEvent } from './synack-entry.js';
export { configSchema, DEFAULTS, type XdpConfig } from './config.js';

/** The `xdp` capture plugin: SYN-ACKs recorded by XDP, drained into conn events (JA4TS). */
const factory: PluginFactory<XdpConfig, XdpCapture> = {
  type: 'xdp',
  kind: 'capture',
  description: 'Records SYN-ACKs with XDP before the stack (JA4TS where a CNI owns the tc reply path)',
  configSchema,
  requires: ['xdp'],
  create: (ctx, config) => new XdpCapture(ctx, config),
};

export default factory;
export const plugin = factory;
export { probeXdp } from './probe.js';
