import type { Cidr } from '@glia/core';

/** First and last address of a network as 128-bit numbers (IPv4 in ::/96, as the tree keeps them). */
function range(network: Cidr): [bigint, bigint] {
  let start = 0n;
  for (const byte of network.address) start = (start << 8n) | BigInt(byte);
  const width = network.family === 4 ? 32 : 128;
  const hostBits = BigInt(width - network.prefix);
  return [start, start + (1n << hostBits) - 1n];
}

/**
 * Pairs of overlapping networks [outer, inner]: sorted by start (wider first on a tie), a network
 * overlaps the last one that did not overlap anything before it.
 */
export function findOverlaps<T extends { network: Cidr }>(items: readonly T[]): Array<[T, T]> {
  const overlaps: Array<[T, T]> = [];
  for (const family of [4, 6] as const) {
    const sorted = items
      .filter((i) => i.network.family === family)
      .map((item) => ({ item, span: range(item.network) }))
      .sort((a, b) =>
        a.span[0] < b.span[0]
          ? -1
          : a.span[0] > b.span[0]
            ? 1
            : a.item.network.prefix - b.item.network.prefix,
      );
    // CIDR networks either nest or are disjoint: one inside the last open network overlaps it.
    let open: (typeof sorted)[number] | null = null;
    for (const current of sorted) {
      if (open !== null && current.span[0] <= open.span[1]) overlaps.push([open.item, current.item]);
      else open = current;
    }
  }
  return overlaps;
}
