export { ControlPlaneState, type VersionedDocument } from './control-plane-state.js';
export { ControlPlaneServer, type ControlPlaneServerOptions } from './control-plane-server.js';
export { EventHistory, type StreamEvent } from './event-history.js';
export { diffInventory, diffLines } from './inventory-diff.js';
export { BearerAuth } from './bearer-auth.js';
export { FileSources, type FileSourcesOptions } from './sources/file-inventory.js';
export { KubernetesInventory, type KubernetesSourceOptions } from './sources/kubernetes-inventory.js';
export { podEntries, workloadOf, ANNOTATIONS, type PodLike } from './sources/pod-identity.js';
