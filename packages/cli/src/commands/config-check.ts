import { ExitCode, loadConfigFile } from '@glia/core';
import { reportError } from '../exit.js';

/** `glia config check FILE`: every problem with its path and line; exit 2 when there is any. */
export async function configCheckCommand(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file);
    const names = loaded.plugins.map((p) => `${p.kind} ${p.name}`).join(', ');
    process.stdout.write(`${file}: ok (${loaded.plugins.length} plugins${names ? `: ${names}` : ''})\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}
