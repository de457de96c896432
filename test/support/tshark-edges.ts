import { compareAddresses } from '@glia/core';
import { tsharkFields } from '@glia/core/testing';
import { innermost } from './tshark-fields.js';

/**
 * The service-graph edges of a capture by tshark, as a plain independent reference: connections
 * are tshark's own stream numbers (tcp.stream, udp.stream); a TCP stream's client is the sender of
 * its first SYN without ACK, else (handshake not seen, and for UDP) the side with the higher port
 * is the client, ties broken by the lower address being the server (DESIGN §3). Returns
 * `client>server:port/proto` → number of connections.
 */
export function tsharkEdges(capture: string): Map<string, number> {
  const rows = tsharkFields(capture, [
    'ip.src',
    'ip.dst',
    'ipv6.src',
    'ipv6.dst',
    'tcp.stream',
    'tcp.srcport',
    'tcp.dstport',
    'tcp.flags.syn',
    'tcp.flags.ack',
    'udp.stream',
    'udp.srcport',
    'udp.dstport',
  ]);
  const streams = new Map<
    string,
    { src: string; dst: string; sport: number; dport: number; proto: string; synFrom?: string }
  >();
  for (const [ip4s, ip4d, ip6s, ip6d, tcpStream, tsp, tdp, syn, ack, udpStream, usp, udp] of rows) {
    // Tunnelled packets list several addresses; the inner (last) header is what the graph sees.
    const src = innermost(ip6s || ip4s);
    const dst = innermost(ip6d || ip4d);
    if (src === '' || dst === '') continue;
    const tcp = tcpStream !== '';
    if (!tcp && udpStream === '') continue;
    const key = tcp ? `tcp${innermost(tcpStream)}` : `udp${innermost(udpStream)}`;
    const sport = Number(innermost(tcp ? tsp : usp));
    const dport = Number(innermost(tcp ? tdp : udp));
    let s = streams.get(key);
    if (s === undefined) streams.set(key, (s = { src, dst, sport, dport, proto: tcp ? 'tcp' : 'udp' }));
    if (tcp && s.synFrom === undefined && innermost(syn) === '1' && innermost(ack) === '0') {
      Object.assign(s, { src, dst, sport, dport, synFrom: src });
    }
  }
  const edges = new Map<string, number>();
  for (const s of streams.values()) {
    let clientIsSrc: boolean;
    if (s.synFrom !== undefined) clientIsSrc = true;
    else if (s.sport !== s.dport) clientIsSrc = s.sport > s.dport;
    else clientIsSrc = compareAddresses(s.src, s.dst) > 0;
    const [client, server, port] = clientIsSrc ? [s.src, s.dst, s.dport] : [s.dst, s.src, s.sport];
    const key = `${client}>${server}:${port}/${s.proto}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
  return edges;
}
