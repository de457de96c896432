/** One thing wrong with a rule or rule file: where (file:line:column), which rule, what. */
export interface RuleProblem {
  file?: string;
  line?: number;
  column?: number;
  ruleId?: string;
  message: string;
}

/** `rules.yaml:3:17: rule "no-evil": expected a value after "eq", found end of input` */
export function formatProblem(problem: RuleProblem): string {
  let where = problem.file ?? '';
  if (problem.line !== undefined) where += `${where === '' ? '' : ':'}${problem.line}:${problem.column ?? 1}`;
  const rule = problem.ruleId === undefined ? '' : `rule ${JSON.stringify(problem.ruleId)}: `;
  return `${where === '' ? '' : `${where}: `}${rule}${problem.message}`;
}
