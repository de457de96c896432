import { ExitCode, loadConfigFile } from '@glia/core';
import { compileRules, fieldsForEnrichers, Scheme } from '@glia/rules';
import { reportError } from '../exit.js';
import { locatedRules, rulesError } from '../policy.js';

/**
 * `glia config check FILE`: every problem with its path and line, the rules (inline or the rules
 * file named) compiled against the fields of the enrichers the config enables; exit 2 on any.
 */
export async function configCheckCommand(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file);
    const configured = await locatedRules(loaded);
    if (configured.problems.length > 0) throw rulesError(file, configured.problems);
    const enrichers = loaded.plugins.filter((p) => p.kind === 'enricher').map((p) => p.factory.type);
    const compiled = compileRules(
      configured.rules,
      new Scheme(fieldsForEnrichers(enrichers)),
      configured.rulesFile ?? file,
      configured.settings,
    );
    if (compiled.problems.length > 0) throw rulesError(file, compiled.problems);
    const names = loaded.plugins.map((p) => `${p.kind} ${p.name}`).join(', ');
    const rules = configured.rules.length;
    process.stdout.write(
      `${file}: ok (${loaded.plugins.length} plugins${names ? `: ${names}` : ''}; ${rules} rules)\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}
