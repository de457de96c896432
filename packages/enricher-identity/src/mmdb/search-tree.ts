import type { Cidr } from '@glia/core';

/** A leaf: the offset of a record in the data section. */
interface DataLeaf {
  data: number;
}

interface TreeNode {
  left: TreeNode | DataLeaf | null;
  right: TreeNode | DataLeaf | null;
}

export class NetworkOverlapError extends Error {}

/**
 * The binary search tree of an IPv6 MaxMind DB (spec "Search Tree Section"): one level per
 * address bit, IPv4 networks at ::a.b.c.d/96+prefix (where readers look IPv4 addresses up).
 * Networks must not overlap: every address resolves to at most one network, so a delta that
 * replaces or removes a network means the same thing whichever reader sees it.
 */
export class SearchTree {
  private readonly root: TreeNode = { left: null, right: null };

  /** Inserts a network pointing at `data`; throws NetworkOverlapError when it meets another. */
  insert(network: Cidr, data: number): void {
    if (network.prefix === 0) throw new NetworkOverlapError('a /0 network covers every address');
    const bits = network.family === 4 ? 96 + network.prefix : network.prefix;
    const bitAt = (depth: number): number => {
      const i = network.family === 4 ? depth - 96 : depth;
      if (i < 0) return 0;
      return (network.address[i >> 3] >> (7 - (i & 7))) & 1;
    };
    let node = this.root;
    for (let depth = 0; depth < bits - 1; depth++) {
      const side = bitAt(depth) === 0 ? 'left' : 'right';
      const child = node[side];
      if (child === null) node = node[side] = { left: null, right: null };
      else if ('data' in child) throw new NetworkOverlapError('it lies inside a network already inserted');
      else node = child;
    }
    const side = bitAt(bits - 1) === 0 ? 'left' : 'right';
    const child = node[side];
    if (child !== null)
      throw new NetworkOverlapError(
        'data' in child ? 'the same network is inserted twice' : 'it contains a network already inserted',
      );
    node[side] = { data };
  }

  /**
   * The tree in the file's layout: nodes numbered breadth first from the root, each as two
   * records of the smallest record size that addresses `dataSize` bytes of data (at least
   * `minRecordSize`).
   */
  serialize(
    dataSize: number,
    minRecordSize: 24 | 28 | 32 = 24,
  ): { bytes: Uint8Array; nodeCount: number; recordSize: 24 | 28 | 32 } {
    const nodes: TreeNode[] = [this.root];
    const ids = new Map<TreeNode, number>([[this.root, 0]]);
    for (let i = 0; i < nodes.length; i++) {
      for (const child of [nodes[i].left, nodes[i].right]) {
        if (child !== null && !('data' in child)) {
          ids.set(child, nodes.length);
          nodes.push(child);
        }
      }
    }
    const nodeCount = nodes.length;
    const largest = nodeCount + 16 + dataSize;
    const fits = largest < 2 ** 24 ? 24 : largest < 2 ** 28 ? 28 : 32;
    const recordSize = Math.max(fits, minRecordSize) as 24 | 28 | 32;
    if (largest >= 2 ** 32) throw new RangeError('the database is larger than 4 GiB');
    const value = (child: TreeNode | DataLeaf | null): number =>
      child === null ? nodeCount : 'data' in child ? nodeCount + 16 + child.data : (ids.get(child) as number);
    const nodeBytes = recordSize / 4;
    const bytes = new Uint8Array(nodeCount * nodeBytes);
    nodes.forEach((node, i) =>
      writeNode(bytes, i * nodeBytes, recordSize, value(node.left), value(node.right)),
    );
    return { bytes, nodeCount, recordSize };
  }
}

function writeNode(out: Uint8Array, at: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  const put = (offset: number, v: number, n: number): void => {
    for (let i = n - 1; i >= 0; i--) {
      out[offset + i] = v & 0xff;
      v = Math.floor(v / 256);
    }
  };
  if (recordSize === 24) {
    put(at, left, 3);
    put(at + 3, right, 3);
  } else if (recordSize === 32) {
    put(at, left, 4);
    put(at + 4, right, 4);
  } else {
    // 28 bits: the low 24 bits of each record on the outside, their high nibbles share the middle byte.
    put(at, left & 0xffffff, 3);
    out[at + 3] = ((left >>> 24) << 4) | (right >>> 24);
    put(at + 4, right & 0xffffff, 3);
  }
}
