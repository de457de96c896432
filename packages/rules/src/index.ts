export { compileExpression, type CompiledExpression } from './lang/compile.js';
export { parseExpression } from './lang/parser.js';
export type { Expr, FieldNode, CallNode, ValueNode, Literal, ComparisonOp } from './lang/ast.js';
export { Scheme, typeName, type TypedField } from './lang/scheme.js';
export { RuleSyntaxError, positionAt, type SourcePosition } from './lang/source-error.js';
export type { FieldGetter } from './lang/typed-value.js';
export { DESIGN_FIELDS, type FieldSpec } from './fields/design-fields.js';
export { providerOf } from './fields/field-providers.js';
