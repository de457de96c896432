import type { FieldSpec } from '@glia/core';

/** The rule fields the services enricher provides (declared on its factory). */
export const SERVICE_FIELDS: readonly FieldSpec[] = [
  {
    name: 'service.name',
    type: 'Bytes',
    description: 'service nmap-service-probes identified on the server port (e.g. "ssh", "http")',
  },
  {
    name: 'service.product',
    type: 'Bytes',
    description: 'product identified on the server port (e.g. "OpenSSH", "nginx")',
  },
  {
    name: 'service.version',
    type: 'Bytes',
    description: 'version identified on the server port (e.g. "9.2p1 Debian 2+deb12u3")',
  },
  {
    name: 'service.info',
    type: 'Bytes',
    description: 'extra information nmap\'s match gives for the server port (e.g. "protocol 2.0")',
  },
  {
    name: 'service.cpe',
    type: { kind: 'array', value: 'Bytes' },
    description: 'CPE names of the server port\'s product and platform (e.g. "cpe:/a:openbsd:openssh:9.2p1")',
  },
];
