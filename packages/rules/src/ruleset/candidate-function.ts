import { uniqueSource, type FieldReader } from '../lang/rule-set-function.js';
import type { IndexedPath } from './rule-index.js';

/** Writes into `words` the candidate rules of one observation. */
export type CandidateFunction<O> = (observation: O, words: Uint32Array) => void;

/**
 * The index lookups of a rule set as one function, each path read by its field's reader and
 * looked up at a call site of its own (one reader, one index class per site), as the rule-set
 * functions are generated (rule-set-function.ts): only indices become source text. Closures over
 * the same arrays where code generation is disabled.
 */
export function candidateFunction<O>(
  paths: readonly IndexedPath[],
  always: Uint32Array,
  readerOf: (name: string) => FieldReader<O> | undefined,
): CandidateFunction<O> {
  const readers = paths.map((p) => readerOf(p.read.name) ?? absent);
  const derivations = paths.map((p) => p.read.derive);
  const indexes = paths.map((p) => p.index);
  const start = always.length === 1 ? `  w[0] = A[0];` : `  w.set(A);`;
  const lines = paths.map((p, i) =>
    p.read.derive === null
      ? `  I[${i}].collect(R[${i}](o), w);`
      : `  I[${i}].collect(D[${i}](R[${i}](o)), w);`,
  );
  try {
    const make = new Function(
      'A',
      'R',
      'D',
      'I',
      uniqueSource(`return function candidates(o, w) {\n${start}\n${lines.join('\n')}\n};`),
    ) as (...args: unknown[]) => CandidateFunction<O>;
    return make(always, readers, derivations, indexes);
  } catch {
    return (o, w) => {
      w.set(always);
      for (let i = 0; i < indexes.length; i++) {
        const raw = readers[i](o);
        const derive = derivations[i];
        indexes[i].collect(derive === null ? raw : derive(raw), w);
      }
    };
  }
}

const absent = (): undefined => undefined;
