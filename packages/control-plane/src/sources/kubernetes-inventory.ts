import { CoreV1Api, KubeConfig, makeInformer, type Informer, type V1Pod } from '@kubernetes/client-node';
import { errorMessage, silentLogger, type Logger } from '@glia/core';
import type { InventoryEntry } from '@glia/enricher-identity';
import type { ControlPlaneState } from '../control-plane-state.js';
import { podEntries } from './pod-identity.js';

export interface KubernetesSourceOptions {
  state: ControlPlaneState;
  /** A kubeconfig file; default: in-cluster service account, else ~/.kube/config (client-node's default). */
  kubeconfig?: string;
  /** Only pods of this namespace; default all. */
  namespace?: string;
  logger?: Logger;
  /** Pod changes within this many ms make one inventory delta. Default 100. */
  batchMs?: number;
  /** First restart delay after the watch fails; doubled up to 30 s. Default 1 000. */
  retryMs?: number;
}

/**
 * The inventory from the Kubernetes API: pods, their IPs, namespaces and labels, kept with
 * client-node's list+watch informer (it relists on 410 Gone). Changes are batched into one delta;
 * the informer is restarted with backoff when the API server goes away.
 */
export class KubernetesInventory {
  private informer: Informer<V1Pod> | null = null;
  private readonly pods = new Map<string, InventoryEntry[]>();
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  /** Set by the informer's error callback; read after each (re)start. */
  private failed: unknown = null;
  private listed = false;
  private readonly logger: Logger;
  /** Times the list+watch failed and was restarted. */
  restarts = 0;

  constructor(private readonly options: KubernetesSourceOptions) {
    this.logger = options.logger ?? silentLogger();
  }

  /** The kubeconfig the options name (exposed so tests can point at a recorded API server). */
  static kubeConfig(options: Pick<KubernetesSourceOptions, 'kubeconfig'>): KubeConfig {
    const kc = new KubeConfig();
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
    return kc;
  }

  /**
   * Lists the pods, then watches. Resolves once the first list is in force, retrying with backoff
   * until then: serving an empty inventory would tell every agent that nothing is known.
   */
  async start(kc = KubernetesInventory.kubeConfig(this.options)): Promise<void> {
    this.stopped = false;
    const api = kc.makeApiClient(CoreV1Api);
    const { namespace } = this.options;
    const path = namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${namespace}/pods`;
    const list = () =>
      namespace === undefined ? api.listPodForAllNamespaces() : api.listNamespacedPod({ namespace });
    const informer = makeInformer<V1Pod>(kc, path, list);
    const put = (pod: V1Pod): void => {
      this.pods.set(keyOf(pod), podEntries(pod));
      this.schedule();
    };
    informer.on('add', put);
    informer.on('update', put);
    informer.on('delete', (pod) => {
      this.pods.delete(keyOf(pod));
      this.schedule();
    });
    informer.on('error', (error) => {
      this.failed = error ?? new Error('the pod watch failed');
      if (this.listed) this.restart(this.failed);
    });
    this.informer = informer;
    while (!this.stopped) {
      this.failed = null;
      await informer.start();
      if (this.failed === null) break;
      const delay = this.backoff();
      this.logger.warn(
        { err: errorMessage(this.failed), retryInMs: delay },
        'control plane: cannot list pods yet; retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
    }
    this.failures = 0;
    this.listed = true;
    this.flush();
    this.logger.info({ pods: this.pods.size, path }, 'control plane: listed pods; watching');
  }

  private backoff(): number {
    this.restarts++;
    return Math.min(30_000, (this.options.retryMs ?? 1_000) * 2 ** this.failures++);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.retry !== null) clearTimeout(this.retry);
    this.timer = this.retry = null;
    await this.informer?.stop();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), this.options.batchMs ?? 100);
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // A reused IP can briefly belong to a finished pod and a new one: the last one listed wins.
    const byKey = new Map<string, InventoryEntry>();
    for (const entries of this.pods.values()) for (const e of entries) byKey.set(e.key, e);
    const seq = this.options.state.setInventory([...byKey.values()]);
    if (seq !== null)
      this.logger.debug({ addresses: byKey.size, seq }, 'control plane: pod inventory changed');
  }

  private restart(error: unknown): void {
    if (this.stopped || this.retry !== null) return;
    const delay = this.backoff();
    this.logger.warn(
      { err: errorMessage(error), retryInMs: delay },
      'control plane: the pod watch failed; listing again',
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      this.failed = null;
      this.informer?.start().then(
        () => {
          if (this.failed !== null) return this.restart(this.failed);
          this.failures = 0;
          this.flush();
        },
        (e: unknown) => this.restart(e),
      );
    }, delay);
  }
}

function keyOf(pod: V1Pod): string {
  return pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
