import { InputError, errorMessage } from '../errors.js';
import { hasFeature } from '../host.js';
import { PluginLoader } from '../plugin/loader.js';
import { addPluginEntry, type LoadedConfig } from './load.js';

/**
 * Turns the `observe` section into the live capture plugin it stands for: `tcx`, `af_packet`, or
 * for `auto` tcx where the kernel has it and af_packet elsewhere. The entry is validated like any
 * other; a backend that is not installed is an error naming `observe.mode`, never silently skipped.
 */
export async function expandObserve(
  loaded: LoadedConfig,
  loader: PluginLoader = new PluginLoader(),
): Promise<void> {
  const observe = loaded.config.observe;
  if (observe === undefined) return;
  const candidates =
    observe.mode === 'auto' ? (hasFeature('tcx') ? ['tcx', 'af_packet'] : ['af_packet']) : [observe.mode];
  const reasons: string[] = [];
  for (const plugin of candidates) {
    try {
      await addPluginEntry(
        loaded,
        'capture',
        {
          plugin,
          name: `observe-${plugin}`,
          interfaces: observe.interfaces,
          egress_interfaces: observe.egress_interfaces,
        },
        loader,
      );
      return;
    } catch (error) {
      if (error instanceof InputError) throw error;
      reasons.push(`${plugin}: ${errorMessage(error)}`);
    }
  }
  const where = loaded.file ?? 'config';
  throw new InputError(
    `${where}: observe.mode: ${observe.mode} needs a live capture plugin this build cannot load (${reasons.join('; ')}); remove "observe" and use a capture plugin such as pcap`,
  );
}
