/**
 * `${NAME}` and `${NAME:-default}` substitution in config values. `$${` is a literal `${`.
 * Substitution happens per string value after parsing, so it can never inject YAML syntax, and a
 * value that is exactly one reference is re-read as a scalar (`${PORT}` can become an integer).
 */

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Substitution {
  value: string;
  /** True when the whole input was one reference (so the result may be re-typed). */
  whole: boolean;
  problems: string[];
}

export function substituteEnv(text: string, env: Environment): Substitution {
  const problems: string[] = [];
  let references = 0;
  let wholeMatch = false;
  const value = text.replace(REFERENCE, (match: string, name?: string, fallback?: string) => {
    if (match === '$${') return '${';
    references++;
    if (name === undefined) {
      problems.push(
        `bad variable reference ${JSON.stringify(match)} (expected \${NAME} or \${NAME:-default})`,
      );
      return match;
    }
    if (match === text) wholeMatch = true;
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    problems.push(`environment variable ${name} is not set (give a default with \${${name}:-value})`);
    return '';
  });
  return { value, whole: wholeMatch && references === 1, problems };
}
