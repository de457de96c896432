import type { Direction } from '@glia/core';
import { readCaptureFile, type CaptureReadSummary } from './capture/capture-file.js';
import type { PacketRecord } from './capture/record.js';
import {
  CaptureEventLogic,
  type CaptureEventSink,
  type CaptureLogicOptions,
} from './events/capture-logic.js';

export interface ReplayOptions extends CaptureLogicOptions {
  /** Interface name for every event; default the pcapng if_name, else "pcap<interface id>". */
  iface?: string;
  dir?: Direction;
  /** Reuse a logic instance (and its flow state) across files. */
  logic?: CaptureEventLogic;
}

export interface ReplaySummary extends CaptureReadSummary {
  logic: CaptureEventLogic;
}

/** "pcap<id>" names made so far: one string per interface, not one per packet. */
const pcapNames: string[] = [];

/** The name events carry for a record's interface. */
export function interfaceNameOf(record: PacketRecord, override?: string): string {
  if (override !== undefined) return override;
  if (record.interfaceName !== undefined) return record.interfaceName;
  const id = record.interfaceId;
  return (pcapNames[id] ??= `pcap${id}`);
}

/**
 * Reads a capture file at full speed and runs the capture-event logic over it: the whole of a replay
 * without pacing or a bus, for tests, benchmarks and `glia replay`.
 */
export async function replayCaptureEvents(
  path: string,
  sink: CaptureEventSink,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const logic = options.logic ?? new CaptureEventLogic(sink, options);
  const dir = options.dir ?? 'ingress';
  const summary = await readCaptureFile(path, (r) => {
    logic.handleFrame(
      r.data,
      r.offset,
      r.caplen,
      r.linkType,
      r.sec,
      r.nsec,
      interfaceNameOf(r, options.iface),
      dir,
    );
  });
  return { ...summary, logic };
}
