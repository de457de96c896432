import type { FieldSpec } from '@glia/core';

const side = (s: 'src' | 'dst', who: string): FieldSpec[] => [
  { name: `identity.k8s.${s}_namespace`, type: 'Bytes', description: `Namespace of the ${who}` },
  { name: `identity.k8s.${s}_workload`, type: 'Bytes', description: `Workload of the ${who}` },
  { name: `identity.k8s.${s}_app`, type: 'Bytes', description: `App of the ${who}` },
  {
    name: `identity.k8s.${s}_label`,
    type: { kind: 'map', value: 'Bytes' },
    description: `Labels of the ${who}'s workload, e.g. identity.k8s.${s}_label["app"]`,
  },
];

/** The rule fields the identity enricher provides (DESIGN §5, declared on its factory). */
export const IDENTITY_FIELDS: readonly FieldSpec[] = [
  ...side('src', 'client'),
  ...side('dst', 'server'),
  {
    name: 'identity.internet_exposed',
    type: 'Int',
    description: 'The server is exposed to the internet (0/1; absent when the server is unknown)',
  },
  {
    name: 'identity.control_plane',
    type: 'Int',
    description: 'The server is a control-plane workload (0/1; absent when the server is unknown)',
  },
  {
    name: 'edge.declared',
    type: 'Int',
    description: 'An E line of the declared edges allows client → server:port (0/1; absent without edges)',
  },
  {
    name: 'edge.policy_violation',
    type: 'Int',
    description:
      'Not declared, and the server is ingress-governed (G) or the client egress-governed (S) (0/1; absent without edges)',
  },
];
