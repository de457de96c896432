import { describe, expect, it } from 'vitest';
import { compileExpression } from '../lang/compile.js';
import { testScheme } from '../lang/test-scheme.js';
import { bestHint } from './rule-index.js';

const scheme = testScheme();

/** [expression, the value the rule is indexed by and how, or 'always' when every observation evaluates it] */
const CHOICES: Array<[string, string]> = [
  ['tcp.dstport eq 22', 'int tcp.dstport'],
  ['tcp.dstport in {22 80 8000..8999}', 'int tcp.dstport'],
  ['ids.src_home_net == 1 and tcp.dstport eq 5432', 'int tcp.dstport'],
  ['ids.src_home_net == 1', 'always'],
  ['ids.src_home_net == 1 and flow.unique_dst_ports ge 25', 'always'],
  ['ip.dst in {10.0.0.0/8}', 'always'],
  ['ip.dst in {10.1.2.0/24} and ids.src_home_net == 1', 'ip ip.dst'],
  ['ip.src eq 10.1.2.3', 'ip ip.src'],
  ['identity.k8s.src_namespace eq "shop"', 'bytes identity.k8s.src_namespace'],
  ['identity.k8s.src_label["app"] eq "web"', 'bytes identity.k8s.src_label["app"]'],
  ['lower(dns.fqdn) eq "x.com"', 'bytes lower(dns.fqdn)'],
  ['dns.fqdn wildcard "*.evil.com"', 'suffix dns.fqdn'],
  ['ends_with(dns.fqdn, ".corp.example")', 'suffix dns.fqdn'],
  ['dns.fqdn wildcard "*.com"', 'always'],
  ['dns.fqdn matches "evil"', 'always'],
  ['tcp.dstport eq 22 or tcp.dstport eq 23', 'int tcp.dstport'],
  ['tcp.dstport eq 22 or udp.dstport eq 53', 'always'],
  ['not tcp.dstport eq 22', 'always'],
  ['tcp.dstport ne 22', 'always'],
  ['tcp.dstport eq 22 xor ip.proto eq "tcp"', 'always'],
  ['any(dns.fqdns[*] eq "x")', 'always'],
  ['identity.k8s.src_namespace eq "a" and tcp.dstport in {1..65535}', 'bytes identity.k8s.src_namespace'],
];

describe('each rule is indexed by its most selective necessary condition', () => {
  it.each(CHOICES)('%s: %s', (expression, expected) => {
    const hint = bestHint(compileExpression(expression, scheme).hints);
    expect(hint === undefined ? 'always' : `${hint.kind} ${hint.key}`).toBe(expected);
  });
});
