import type { FieldResolve } from '@glia/core';
import type { FlowWindows } from './flow-windows.js';
import type { SourceWindow } from './source-window.js';

/**
 * The flow.* resolvers (declared in FLOW_FIELDS). Each one records its observation first (a no-op
 * when the bus subscriber already did), so the value is the window as of that observation whether
 * the policy stage runs before or after the enricher's subscriber.
 */
export function flowResolvers(windows: FlowWindows): Record<string, FieldResolve> {
  const of =
    (read: (w: SourceWindow) => number): FieldResolve =>
    (o) =>
      read(windows.record(o));
  return {
    'flow.unique_dst_ports': of((w) => w.uniqueDstPorts),
    'flow.unique_dsts': of((w) => w.uniqueDsts),
    'flow.flows_per_min': of((w) => w.flows),
    'flow.dst_port_entropy': of((w) => w.dstPortEntropyX100),
  };
}
