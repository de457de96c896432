import { edgeLineText, type EdgeLine } from './policy-edges.js';

/** An endpoint as the declared edges see it: its namespace and workload (`host/<ip>` when unknown). */
export interface EdgeEndpoint {
  namespace: string;
  workload: string;
}

export interface EdgeDecision {
  declared: boolean;
  violation: boolean;
}

const ANY = '*/*';

/**
 * The declared edges as an index: destination pattern → source pattern → ports. Deciding an edge
 * tries the three patterns of each side (ns/wl, ns/*, *\/*) with the port and `*`: at most 18
 * hash lookups whatever the number of lines. Lines are counted by their canonical text, so a
 * delta adds and removes exactly what the file would.
 */
export class DeclaredEdges {
  private readonly lines = new Set<string>();
  private readonly allowed = new Map<string, Map<string, Set<number | '*'>>>();
  private readonly governedDst = new Set<string>();
  private readonly governedSrc = new Set<string>();

  constructor(lines: readonly EdgeLine[] = []) {
    for (const line of lines) this.add(line);
  }

  get size(): number {
    return this.lines.size;
  }

  /** Adds a line; false when it was there already. */
  add(line: EdgeLine): boolean {
    const text = edgeLineText(line);
    if (this.lines.has(text)) return false;
    this.lines.add(text);
    if (line.kind === 'G') this.governedDst.add(line.dst);
    else if (line.kind === 'S') this.governedSrc.add(line.src);
    else {
      let bySrc = this.allowed.get(line.dst);
      if (bySrc === undefined) this.allowed.set(line.dst, (bySrc = new Map()));
      let ports = bySrc.get(line.src);
      if (ports === undefined) bySrc.set(line.src, (ports = new Set()));
      ports.add(line.port);
    }
    return true;
  }

  /** Removes a line; false when it was not there. */
  remove(line: EdgeLine): boolean {
    if (!this.lines.delete(edgeLineText(line))) return false;
    if (line.kind === 'G') this.governedDst.delete(line.dst);
    else if (line.kind === 'S') this.governedSrc.delete(line.src);
    else {
      const bySrc = this.allowed.get(line.dst);
      const ports = bySrc?.get(line.src);
      ports?.delete(line.port);
      if (ports?.size === 0) bySrc?.delete(line.src);
      if (bySrc?.size === 0) this.allowed.delete(line.dst);
    }
    return true;
  }

  /** The canonical lines, sorted (the file form). */
  text(): string[] {
    return [...this.lines].sort();
  }

  /** edge.declared and edge.policy_violation of src → dst:port (DESIGN §7). */
  decide(src: EdgeEndpoint, dst: EdgeEndpoint, port: number): EdgeDecision {
    const srcPatterns = patterns(src);
    const dstPatterns = patterns(dst);
    let declared = false;
    for (let d = 0; d < 3 && !declared; d++) {
      const bySrc = this.allowed.get(dstPatterns[d]);
      if (bySrc === undefined) continue;
      for (let s = 0; s < 3; s++) {
        const ports = bySrc.get(srcPatterns[s]);
        if (ports !== undefined && (ports.has(port) || ports.has('*'))) {
          declared = true;
          break;
        }
      }
    }
    if (declared) return { declared, violation: false };
    const governed =
      dstPatterns.some((p) => this.governedDst.has(p)) || srcPatterns.some((p) => this.governedSrc.has(p));
    return { declared, violation: governed };
  }
}

function patterns(e: EdgeEndpoint): [string, string, string] {
  return [`${e.namespace}/${e.workload}`, `${e.namespace}/*`, ANY];
}
