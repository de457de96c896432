import type { RuleEntry } from '@glia/core';
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { RuleProblem } from './problem.js';
import type { FilePosition, YamlSource } from './yaml-source.js';

/** A rule entry read from a file, with what is needed to point into the file. */
export interface LocatedRule {
  entry: RuleEntry;
  /** Where the rule starts. */
  position?: FilePosition;
  /** File position of character `index` of the expression. */
  expressionPosition?: (index: number) => FilePosition | undefined;
}

const ACTIONS: ReadonlySet<string> = new Set(['drop', 'block', 'log', 'allow']);
const KEYS: ReadonlySet<string> = new Set([
  'id',
  'expression',
  'action',
  'source',
  'description',
  'ttl',
  'enforce',
]);

/**
 * Reads the rule entries of a sequence node. Every problem is collected (a bad rule does not hide
 * the next one); rules with a problem in their shape are left out of `rules`, and those of them
 * that have an expression are listed in `flawed`, so a check can report that expression's
 * problems too.
 */
export function readRuleEntries(
  source: YamlSource,
  node: Node,
  file: string | undefined,
): { rules: LocatedRule[]; problems: RuleProblem[]; flawed: LocatedRule[] } {
  const problems: RuleProblem[] = [];
  const rules: LocatedRule[] = [];
  const flawed: LocatedRule[] = [];
  const at = (n: Node | null | undefined, message: string, ruleId?: string): void => {
    problems.push({ file, ...source.nodePosition(n), ...(ruleId === undefined ? {} : { ruleId }), message });
  };
  if (!isSeq(node)) {
    at(node, 'expected a list of rules');
    return { rules, problems, flawed };
  }
  node.items.forEach((item, index) => {
    const itemNode = item as Node;
    if (!isMap(itemNode)) {
      at(itemNode, `rules[${index}]: expected a rule: a mapping with id, expression and action`);
      return;
    }
    const pairs = itemNode.items as Pair[];
    const value = (key: string): Node | undefined =>
      pairs.find((p) => keyOf(p) === key)?.value as Node | undefined;
    const idNode = value('id');
    const id =
      isScalar(idNode) && typeof idNode.value === 'string' && idNode.value !== '' ? idNode.value : undefined;
    const before = problems.length;
    if (id === undefined) at(idNode ?? itemNode, `rules[${index}]: "id" must be a non-empty string`);
    for (const pair of pairs) {
      const key = keyOf(pair);
      if (key === undefined || !KEYS.has(key)) {
        at(pair.key as Node, `unknown key ${JSON.stringify(key)}; a rule has ${[...KEYS].join(', ')}`, id);
      }
    }
    const str = (key: string, required: boolean): string | undefined => {
      const n = value(key);
      if (n === undefined) {
        if (required) at(itemNode, `"${key}" is missing`, id);
        return undefined;
      }
      if (!isScalar(n) || typeof n.value !== 'string' || (required && n.value.trim() === '')) {
        at(n, `"${key}" must be a ${required ? 'non-empty ' : ''}string`, id);
        return undefined;
      }
      return n.value;
    };
    const expression = str('expression', true);
    const action = str('action', true);
    if (action !== undefined && !ACTIONS.has(action))
      at(value('action'), `action ${JSON.stringify(action)} is not one of drop, block, log, allow`, id);
    const ruleSource = str('source', false);
    const description = str('description', false);
    const ttlNode = value('ttl');
    const ttl = isScalar(ttlNode) ? ttlNode.value : undefined;
    if (ttlNode !== undefined && !(typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 1)) {
      at(ttlNode, '"ttl" must be a whole number of seconds, at least 1', id);
    }
    const enforceNode = value('enforce');
    const enforce = isScalar(enforceNode) ? enforceNode.value : undefined;
    if (enforceNode !== undefined && typeof enforce !== 'boolean')
      at(enforceNode, '"enforce" must be true or false', id);
    const expressionNode = value('expression') as Scalar;
    const located = (entry: RuleEntry): LocatedRule => ({
      entry,
      position: source.nodePosition(itemNode),
      expressionPosition: (i) => source.scalarCharPosition(expressionNode, i),
    });
    if (problems.length > before || id === undefined || expression === undefined || action === undefined) {
      if (expression !== undefined) flawed.push(located({ id: id ?? '', expression, action: 'log' }));
      return;
    }
    const entry: RuleEntry = { id, expression, action: action as RuleEntry['action'] };
    if (ruleSource !== undefined) entry.source = ruleSource;
    if (description !== undefined) entry.description = description;
    if (typeof ttl === 'number') entry.ttl = ttl;
    if (typeof enforce === 'boolean') entry.enforce = enforce;
    rules.push(located(entry));
  });
  return { rules, problems, flawed };
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}
