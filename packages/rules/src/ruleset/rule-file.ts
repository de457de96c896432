import { readFile } from 'node:fs/promises';
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { RuleProblem } from './problem.js';
import { readRuleEntries, type LocatedRule } from './rule-entries.js';
import { YamlSource } from './yaml-source.js';

export interface ParsedRuleFile {
  rules: LocatedRule[];
  problems: RuleProblem[];
  /** Rules left out for a problem of their shape that still have an expression to check. */
  flawed?: LocatedRule[];
}

/**
 * Parses a rule file: YAML or JSON, either a list of rules or `{rules: [...]}`. Problems carry
 * file:line:column; parsing goes on past a bad rule so every problem is reported at once.
 */
export function parseRuleFile(text: string, file?: string): ParsedRuleFile {
  const source = new YamlSource(text);
  const problems: RuleProblem[] = source.doc.errors.map((e) => ({
    file,
    ...source.positionOf(e.pos[0]),
    message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
  }));
  if (problems.length > 0) return { rules: [], problems };
  const root = source.doc.contents as Node | null;
  if (root === null)
    return {
      rules: [],
      problems: [{ file, line: 1, column: 1, message: 'the file is empty; expected a list of rules' }],
    };
  let list: Node | undefined = root;
  if (isMap(root)) {
    list = undefined;
    for (const pair of root.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === 'rules') list = pair.value as Node;
      else
        problems.push({
          file,
          ...source.nodePosition(pair.key as Node),
          message: `unknown key ${JSON.stringify(key)}; expected "rules"`,
        });
    }
    if (list === undefined) {
      problems.push({
        file,
        ...source.nodePosition(root),
        message: 'expected a list of rules or a mapping with "rules"',
      });
      return { rules: [], problems };
    }
  }
  const read = readRuleEntries(source, list, file);
  return { rules: read.rules, problems: [...problems, ...read.problems], flawed: read.flawed };
}

export async function loadRuleFile(path: string): Promise<ParsedRuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      rules: [],
      problems: [{ file: path, message: `cannot read the rule file: ${(error as Error).message}` }],
    };
  }
  return parseRuleFile(text, path);
}
