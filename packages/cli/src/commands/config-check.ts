import { ExitCode, InputError, errorMessage, loadConfigFile, type LoadedConfig } from '@glia/core';
import { compileRules, formatProblem } from '@glia/rules';
import { reportError } from '../exit.js';
import { schemeForConfig } from '../fields.js';
import { locatedRules } from '../policy.js';

/**
 * `glia config check FILE`: every problem with its path and line — the config's own, what each
 * plugin finds about what its entry names (a capture file that does not exist), and the rules
 * (inline or the rules file named) compiled against the fields the config's enrichers declare;
 * exit 2 on any.
 */
export async function configCheckCommand(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file);
    const problems = await pluginProblems(loaded);
    const configured = await locatedRules(loaded);
    problems.push(...configured.problems.map(formatProblem));
    if (configured.problems.length === 0) {
      const compiled = compileRules(
        configured.rules,
        await schemeForConfig(loaded),
        configured.rulesFile ?? file,
        configured.settings,
      );
      problems.push(...compiled.problems.map(formatProblem));
    }
    if (problems.length > 0) {
      const noun = problems.length === 1 ? 'problem' : 'problems';
      throw new InputError(`${file}: ${problems.length} ${noun}:\n  ${problems.join('\n  ')}`, problems);
    }
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

/** What each plugin's own check finds about its entry, located at the entry. */
async function pluginProblems(loaded: LoadedConfig): Promise<string[]> {
  const out: string[] = [];
  for (const p of loaded.plugins) {
    if (p.factory.checkConfig === undefined) continue;
    const at = `${loaded.where([p.section, p.index])}: ${p.section}[${p.index}] (${p.name})`;
    try {
      for (const problem of await p.factory.checkConfig(p.config, loaded.baseDir))
        out.push(`${at}: ${problem}`);
    } catch (error) {
      out.push(`${at}: its check failed: ${errorMessage(error)}`);
    }
  }
  return out;
}
