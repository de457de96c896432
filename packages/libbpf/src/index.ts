export { BpfObject } from './object.js';
export { BpfProgram, type TestRunOptions, type TestRunResult } from './program.js';
export { BpfMap, type MapEntry } from './map.js';
export {
  BpfLink,
  attachTc,
  attachTcLegacy,
  attachTcx,
  attachXdp,
  ifindexOf,
  tcxProgramIds,
  xdpProgramId,
  LEGACY_TC_HANDLE,
  LEGACY_TC_PRIORITY,
  type LinkKind,
  type TcDirection,
  type XdpMode,
} from './link.js';
export { RingBufferReader, forEachRecord, type RecordVisitor } from './ring-buffer.js';
export { probeKernel, type FeatureProbe, type KernelProbe } from './probe.js';
export { isBpffs, openPinned, closeFd } from './pin.js';
export { BpfError, asBpfError } from './bpf-error.js';
export {
  AttachType,
  MapType,
  ProgType,
  TcAction,
  XdpAction,
  UpdateFlag,
  BPF_F_BEFORE,
  XDP_FLAGS_DRV_MODE,
  XDP_FLAGS_SKB_MODE,
} from './constants.js';
export { native, type NativeBinding } from './native.js';
export { canRunKernelTests, type KernelFeature } from './kernel-guard.js';
export { compileBpf } from './testing.js';
