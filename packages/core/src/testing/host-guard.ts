/**
 * Whether an environment flag is on. CI systems set CI to "true" (GitHub, GitLab) or "1" (others):
 * any value but empty, "0", "false" or "no" counts, so a test that must not skip under CI does not
 * skip because a runner spelled the flag differently.
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[name]?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false' && value !== 'no';
}

/** Whether this run is under CI, where tests that need fixtures, tools or host features must not skip. */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return envFlag('CI', env);
}

/**
 * The guard every host-dependent test goes through: returns `present`; when it is false, warns
 * loudly that the tests needing `what` are skipped, or throws under CI (`.ci/run` must provide it).
 */
export function hostHas(
  present: boolean,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = console.warn,
): boolean {
  if (present) return true;
  if (underCi(env))
    throw new Error(`${what} is missing; CI must provide it (tests that need it may not skip)`);
  warn(`SKIPPING tests that need ${what}: not available on this host`);
  return false;
}
