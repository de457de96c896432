import { parsePortList, type PortList } from './port-list.js';
import { unescapeProbeString } from './probe-string.js';
import { parseMatchLine, type MatchLine } from './match-line.js';

/** One `Probe` of nmap-service-probes with the directives and match lines that follow it. */
export interface Probe {
  line: number;
  proto: 'TCP' | 'UDP';
  name: string;
  /** The bytes the probe sends (latin1). Empty for the NULL probe. */
  payload: string;
  noPayload: boolean;
  ports: PortList;
  sslports: PortList;
  /** 1-9; nmap's default when the directive is absent is 5. */
  rarity: number;
  /** Probe names from the `fallback` directive, in order (resolved by the matcher). */
  fallback: string[];
  totalwaitms?: number;
  tcpwrappedms?: number;
  matches: MatchLine[];
}

export interface ProbeFileError {
  line: number;
  message: string;
}

export interface ProbeFile {
  /** Where the text came from (a path), for messages. */
  source: string;
  exclude?: PortList;
  probes: Probe[];
  /** Every problem, with its line; the lines in error are left out and the rest is kept. */
  errors: ProbeFileError[];
}

export const DEFAULT_RARITY = 5;
/** nmap's MAXFALLBACKS less the probe itself and NULL. */
export const MAX_FALLBACKS = 18;

/**
 * Parses the whole nmap-service-probes format (read as latin1). Like nmap it stops at nothing it
 * understands, but unlike nmap a bad line does not end the load: it is reported with its line
 * number and left out.
 */
export function parseProbeFile(text: string, source = 'nmap-service-probes'): ProbeFile {
  const file: ProbeFile = { source, probes: [], errors: [] };
  const lines = text.split('\n');
  let probe: Probe | null = null;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.length === 0 || raw.startsWith('#')) continue;
    const fail = (message: string): void => {
      file.errors.push({ line: lineNo, message });
    };
    const space = raw.indexOf(' ');
    const directive = space < 0 ? raw : raw.slice(0, space);
    const rest = space < 0 ? '' : raw.slice(space + 1);
    try {
      switch (directive) {
        case 'Exclude':
          if (file.exclude !== undefined) fail('only one Exclude directive is allowed');
          else if (file.probes.length > 0) fail('the Exclude directive must precede all Probes');
          else file.exclude = parsePortList(rest, true);
          break;
        case 'Probe':
          probe = parseProbeLine(rest, lineNo);
          file.probes.push(probe);
          break;
        case 'match':
        case 'softmatch':
          if (probe === null) fail(`${directive} before any Probe`);
          else probe.matches.push(parseMatchLine(raw, lineNo));
          break;
        case 'ports':
        case 'sslports':
        case 'rarity':
        case 'fallback':
        case 'totalwaitms':
        case 'tcpwrappedms':
          if (probe === null) fail(`${directive} before any Probe`);
          else probeDirective(probe, directive, rest);
          break;
        default:
          fail(`unknown directive ${JSON.stringify(directive.slice(0, 40))}`);
      }
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }
  checkProbes(file);
  return file;
}

function parseProbeLine(rest: string, line: number): Probe {
  const m = /^(TCP|UDP) ([A-Za-z0-9][^ ]*) q(.)/.exec(rest);
  if (m === null) {
    if (!/^(TCP|UDP) /.test(rest))
      throw new Error('invalid protocol: a Probe line is "Probe TCP|UDP name q|payload|"');
    throw new Error('bad probe name or payload: a Probe line is "Probe TCP|UDP name q|payload|"');
  }
  const start = m[0].length;
  const end = rest.indexOf(m[3], start);
  if (end < 0) throw new Error('no ending delimiter for the probe string');
  const payload = unescapeProbeString(rest.slice(start, end));
  const flags = rest.slice(end + 1).trim();
  return {
    line,
    proto: m[1] as 'TCP' | 'UDP',
    name: m[2],
    payload,
    noPayload: flags.split(/\s+/).includes('no-payload'),
    ports: [],
    sslports: [],
    rarity: DEFAULT_RARITY,
    fallback: [],
    matches: [],
  };
}

function probeDirective(probe: Probe, directive: string, rest: string): void {
  switch (directive) {
    case 'ports':
      probe.ports = parsePortList(rest, false);
      return;
    case 'sslports':
      probe.sslports = parsePortList(rest, false);
      return;
    case 'rarity': {
      const value = Number(rest.trim());
      if (!Number.isInteger(value) || value < 1 || value > 9)
        throw new Error('rarity must be between 1 and 9');
      probe.rarity = value;
      return;
    }
    case 'fallback': {
      const names = rest.split(/[,\s]+/).filter((n) => n.length > 0);
      if (names.length > MAX_FALLBACKS) throw new Error(`more than ${MAX_FALLBACKS} fallbacks`);
      probe.fallback = names;
      return;
    }
    default: {
      const value = Number(rest.trim());
      if (!Number.isInteger(value) || value < 100 || value > 300000)
        throw new Error(`bad ${directive} value: must be between 100 and 300000 milliseconds`);
      if (directive === 'totalwaitms') probe.totalwaitms = value;
      else probe.tcpwrappedms = value;
    }
  }
}

/** Probe names are unique per protocol, and fallbacks name existing probes (of either protocol, as in nmap). */
function checkProbes(file: ProbeFile): void {
  const byName = new Map<string, Probe>();
  for (const p of file.probes) {
    const key = `${p.proto}/${p.name}`;
    if (byName.has(key))
      file.errors.push({ line: p.line, message: `probe ${p.proto} ${p.name} is defined twice` });
    else byName.set(key, p);
  }
  for (const p of file.probes) {
    for (const name of p.fallback) {
      if (!byName.has(`TCP/${name}`) && !byName.has(`UDP/${name}`))
        file.errors.push({
          line: p.line,
          message: `unknown fallback ${JSON.stringify(name)} in probe ${p.name}`,
        });
    }
  }
}
