import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Direction, JsonSchema } from '@glia/core';
import { checkCaptureHeader } from '@glia/packet';

export interface PcapConfig {
  /** A capture file, a list of them, or a directory (its *.pcap, *.pcapng and *.gz files, sorted). */
  file: string | string[];
  /** 0: as fast as possible; 1: the recorded pace; 2: twice as fast ... */
  speed?: number;
  /** Interface name on every event (default: the pcapng interface name, else "pcap0"). */
  iface?: string;
  dir?: Direction;
}

export const pcapConfigSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['file'],
  properties: {
    file: {
      description:
        'A capture file (pcap, pcapng, optionally gzipped), a list of files, or a directory of them',
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
    },
    speed: {
      description: '0 replays as fast as possible; 1 at the recorded pace; 2 twice as fast',
      type: 'number',
      minimum: 0,
      default: 0,
    },
    iface: {
      description: 'Interface name events carry (default: pcapng if_name, else pcap0)',
      type: 'string',
      minLength: 1,
    },
    dir: { enum: ['ingress', 'egress'], default: 'ingress' },
  },
};

const CAPTURE_NAME = /\.(pcap|pcapng|gz)$/i;

/**
 * The capture files a config names, relative paths resolved against baseDir, directories expanded.
 * Rejects with a message naming the path when one does not exist.
 */
export async function resolveCaptureFiles(file: string | string[], baseDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of Array.isArray(file) ? file : [file]) {
    const path = isAbsolute(entry) ? entry : resolve(baseDir, entry);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new Error(`capture file ${path} does not exist or cannot be read`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => CAPTURE_NAME.test(n)).sort();
      if (names.length === 0) throw new Error(`directory ${path} holds no *.pcap, *.pcapng or *.gz files`);
      for (const n of names) out.push(join(path, n));
    } else {
      out.push(path);
    }
  }
  return out;
}

/**
 * Every problem of the capture files a config names, without replaying them: a path that does not
 * exist, a file that is not a whole pcap/pcapng capture header (for `glia config check` and the
 * checks `glia replay` makes before it starts).
 */
export async function checkCaptureFiles(file: string | string[], baseDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of Array.isArray(file) ? file : [file]) {
    let paths: string[];
    try {
      paths = await resolveCaptureFiles(entry, baseDir);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    for (const path of paths) {
      try {
        await checkCaptureHeader(path);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  return problems;
}
