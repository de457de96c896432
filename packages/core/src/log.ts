import { createRequire } from 'node:module';
import type * as Pino from 'pino';
import type { Logger as PinoLogger, LevelWithSilent } from 'pino';
import type pretty from 'pino-pretty';

// pino loads when the first logger is made, not with @glia/core; pino-pretty (and its
// dependencies) only when a terminal asks for pretty logs.
const require = createRequire(import.meta.url);
const loadPino = (): typeof Pino.pino => (require('pino') as typeof Pino).pino;

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable output; defaults to whether stderr is a terminal. */
  pretty?: boolean;
  /** File descriptor to write to; logs go to stderr so stdout stays free for data. */
  fd?: number;
}

/** JSON logs (pino), pretty-printed on a TTY. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 2;
  const level = options.level ?? 'info';
  const usePretty = options.pretty ?? (fd === 2 ? process.stderr.isTTY : process.stdout.isTTY) === true;
  if (usePretty) {
    const prettyStream = require('pino-pretty') as typeof pretty;
    return loadPino()({ level }, prettyStream({ destination: fd, sync: true, colorize: true }));
  }
  const pino = loadPino();
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd, sync: true }));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return loadPino()({ level: 'silent' });
}
