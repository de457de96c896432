import { compareAddresses } from '@glia/core';
import { tsharkFields } from '@glia/core/testing';

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
    const src = last(ip6s) ?? last(ip4s);
    const dst = last(ip6d) ?? last(ip4d);
    if (src === undefined || dst === undefined) continue;
    const tcp = tcpStream !== '';
    if (!tcp && udpStream === '') continue;
    const key = tcp ? `tcp${last(tcpStream)}` : `udp${last(udpStream)}`;
    const sport = Number(last(tcp ? tsp : usp));
    const dport = Number(last(tcp ? tdp : udp));
    let s = streams.get(key);
    if (s === undefined) streams.set(key, (s = { src, dst, sport, dport, proto: tcp ? 'tcp' : 'udp' }));
    if (tcp && s.synFrom === undefined && last(syn) === '1' && last(ack) === '0') {
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

function last(field: string): string | undefined {
  if (field === '') return undefined;
  const parts = field.split(',');
  return parts[parts.length - 1];
}
