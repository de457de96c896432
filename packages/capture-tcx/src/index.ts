export { TcxObserver, type ObserverOptions } from './observer.js';
export { RecordDecoder, RecordType, type RecordDecoderOptions } from './records.js';
export { ObserverTestRun, TEST_RUN_MAX_FRAME, TEST_RUN_MIN_FRAME, type TestRunEvent } from './test-run.js';
export { readCounters, COUNTER_NAMES, type ProgramCounters, type CounterName } from './counters.js';
export { edgeKey, lpmKey, EDGE_KEY_BYTES } from './edge-key.js';
export { bpfObjectPath } from './object-path.js';
export { asEthernet, ethernetFrames, type TimedFrame } from './fixture-frames.js';
export { TcxCapture } from './tcx-capture.js';
export { BannedEdgesMap } from './banned-edges.js';
export { configSchema, DEFAULTS, egressSources, type TcxConfig } from './config.js';
export { defaultRouteDevice, resolveInterfaces } from './default-route.js';

import type { PluginFactory } from '@glia/core';
import { configSchema, type TcxConfig } from './config.js';
import { probeTcxAttach } from './attach-probe.js';
import { TcxCapture } from './tcx-capture.js';

/** The `tcx` capture plugin: the eBPF observer on tcx hooks (Linux 6.6+; legacy tc before). */
const factory: PluginFactory<TcxConfig, TcxCapture> = {
  type: 'tcx',
  kind: 'capture',
  description:
    'Observes devices with eBPF on tcx hooks: events from the kernel over a ring buffer, per-edge drops',
  configSchema,
  requires: ['ringbuf'],
  probe: (config) => probeTcxAttach(config),
  create: (ctx, config) => new TcxCapture(ctx, config),
};

export default factory;
export const plugin = factory;
export { probeTcx } from './probe.js';
export { probeTcxAttach } from './attach-probe.js';
export { loadObject, closeAttached } from './loaded-object.js';
