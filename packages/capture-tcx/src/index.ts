export { TcxObserver, type ObserverOptions } from './observer.js';
export { RecordDecoder, RecordType, type RecordDecoderOptions } from './records.js';
export { ObserverTestRun, TEST_RUN_MAX_FRAME, TEST_RUN_MIN_FRAME, type TestRunEvent } from './test-run.js';
export { readCounters, COUNTER_NAMES, type ProgramCounters, type CounterName } from './counters.js';
export { edgeKey, lpmKey, EDGE_KEY_BYTES } from './edge-key.js';
export { bpfObjectPath } from './object-path.js';
export { asEthernet, ethernetFrames, type TimedFrame } from './fixture-frames.js';
