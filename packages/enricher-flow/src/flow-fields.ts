import type { FieldDefinition, Observation } from '@glia/core';
import type { FlowWindows } from './flow-windows.js';
import type { SourceWindow } from './source-window.js';

/**
 * The flow.* fields. Each one records its observation first (a no-op when the bus subscriber
 * already did), so the value is the window as of that observation whether the policy stage runs
 * before or after the enricher's subscriber.
 */
export function flowFields(windows: FlowWindows, windowSeconds: number): FieldDefinition[] {
  const per = `of the client (ip.src) over the last ${windowSeconds} s of packet time, this observation included`;
  const field = (name: string, description: string, read: (w: SourceWindow) => number): FieldDefinition => ({
    name,
    type: 'Int',
    description,
    resolve: (o: Observation) => read(windows.record(o)),
  });
  return [
    field('flow.unique_dst_ports', `distinct destination ports (port/proto) ${per}`, (w) => w.uniqueDstPorts),
    field('flow.unique_dsts', `distinct destination addresses ${per}`, (w) => w.uniqueDsts),
    field(
      'flow.flows_per_min',
      `distinct connections (client port, server, server port, proto) ${per}; a SYN and its SYN-ACK count once`,
      (w) => w.flows,
    ),
    field(
      'flow.dst_port_entropy',
      `Shannon entropy (bits × 100, rounded half up) of the destination ports of the connections ${per}`,
      (w) => w.dstPortEntropyX100,
    ),
  ];
}
