import { readFile, rename, writeFile } from 'node:fs/promises';
import { ExitCode, InputError, errorMessage } from '@glia/core';
import { buildIdentityMmdb, formatInventoryProblem, parseInventory } from '@glia/enricher-identity';
import { reportError } from '../exit.js';

/**
 * `glia identity build INVENTORY -o FILE`: the baseline MMDB of an inventory (a list of `{ip or
 * cidr, namespace, workload, app, labels, internet_exposed, control_plane}`), written beside its
 * destination and renamed into place, so an agent watching the file never reads half of it.
 */
export async function identityBuildCommand(inventory: string, options: { output: string }): Promise<number> {
  try {
    let text: string;
    try {
      text = await readFile(inventory, 'utf8');
    } catch (error) {
      throw new InputError(`${inventory}: cannot read the inventory: ${errorMessage(error)}`);
    }
    const { entries, problems } = parseInventory(text, inventory);
    if (problems.length > 0) {
      const lines = problems.map(formatInventoryProblem);
      throw new InputError(lines.join('\n'), lines);
    }
    const body = buildIdentityMmdb(entries);
    const temporary = `${options.output}.tmp-${process.pid}`;
    await writeFile(temporary, body);
    await rename(temporary, options.output);
    process.stdout.write(`${options.output}: ${entries.length} entries, ${body.length} bytes\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error);
  }
}
