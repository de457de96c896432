import { DecodeStatus, DecodedPacket } from './decoded.js';
import { decodeIPv4, decodeIPv6 } from './ip.js';
import { decodeEthernet, decodeLink, NEXT_IP_ANY } from './link.js';
import { EtherType, TunnelPort } from './link-types.js';
import { DecodeCounters, R } from './reasons.js';
import { decodeTcp, decodeUdp } from './transport.js';
import { decodeGre } from './gre.js';
import { decodeMpls } from './mpls.js';
import { decodePppoeSession } from './ppp.js';
import { decodeGeneve, decodeVxlan } from './tunnel.js';

const IPPROTO_IPIP = 4;
const IPPROTO_IPV6 = 41;
const IPPROTO_GRE = 47;

/**
 * Tunnel layers (VXLAN, Geneve, IP-in-IP, GRE, ERSPAN) followed in one frame before it counts as
 * undecodable ("tunnel_depth").
 */
export const DEFAULT_MAX_TUNNEL_DEPTH = 4;

const IGNORED_NON_IP = 0;
const IGNORED_OTHER_TRANSPORT = 1;
const IGNORED_TUNNEL_OTHER = 2;

export interface DecoderOptions {
  maxTunnelDepth?: number;
}

/**
 * Decodes frames down to the innermost TCP or UDP header, through VLAN tags (802.1Q, QinQ, E-Tag,
 * VN-Tag), PPPoE sessions, MPLS label stacks (with Ethernet pseudowires) and tunnels: VXLAN,
 * Geneve, IPv4/IPv6 in IPv4/IPv6, GRE (with transparent Ethernet bridging), PPTP's enhanced GRE
 * with PPP, and ERSPAN types I, II and III. Never throws on bad input: a frame is ok, ignored (not
 * TCP/UDP over IP) or undecodable with a reason, and the counters say how many of each.
 */
export class PacketDecoder {
  readonly counters = new DecodeCounters();
  private readonly maxTunnelDepth: number;

  constructor(options: DecoderOptions = {}) {
    this.maxTunnelDepth = options.maxTunnelDepth ?? DEFAULT_MAX_TUNNEL_DEPTH;
  }

  /**
   * Decodes bytes[offset, offset+length) of the given link type into `out`. Returns out.status;
   * ok means out describes a TCP or UDP packet.
   */
  decode(
    out: DecodedPacket,
    bytes: Uint8Array,
    offset: number,
    length: number,
    linkType: number,
  ): DecodeStatus {
    const end = Math.min(offset + length, bytes.length);
    out.reset(bytes);
    let at = decodeLink(out, bytes, offset, end, linkType);
    let limit = end;
    while (at >= 0) {
      let next = out.next;
      if (next === EtherType.TEB) {
        at = decodeEthernet(out, bytes, at, limit);
        if (at < 0) break;
        next = out.next;
      }
      if (next === EtherType.PPPOE_SESSION) {
        at = decodePppoeSession(out, bytes, at, limit);
        if (at < 0) break;
        next = out.next;
      } else if (next === EtherType.MPLS_UNICAST || next === EtherType.MPLS_MULTICAST) {
        at = decodeMpls(out, bytes, at, limit);
        if (at < 0) break;
        next = out.next;
        // An Ethernet pseudowire: its frame is read as the link's (each pass consumes bytes).
        if (next === EtherType.TEB) continue;
      }
      if (next === NEXT_IP_ANY) {
        if (at >= limit) {
          out.fail(R.truncatedIPv4);
          break;
        }
        const version = bytes[at] >> 4;
        next = version === 6 ? EtherType.IPV6 : version === 4 ? EtherType.IPV4 : -1;
        if (next < 0) {
          out.fail(R.badIpVersion);
          break;
        }
      }
      if (next === EtherType.IPV4) at = decodeIPv4(out, bytes, at, limit);
      else if (next === EtherType.IPV6) at = decodeIPv6(out, bytes, at, limit);
      else {
        out.ignore(out.tunnelDepth > 0 ? IGNORED_TUNNEL_OTHER : IGNORED_NON_IP);
        break;
      }
      if (at < 0) break;
      const transport = out.transport;
      if (transport === 6) {
        decodeTcp(out, bytes, at);
        break;
      }
      if (transport === IPPROTO_IPIP || transport === IPPROTO_IPV6 || transport === IPPROTO_GRE) {
        if (out.tunnelDepth >= this.maxTunnelDepth) {
          out.fail(R.tunnelDepth);
          break;
        }
        out.tunnelDepth++;
        limit = out.ipEnd;
        if (transport === IPPROTO_GRE) at = decodeGre(out, bytes, at, limit);
        else out.next = transport === IPPROTO_IPIP ? EtherType.IPV4 : EtherType.IPV6;
        if (at >= 0) out.resetInner();
        continue;
      }
      if (transport !== 17) {
        out.ignore(IGNORED_OTHER_TRANSPORT);
        break;
      }
      at = decodeUdp(out, bytes, at);
      if (at < 0) break;
      const dport = out.dport;
      const isVxlan = dport === TunnelPort.VXLAN || dport === TunnelPort.VXLAN_LINUX;
      if (!isVxlan && dport !== TunnelPort.GENEVE) break;
      if (out.tunnelDepth >= this.maxTunnelDepth) {
        out.fail(R.tunnelDepth);
        break;
      }
      out.tunnelDepth++;
      limit = out.payloadOffset + out.payloadLength;
      at = isVxlan ? decodeVxlan(out, bytes, at, limit) : decodeGeneve(out, bytes, at, limit);
      if (at >= 0) out.resetInner();
    }
    if (out.status === DecodeStatus.undecodable) this.counters.undecodable[out.reason]++;
    else if (out.status === DecodeStatus.ignored) this.counters.ignored[out.reason]++;
    return out.status;
  }
}
