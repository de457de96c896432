// The rule language
export { compileExpression, type CompiledExpression, type CompileOptions } from './lang/compile.js';
export { parseExpression } from './lang/parser.js';
export { tokenize } from './lang/lexer.js';
export type { Token } from './lang/token.js';
export {
  FUNCTIONS,
  type Expr,
  type ValueNode,
  type IndexStep,
  type Literal,
  type ComparisonOp,
} from './lang/ast.js';
export { MAX_NESTING_DEPTH, MAX_COMPARISONS, MAX_EXPRESSION_LENGTH } from './lang/limits.js';
export { Scheme, typeName, type TypedField, type UnknownFieldExplainer } from './lang/scheme.js';
export { RuleSyntaxError, positionAt, type SourcePosition } from './lang/source-error.js';
export type { FieldGetter } from './lang/typed-value.js';

// Rules and rule files
export {
  RuleSet,
  type CompiledRule,
  type RuleDecision,
  type RuleSetOptions,
  type BoundRuleSet,
} from './ruleset/rule-set.js';
export { compileRules, type RuleSetSettings } from './ruleset/compile-rules.js';
export { parseRuleFile, loadRuleFile, type ParsedRuleFile } from './ruleset/rule-file.js';
export type { LocatedRule } from './ruleset/rule-entries.js';
export type { FilePosition } from './ruleset/yaml-source.js';
export { formatProblem, type RuleProblem } from './ruleset/problem.js';
export { checkRulesFile, checkRulesText } from './ruleset/check.js';
export { loadConfiguredRules } from './ruleset/configured-rules.js';

// The policy stage
export {
  PolicyStage,
  type PolicyStageOptions,
  type PolicyCounters,
  type ReloadResult,
  type RuleSource,
} from './policy/policy-stage.js';
export { VerdictDedup, VERDICT_WINDOW_NS, DEFAULT_DEDUP_CAPACITY } from './policy/verdict-dedup.js';
export { RulesFileWatcher, type RulesFileWatcherOptions } from './policy/rules-file-watcher.js';
export {
  reloadParsedRules,
  reloadRulesText,
  type ReloadOutcome,
  type Reloadable,
} from './policy/rules-reload.js';

// `glia test`
export {
  runRuleTests,
  runRuleTestsText,
  formatRuleTestReport,
  type RuleTestOptions,
  type RuleTestReport,
  type RuleTestCaseResult,
  type ActualVerdict,
} from './testing/run-rule-tests.js';
export type {
  ExpectedVerdict,
  FieldsTestCase,
  CaptureTestCase,
  RuleTestFile,
} from './testing/rule-test-file.js';
