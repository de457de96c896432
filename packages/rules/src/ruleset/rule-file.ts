import { readFile } from 'node:fs/promises';
import { isMap, isScalar, type Node, type Pair } from 'yaml';
import type { RuleSetSettings } from './compile-rules.js';
import type { RuleProblem } from './problem.js';
import { readRuleEntries, type LocatedRule } from './rule-entries.js';
import { YamlSource } from './yaml-source.js';

export interface ParsedRuleFile {
  rules: LocatedRule[];
  problems: RuleProblem[];
  /** The file's rule-set options (`absent_not_equal`). */
  settings: RuleSetSettings;
  /** Rules left out for a problem of their shape that still have an expression to check. */
  flawed?: LocatedRule[];
}

/**
 * Parses a rule file: YAML or JSON, either a list of rules or `{rules: [...]}` with the rule-set
 * options (`absent_not_equal: true|false`). Problems carry file:line:column; parsing goes on past
 * a bad rule so every problem is reported at once.
 */
export function parseRuleFile(text: string, file?: string): ParsedRuleFile {
  const source = new YamlSource(text);
  const settings: RuleSetSettings = {};
  const problems: RuleProblem[] = source.doc.errors.map((e) => ({
    file,
    ...source.positionOf(e.pos[0]),
    message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
  }));
  if (problems.length > 0) return { rules: [], problems, settings };
  const root = source.doc.contents as Node | null;
  if (root === null)
    return {
      rules: [],
      problems: [{ file, line: 1, column: 1, message: 'the file is empty; expected a list of rules' }],
      settings,
    };
  let list: Node | undefined = root;
  if (isMap(root)) {
    list = undefined;
    for (const pair of root.items as Pair[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === 'rules') list = pair.value as Node;
      else if (key === 'absent_not_equal') {
        const value = isScalar(pair.value) ? pair.value.value : undefined;
        if (typeof value === 'boolean') settings.absentNotEqual = value;
        else
          problems.push({
            file,
            ...source.nodePosition(pair.value as Node),
            message: '"absent_not_equal" must be true or false',
          });
      } else
        problems.push({
          file,
          ...source.nodePosition(pair.key as Node),
          message: `unknown key ${JSON.stringify(key)}; expected "rules" or "absent_not_equal"`,
        });
    }
    if (list === undefined) {
      problems.push({
        file,
        ...source.nodePosition(root),
        message: 'expected a list of rules or a mapping with "rules"',
      });
      return { rules: [], problems, settings };
    }
  }
  const read = readRuleEntries(source, list, file);
  return { rules: read.rules, problems: [...problems, ...read.problems], settings, flawed: read.flawed };
}

export async function loadRuleFile(path: string): Promise<ParsedRuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      rules: [],
      problems: [{ file: path, message: `cannot read the rule file: ${(error as Error).message}` }],
      settings: {},
    };
  }
  return parseRuleFile(text, path);
}
