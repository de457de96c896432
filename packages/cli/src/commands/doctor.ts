import { ExitCode } from '@glia/core';
import { loadConfig } from '../agent-setup.js';
import { doctorReport } from '../doctor/host-checks.js';
import { formatDoctor } from '../doctor/report.js';
import { reportError } from '../exit.js';

/**
 * `glia doctor`: what this host can do for live capture (kernel, BTF, tcx, XDP, ring buffer,
 * privileges, libpcap, interfaces) and the backend `observe.mode: auto` would choose, with why each
 * better one is refused. Exit 0 when some backend can run, 1 when none can.
 */
export async function doctorCommand(options: { config?: string; json?: boolean }): Promise<number> {
  let interfaces: string[] = [];
  let baseDir = process.cwd();
  if (options.config !== undefined) {
    try {
      const loaded = await loadConfig(options.config);
      baseDir = loaded.baseDir;
      const observe = loaded.config.observe;
      if (observe !== undefined) interfaces = [...observe.interfaces, ...observe.egress_interfaces];
    } catch (error) {
      return reportError(error);
    }
  }
  const report = await doctorReport(interfaces, baseDir);
  process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
  return report.backend === null ? ExitCode.runtimeFailure : ExitCode.ok;
}
