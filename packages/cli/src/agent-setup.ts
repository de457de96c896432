import {
  createAgent,
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
