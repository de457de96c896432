import { canonicalNetwork, type IdentityRecord, type InventoryEntry } from '@glia/enricher-identity';
import { parseCidr, type Cidr } from '@glia/core';

/** The parts of a Kubernetes Pod (core/v1) that make its identity. */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
  };
  spec?: { hostNetwork?: boolean };
  status?: { phase?: string; podIP?: string; podIPs?: Array<{ ip?: string }> };
}

/** Annotations that say what labels cannot: a workload exposed to the internet, a control-plane one. */
export const ANNOTATIONS = {
  internetExposed: 'glia.io/internet-exposed',
  controlPlane: 'glia.io/control-plane',
} as const;

/**
 * The workload a pod belongs to: its controller, with a Deployment's ReplicaSet named by the
 * Deployment (the ReplicaSet's name less the pod-template-hash); a bare pod is its own workload.
 */
export function workloadOf(pod: PodLike): string | undefined {
  const meta = pod.metadata ?? {};
  const owner = meta.ownerReferences?.find((o) => o.controller === true) ?? meta.ownerReferences?.[0];
  if (owner?.name === undefined) return meta.name;
  const hash = meta.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash !== undefined && owner.name.endsWith(`-${hash}`))
    return owner.name.slice(0, -(hash.length + 1));
  return owner.name;
}

/**
 * The inventory entries of one pod (one per pod IP, v4 and v6), or none for a pod that holds no
 * address of its own: not yet scheduled, finished, or on the host network (its address is the
 * node's; describe nodes in a file inventory).
 */
export function podEntries(pod: PodLike): InventoryEntry[] {
  const meta = pod.metadata ?? {};
  const phase = pod.status?.phase;
  if (pod.spec?.hostNetwork === true || phase === 'Succeeded' || phase === 'Failed') return [];
  const namespace = meta.namespace;
  const workload = workloadOf(pod);
  if (namespace === undefined || workload === undefined) return [];
  const labels = meta.labels ?? {};
  const annotations = meta.annotations ?? {};
  const record: IdentityRecord = {
    namespace,
    workload,
    labels: new Map(Object.entries(labels)),
    internet_exposed: annotations[ANNOTATIONS.internetExposed] === 'true',
    control_plane: annotations[ANNOTATIONS.controlPlane] === 'true' || labels.tier === 'control-plane',
  };
  const app = labels['app.kubernetes.io/name'] ?? labels.app;
  if (app !== undefined && app !== '') record.app = app;
  const ips = new Set<string>();
  for (const ip of [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)]) {
    const key = ip === undefined ? null : canonicalNetwork(ip);
    if (key !== null && !key.includes('/')) ips.add(key);
  }
  return [...ips].map((key) => ({ network: parseCidr(key) as Cidr, key, record }));
}
