import { resolve } from 'node:path';
import {
  addPluginEntry,
  createAgent,
  expandObserve,
  createLogger,
  loadConfigFile,
  loadConfigText,
  PacketClock,
  WallClock,
  type Agent,
  type LoadedConfig,
  type Logger,
} from '@glia/core';
import { DEFAULT_CONFIG } from './default-config.js';

/** The config named with -c, or the embedded default. */
export async function loadConfig(file: string | undefined): Promise<LoadedConfig> {
  if (file !== undefined) return loadConfigFile(file);
  return loadConfigText(DEFAULT_CONFIG, { file: '(embedded default config)', baseDir: process.cwd() });
}

/** The config with its `observe` section turned into the live capture plugin it names. */
export async function loadRunConfig(file: string | undefined): Promise<LoadedConfig> {
  const loaded = await loadConfig(file);
  await expandObserve(loaded);
  return loaded;
}

/** Replays follow packet time; anything with a live capture follows the wall clock. */
export function isReplayOnly(loaded: LoadedConfig): boolean {
  const captures = loaded.plugins.filter((p) => p.section === 'capture');
  return (
    captures.length > 0 &&
    captures.every((p) => p.factory.type === 'pcap') &&
    loaded.config.observe === undefined
  );
}

export function buildAgent(loaded: LoadedConfig, logger?: Logger): Agent {
  const clock = isReplayOnly(loaded) ? new PacketClock() : new WallClock();
  return createAgent(loaded, logger === undefined ? { clock } : { clock, logger });
}

export { createLogger };

/**
 * Puts replays of the given files (relative to the working directory, as on a command line) in
 * place of every configured capture; live observation is off.
 */
export async function replayInstead(
  loaded: LoadedConfig,
  files: readonly string[],
  speed = 0,
): Promise<void> {
  loaded.plugins = loaded.plugins.filter((p) => p.section !== 'capture');
  loaded.config.capture = [];
  delete loaded.config.observe;
  await addPluginEntry(loaded, 'capture', { plugin: 'pcap', file: files.map((f) => resolve(f)), speed });
}
