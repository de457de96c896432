/**
 * The seed and run count for one fast-check property, spread into `fc.assert(property, {...})`.
 * The seed is fixed per property (a hash of its name) so that a run, and a mutation run, is
 * reproducible; GLIA_PROPERTY_SEED sets one seed for every property, or "random" draws a new one
 * each run to explore. The seed is printed either way, with the line that reproduces it.
 * (fast-check itself stays out of @glia/core: plugin authors' kits do not need it.)
 */
export function propertyRuns(
  name: string,
  numRuns = 200,
  env: NodeJS.ProcessEnv = process.env,
  log: (message: string) => void = console.log,
): { seed: number; numRuns: number } {
  const wanted = env.GLIA_PROPERTY_SEED?.trim();
  let seed: number;
  if (wanted === 'random') seed = (Math.random() * 0x7fffffff) | 0;
  else if (wanted !== undefined && /^-?\d+$/.test(wanted)) seed = Number(wanted) | 0;
  else seed = nameHash(name);
  log(`property "${name}": seed ${seed}, ${numRuns} runs (GLIA_PROPERTY_SEED=${seed} reproduces)`);
  return { seed, numRuns };
}

/** FNV-1a of the name, as a positive 31-bit number. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}
