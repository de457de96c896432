import { describe, expect, it } from 'vitest';
import { podEntries, workloadOf, type PodLike } from './pod-identity.js';

const owned = (kind: string, name: string, labels: Record<string, string> = {}): PodLike => ({
  metadata: {
    name: `${name}-pod`,
    namespace: 'ns',
    labels,
    ownerReferences: [{ kind, name, controller: true }],
  },
});

describe('workloadOf', () => {
  const cases: Array<[string, PodLike, string | undefined]> = [
    [
      'a Deployment through its ReplicaSet',
      owned('ReplicaSet', 'web-7d4b9c8f6d', { 'pod-template-hash': '7d4b9c8f6d' }),
      'web',
    ],
    ['a bare ReplicaSet (no template hash)', owned('ReplicaSet', 'web-rs'), 'web-rs'],
    [
      'a ReplicaSet whose name does not end in the hash',
      owned('ReplicaSet', 'web', { 'pod-template-hash': 'abc' }),
      'web',
    ],
    ['a StatefulSet', owned('StatefulSet', 'db'), 'db'],
    ['a DaemonSet', owned('DaemonSet', 'agent'), 'agent'],
    ['a Job', owned('Job', 'report-29410560'), 'report-29410560'],
    ['a bare pod', { metadata: { name: 'debug', namespace: 'ns' } }, 'debug'],
    [
      'the controller among owners',
      {
        metadata: {
          name: 'p',
          ownerReferences: [
            { kind: 'X', name: 'other' },
            { kind: 'StatefulSet', name: 'db', controller: true },
          ],
        },
      },
      'db',
    ],
  ];
  it.each(cases)('%s', (_name, pod, workload) => expect(workloadOf(pod)).toBe(workload));
});

describe('podEntries', () => {
  const base: PodLike = {
    metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' } },
    status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'FD00::1' }] },
  };
  it('one entry per address, IPv6 in canonical form', () => {
    expect(podEntries(base).map((e) => e.key)).toEqual(['10.0.0.1', 'fd00::1']);
  });
  const none: Array<[string, PodLike]> = [
    ['on the host network', { ...base, spec: { hostNetwork: true } }],
    ['finished', { ...base, status: { ...base.status, phase: 'Succeeded' } }],
    ['failed', { ...base, status: { ...base.status, phase: 'Failed' } }],
    ['without an address yet', { ...base, status: { phase: 'Pending' } }],
    ['without a namespace', { ...base, metadata: { name: 'p' } }],
  ];
  it.each(none)('none for a pod %s', (_name, pod) => expect(podEntries(pod)).toEqual([]));
  it('flags from annotations and the control-plane tier label', () => {
    const [e] = podEntries({
      ...base,
      metadata: {
        ...base.metadata,
        annotations: { 'glia.io/internet-exposed': 'true' },
        labels: { tier: 'control-plane' },
      },
    });
    expect(e.record).toMatchObject({ internet_exposed: true, control_plane: true });
    expect(e.record.app).toBeUndefined();
  });
});
