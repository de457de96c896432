// Decoding frames.
export { PacketDecoder, DEFAULT_MAX_TUNNEL_DEPTH, type DecoderOptions } from './decode/decoder.js';
export { DecodedPacket, DecodeStatus, TcpFlag } from './decode/decoded.js';
export { LinkType, EtherType, TunnelPort } from './decode/link-types.js';
export {
  UNDECODABLE_REASONS,
  IGNORED_KINDS,
  DecodeCounters,
  type UndecodableReason,
  type IgnoredKind,
} from './decode/reasons.js';
export { parseTcpOptions, type TcpOptions } from './decode/tcp-options.js';

// Capture events (DESIGN §3) from frames.
export {
  CaptureEventLogic,
  CAPTURE_TOPICS,
  DEFAULT_MAX_FLOWS,
  FLOW_STATE_BYTES,
  maxFlowsFor,
  type CaptureEventMap,
  type CaptureTopic,
  type CaptureEventSink,
  type CaptureLogicOptions,
} from './events/capture-logic.js';
export { FlowTable } from './events/flow-table.js';
export { TcpDnsStream } from './events/flow-state.js';
export { eventToJson, eventToRecord, toHex } from './events/event-json.js';

// Reading pcap / pcapng files.
export { CaptureParser } from './capture/capture-parser.js';
export {
  captureChunks,
  checkCaptureHeader,
  CaptureFileReader,
  readCaptureFile,
  DEFAULT_CHUNK_BYTES,
  type CaptureReadSummary,
} from './capture/capture-file.js';
export { CaptureFormatError, emptyRecord, type PacketRecord, type CaptureFormat } from './capture/record.js';
export { replayCaptureEvents, interfaceNameOf, type ReplaySummary, type ReplayOptions } from './replay.js';

// Building frames and capture files (for tests, here and in other backends).
export * as frames from './build/frames.js';
export {
  pcapFile,
  pcapngFile,
  type FrameRecord,
  type PcapWriteOptions,
  type PcapngSectionSpec,
  type PcapngInterfaceSpec,
} from './build/capture-files.js';
