import { CidrSet, type Agent, type LoadedConfig } from '@glia/core';
import { MmdbIdentity } from '@glia/collector';
import { GraphRecorder } from '@glia/sink-service-graph';
import { GraphAccumulator, resolveGraph, toDot, toMermaid, type ServiceGraph } from '@glia/service-graph';

/** Offline graphs keep everything a replay shows them: no idle expiry, generous bounds. */
const REPLAY_LIMITS = {
  maxEdges: 4_000_000,
  maxNodes: 1_000_000,
  maxFlows: 4_000_000,
  idleMs: Number.MAX_SAFE_INTEGER,
  flowIdleMs: 300_000,
};

/**
 * Records the service graph of a replay from the agent's bus (subscribe before start); `graph()`
 * resolves it at the end, with the identity baseline when one is given and the config's home_net
 * and pod_nets telling fleet hosts from outside peers.
 */
export function recordGraph(agent: Agent, loaded: LoadedConfig, identityFile?: string): () => ServiceGraph {
  const identity = identityFile === undefined ? null : new MmdbIdentity(identityFile);
  identity?.load();
  const accumulator = new GraphAccumulator(REPLAY_LIMITS);
  const recorder = new GraphRecorder(agent.bus, accumulator, () => agent.fields());
  recorder.start();
  const { home_net, pod_nets } = loaded.config.network;
  const internal = CidrSet.parse([...home_net, ...pod_nets]);
  const agentId = loaded.config.agent.id ?? 'replay';
  return () => {
    recorder.stop();
    const drained = accumulator.drain(0, true);
    return resolveGraph(
      {
        edges: drained.edges.map((e) => ({ ...e, agents: [agentId] })),
        nodes: drained.nodes.map(({ last_seen: _unused, ...facts }) => facts),
      },
      { identity: identity?.lookup, isInternal: (ip) => internal.has(ip), now: agent.clock.nowMs() },
    );
  };
}

export function renderGraph(graph: ServiceGraph, format: 'json' | 'dot' | 'mermaid'): string {
  if (format === 'dot') return toDot(graph);
  if (format === 'mermaid') return toMermaid(graph);
  return JSON.stringify(graph, null, 2) + '\n';
}
