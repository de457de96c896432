import type { Document, LineCounter, Node, Pair } from 'yaml';
import { yaml } from './yaml-module.js';

export type ConfigPath = ReadonlyArray<string | number>;

/** `sinks[1].interval` from ['sinks', 1, 'interval']. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** Finds where a path is in the YAML source, for error messages: the key itself if asked. */
export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** line:column of the node at path, or of its nearest existing ancestor. */
  locate(path: ConfigPath, keyOf?: string): { line: number; col: number } | null {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node === undefined || node === null) continue;
      if (depth === path.length && keyOf !== undefined && yaml().isMap(node)) {
        const pair = (node.items as Pair[]).find((p) => keyText(p) === keyOf);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return this.position(keyNode.range[0]);
      }
      if (
        depth === path.length &&
        yaml().isSeq(node) === false &&
        yaml().isMap(node) === false &&
        node.range
      ) {
        return this.position(node.range[0]);
      }
      if (node.range) return this.position(node.range[0]);
    }
    return null;
  }

  private position(offset: number): { line: number; col: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key as { value?: unknown } | null;
  return key !== null && typeof key === 'object' && 'value' in key ? String(key.value) : undefined;
}
