import { readFile } from 'node:fs/promises';
import { ExitCode, InputError, errorMessage } from '@glia/core';
import { diffGraphs, diffText, parseGraph, type ServiceGraph } from '@glia/service-graph';
import { reportError } from '../exit.js';

/**
 * `glia graph diff A B`: the edges added and removed from graph A to graph B, and those B blocks
 * (drops or would-drops) that A did not. Exit 0 whether or not they differ.
 */
export async function graphDiffCommand(
  a: string,
  b: string,
  options: { format: 'text' | 'json' },
): Promise<number> {
  let before: ServiceGraph;
  let after: ServiceGraph;
  try {
    [before, after] = await Promise.all([readGraph(a), readGraph(b)]);
  } catch (error) {
    return reportError(error);
  }
  const diff = diffGraphs(before, after);
  process.stdout.write(options.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : diffText(diff));
  return ExitCode.ok;
}

async function readGraph(file: string): Promise<ServiceGraph> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${errorMessage(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON: ${errorMessage(error)}`);
  }
  return parseGraph(value, file);
}
