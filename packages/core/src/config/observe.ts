import { InputError, errorMessage } from '../errors.js';
import { missingFeatures } from '../host.js';
import type { AnyPluginFactory } from '../plugin/api.js';
import { PluginLoader } from '../plugin/loader.js';
import { addPluginEntry, type LoadedConfig } from './load.js';

/** One rung of the `observe.mode: auto` ladder: a live capture plugin and the config it needs there. */
export interface ObserveRung {
  rung: 'tcx' | 'tc' | 'af_packet';
  plugin: string;
  config: Record<string, unknown>;
}

/**
 * Best first: tcx links (kernel 6.6+), the same eBPF observer as a legacy clsact filter, then
 * AF_PACKET, which needs no eBPF at all.
 */
export const OBSERVE_LADDER: readonly ObserveRung[] = [
  { rung: 'tcx', plugin: 'tcx', config: { legacy_tc: false } },
  { rung: 'tc', plugin: 'tcx', config: { legacy_tc: true } },
  { rung: 'af_packet', plugin: 'af_packet', config: {} },
];

export interface RungOutcome {
  rung: ObserveRung['rung'];
  plugin: string;
  /** chosen: this rung runs; refused: it cannot run here (reason); untried: a better rung was chosen. */
  outcome: 'chosen' | 'refused' | 'untried';
  reason?: string;
}

/** What `observe` became: for health, metrics, `glia status` and `glia doctor`. */
export interface ObserveChoice {
  mode: 'auto' | 'tcx' | 'af_packet';
  /** The rung that runs, or null when none can. */
  chosen: ObserveRung['rung'] | null;
  /** The capture plugin instance name it runs as. */
  instance: string | null;
  rungs: RungOutcome[];
}

/** Whether a rung can run on this host: its plugin loads, the host has what it requires, its probe agrees. */
export async function probeRung(
  rung: ObserveRung,
  loader: PluginLoader,
  baseDir: string,
): Promise<{ ok: true; factory: AnyPluginFactory } | { ok: false; reason: string }> {
  let factory: AnyPluginFactory;
  try {
    factory = await loader.load('capture', rung.plugin, baseDir);
  } catch (error) {
    // "… imported from /path/loader.js" says where Node looked from, not what is missing.
    const why = errorMessage(error).replace(/ imported from \S+/g, '');
    return { ok: false, reason: `plugin ${rung.plugin} is not installed: ${why}` };
  }
  const missing = missingFeatures(factory.requires);
  if (missing.length > 0) return { ok: false, reason: `host lacks: ${missing.join(', ')}` };
  if (factory.probe !== undefined) {
    try {
      const result = await factory.probe(rung.config);
      if (!result.ok) return { ok: false, reason: result.reason ?? 'its probe refused' };
    } catch (error) {
      return { ok: false, reason: `its probe failed: ${errorMessage(error)}` };
    }
  }
  return { ok: true, factory };
}

/**
 * Turns the `observe` section into the live capture plugin it stands for. `tcx` and `af_packet` add
 * that plugin as configured (a host that cannot run it shows it failed, with the reason). `auto`
 * walks OBSERVE_LADDER and adds the first rung whose probe succeeds, recording why each better one
 * was refused. The choice is kept on `loaded.observe`; no rung at all is an error naming
 * `observe.mode`.
 */
export async function expandObserve(
  loaded: LoadedConfig,
  loader: PluginLoader = new PluginLoader(),
  ladder: readonly ObserveRung[] = OBSERVE_LADDER,
): Promise<ObserveChoice | null> {
  const observe = loaded.config.observe;
  if (observe === undefined) return null;
  const where = loaded.file ?? 'config';
  const base = { interfaces: observe.interfaces, egress_interfaces: observe.egress_interfaces };
  const add = async (rung: ObserveRung): Promise<string> => {
    const name = `observe-${rung.rung}`;
    await addPluginEntry(loaded, 'capture', { plugin: rung.plugin, name, ...base, ...rung.config }, loader);
    return name;
  };

  if (observe.mode !== 'auto') {
    const rung = ladder.find((r) => r.rung === observe.mode);
    if (rung === undefined)
      throw new InputError(`${where}: observe.mode: ${observe.mode} is not a rung of this build`);
    try {
      const instance = await add(rung);
      return (loaded.observe = {
        mode: observe.mode,
        chosen: rung.rung,
        instance,
        rungs: [{ rung: rung.rung, plugin: rung.plugin, outcome: 'chosen' }],
      });
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(
        `${where}: observe.mode: ${observe.mode} needs the ${rung.plugin} capture plugin, which this build cannot load (${errorMessage(error)})`,
      );
    }
  }

  const rungs: RungOutcome[] = [];
  let chosen: ObserveRung | null = null;
  let instance: string | null = null;
  for (const rung of ladder) {
    if (chosen !== null) {
      rungs.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'untried' });
      continue;
    }
    const probe = await probeRung(rung, loader, loaded.baseDir);
    if (!probe.ok) {
      rungs.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'refused', reason: probe.reason });
      continue;
    }
    try {
      instance = await add(rung);
    } catch (error) {
      // A rung whose config its plugin's schema rejects (an older plugin) is refused here.
      rungs.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'refused', reason: errorMessage(error) });
      continue;
    }
    chosen = rung;
    rungs.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'chosen' });
  }
  const choice: ObserveChoice = { mode: 'auto', chosen: chosen?.rung ?? null, instance, rungs };
  loaded.observe = choice;
  if (chosen === null) {
    throw new InputError(
      `${where}: observe.mode: auto found no live capture backend this host can run (${describeRefusals(choice)}); remove "observe" and use a capture plugin such as pcap`,
    );
  }
  return choice;
}

/** "tcx: host lacks: bpf; tc: ...": why the rungs that were tried were refused. */
export function describeRefusals(choice: ObserveChoice): string {
  return choice.rungs
    .filter((r) => r.outcome === 'refused')
    .map((r) => `${r.rung}: ${r.reason ?? 'refused'}`)
    .join('; ');
}

/** One line for the log and `glia status`: the rung chosen and why the better ones were refused. */
export function describeChoice(choice: ObserveChoice): string {
  const refused = describeRefusals(choice);
  const head =
    choice.chosen === null
      ? `observe.mode ${choice.mode}: no backend`
      : `observe backend ${choice.chosen} (mode ${choice.mode})`;
  return refused === '' ? head : `${head}; refused: ${refused}`;
}
