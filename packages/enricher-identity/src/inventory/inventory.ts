import { parseCidr, parseYamlDocument, yamlToValues, type Cidr } from '@glia/core';
import { isMap, isSeq, LineCounter, type Node } from 'yaml';
import { readIdentityRecord, type IdentityRecord } from '../record/identity-record.js';
import { networkText } from './network-text.js';
import { findOverlaps } from './overlaps.js';

/** One workload (or host, or network of hosts) of an inventory. */
export interface InventoryEntry {
  network: Cidr;
  /** Canonical text: an address for a /32 or /128, else address/prefix. */
  key: string;
  record: IdentityRecord;
  /** 1-based line of the entry in its file, when read from one. */
  line?: number;
}

export interface InventoryProblem {
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

export function formatInventoryProblem(p: InventoryProblem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  return where === '' ? p.message : `${where}: ${p.message}`;
}

const ADDRESS_KEYS: ReadonlySet<string> = new Set(['ip', 'cidr']);

/**
 * Reads an inventory: a YAML (or JSON) list of `{ip or cidr, namespace, workload, app, labels,
 * internet_exposed, control_plane}`, the plain form hosts without Kubernetes are described in.
 * Every problem is reported with its line and column; networks must not overlap.
 */
export function parseInventory(
  text: string,
  file?: string,
): { entries: InventoryEntry[]; problems: InventoryProblem[] } {
  const lines = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: InventoryProblem[] = [];
  const at = (node: Node | null | undefined, message: string): void => {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? undefined : lines.linePos(offset);
    problems.push({ file, ...(pos === undefined ? {} : { line: pos.line, column: pos.col }), message });
  };
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] });
  }
  if (problems.length > 0) return { entries: [], problems };
  const root = doc.contents as Node | null;
  if (root === null) return { entries: [], problems };
  if (!isSeq(root)) {
    at(root, 'expected a list of entries ({ip or cidr, namespace, workload, ...})');
    return { entries: [], problems };
  }
  // Plain values through the alias limit (an alias bomb is bad input, not a hang).
  const plain = yamlToValues(doc);
  if ('problem' in plain) {
    at(root, plain.problem);
    return { entries: [], problems };
  }
  const values = plain.value as unknown[];
  const entries: InventoryEntry[] = [];
  const seen = new Map<string, number>();
  root.items.forEach((item, index) => {
    const node = item as Node;
    if (!isMap(node)) return at(node, `entry ${index + 1}: expected a mapping`);
    const value = values[index] as Record<string, unknown>;
    const { ip, cidr, ...rest } = value;
    const addressKeys = Object.keys(value).filter((k) => ADDRESS_KEYS.has(k));
    if (addressKeys.length !== 1) return at(node, `entry ${index + 1}: give exactly one of "ip" or "cidr"`);
    const address = ip ?? cidr;
    if (typeof address !== 'string')
      return at(node, `entry ${index + 1}: "${addressKeys[0]}" must be a string`);
    const network = parseCidr(address);
    if (network === null || (ip !== undefined && address.includes('/')))
      return at(
        node,
        `entry ${index + 1}: ${JSON.stringify(address)} is not ${ip !== undefined ? 'an IP address' : 'a CIDR'}`,
      );
    const key = networkText(network);
    if (cidr !== undefined && networkText(network) !== canonicalInput(address))
      return at(node, `entry ${index + 1}: ${address} has host bits set; the network is ${key}`);
    const read = readIdentityRecord(rest);
    if ('problem' in read) return at(node, `entry ${index + 1}: ${read.problem}`);
    const line = lines.linePos(node.range?.[0] ?? 0).line;
    const previous = seen.get(key);
    if (previous !== undefined)
      return at(node, `entry ${index + 1}: ${key} is already listed at line ${previous}`);
    seen.set(key, line);
    entries.push({ network, key, record: read.record, line });
  });
  for (const [outer, inner] of findOverlaps(entries)) {
    problems.push({
      file,
      line: inner.line,
      message: `${inner.key} overlaps ${outer.key} (line ${outer.line}): every address must belong to one entry`,
    });
  }
  return { entries: problems.length > 0 ? [] : entries, problems };
}

/** An input network in canonical form, to tell "10.0.0.0/24" from "10.0.0.5/24". */
function canonicalInput(text: string): string {
  const slash = text.indexOf('/');
  const network = parseCidr(text.slice(0, slash < 0 ? text.length : slash));
  if (network === null) return text;
  const prefix = slash < 0 ? network.prefix : Number(text.slice(slash + 1));
  return networkText({ ...network, prefix });
}
