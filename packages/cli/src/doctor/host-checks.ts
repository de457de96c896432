import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import {
  OBSERVE_LADDER,
  PluginLoader,
  defaultRouteDevices,
  errorMessage,
  kernelVersion,
  probeRung,
  type RungOutcome,
} from '@glia/core';
import { libpcapVersion, probeAfPacket, readInterface } from '@glia/capture-afpacket';

/** One line of `glia doctor`: what was checked, whether it is there, and the detail or why not. */
export interface HostCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface DoctorReport {
  checks: HostCheck[];
  /** The `observe.mode: auto` ladder, probed exactly as `glia run` probes it. */
  ladder: RungOutcome[];
  /** The rung auto would choose, or null. */
  backend: string | null;
}

/** Capability numbers (linux/capability.h) that the backends care about. */
const CAPABILITIES = { CAP_NET_ADMIN: 12, CAP_NET_RAW: 13, CAP_SYS_ADMIN: 21, CAP_PERFMON: 38, CAP_BPF: 39 };

export function effectiveCapabilities(status = readOrEmpty('/proc/self/status')): Set<string> {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  const bits = m ? BigInt(`0x${m[1]}`) : 0n;
  return new Set(
    Object.entries(CAPABILITIES)
      .filter(([, bit]) => ((bits >> BigInt(bit)) & 1n) === 1n)
      .map(([name]) => name),
  );
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The kernel probes of @glia/libbpf, when that package is installed (it is optional for af_packet hosts). */
interface KernelProbe {
  addon: { ok: boolean; reason?: string };
  bpf: { ok: boolean; reason?: string };
  tcx: { ok: boolean; reason?: string };
  xdp: { ok: boolean; reason?: string };
  ringbuf: { ok: boolean; reason?: string };
  libbpfVersion?: string;
}

async function kernelProbe(): Promise<KernelProbe | string> {
  const specifier = '@glia/libbpf';
  try {
    const module = (await import(specifier)) as { probeKernel: () => KernelProbe };
    return module.probeKernel();
  } catch (error) {
    return `@glia/libbpf is not installed (${errorMessage(error).split('\n')[0]})`;
  }
}

/** Everything `glia doctor` checks. `interfaces` are the devices a config names (checked to exist). */
export async function doctorReport(
  interfaces: readonly string[] = [],
  baseDir = process.cwd(),
): Promise<DoctorReport> {
  const checks: HostCheck[] = [];
  const add = (check: string, ok: boolean, detail: string): void => void checks.push({ check, ok, detail });

  const [major, minor] = kernelVersion();
  add('kernel', true, `${release()} (tcx needs 6.6+, ring buffer 5.8+)`);
  add(
    'kernel: tcx hooks',
    major > 6 || (major === 6 && minor >= 6),
    major > 6 || (major === 6 && minor >= 6) ? 'version 6.6 or later' : `${major}.${minor} is older than 6.6`,
  );
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  add(
    'BTF',
    btf,
    btf ? '/sys/kernel/btf/vmlinux' : 'no /sys/kernel/btf/vmlinux (kernel without CONFIG_DEBUG_INFO_BTF)',
  );

  const caps = effectiveCapabilities();
  const bpfCaps = caps.has('CAP_SYS_ADMIN') || (caps.has('CAP_BPF') && caps.has('CAP_PERFMON'));
  const missingBpf = ['CAP_BPF', 'CAP_PERFMON', 'CAP_NET_ADMIN'].filter((c) => !caps.has(c));
  add(
    'privileges: eBPF',
    bpfCaps && caps.has('CAP_NET_ADMIN'),
    bpfCaps && caps.has('CAP_NET_ADMIN')
      ? [...caps].filter((c) => c !== 'CAP_NET_RAW').join(' ')
      : `missing ${missingBpf.join(', ')}${caps.has('CAP_SYS_ADMIN') ? '' : ' (and no CAP_SYS_ADMIN)'}`,
  );
  add(
    'privileges: packet capture',
    caps.has('CAP_NET_RAW'),
    caps.has('CAP_NET_RAW') ? 'CAP_NET_RAW' : 'missing CAP_NET_RAW',
  );
  const unprivileged = readOrEmpty('/proc/sys/kernel/unprivileged_bpf_disabled').trim();
  if (unprivileged !== '')
    add('unprivileged eBPF', true, `kernel.unprivileged_bpf_disabled = ${unprivileged}`);
  const bpffs = readOrEmpty('/proc/mounts')
    .split('\n')
    .some((l) => l.split(' ')[2] === 'bpf');
  add('bpffs', bpffs, bpffs ? 'mounted' : 'not mounted (optional: pinning only)');

  const kernel = await kernelProbe();
  if (typeof kernel === 'string') {
    add('libbpf', false, kernel);
  } else {
    add(
      'libbpf',
      kernel.addon.ok,
      kernel.addon.ok ? `addon loads, libbpf ${kernel.libbpfVersion ?? '?'}` : (kernel.addon.reason ?? ''),
    );
    // libbpf's probes cannot tell a load refused for privileges from an unsupported type.
    const unprivileged = !(bpfCaps && caps.has('CAP_NET_ADMIN'));
    for (const [name, probe] of [
      ['eBPF programs (sched_cls)', kernel.bpf],
      ['tcx attach', kernel.tcx],
      ['XDP', kernel.xdp],
      ['ring buffer', kernel.ringbuf],
    ] as const) {
      const why = unprivileged ? 'cannot tell without eBPF privileges' : (probe.reason ?? 'no');
      add(name, probe.ok, probe.ok ? 'yes' : why);
    }
  }

  const pcap = libpcapVersion();
  add(
    'libpcap',
    pcap !== null,
    pcap ?? 'the af_packet binding is not built (install libpcap-dev, npm rebuild @glia/capture-afpacket)',
  );
  const socket = probeAfPacket();
  add('packet socket', socket.ok, socket.ok ? 'opens' : (socket.reason ?? 'refused'));

  const devices = listDevices();
  add('interfaces', devices.length > 0, devices.join(' ') || 'none');
  const routes = defaultRouteDevices();
  add(
    'default route',
    routes.length > 0,
    routes.length > 0 ? `via ${routes.join(', ')} (egress_interfaces: [auto])` : 'none',
  );
  for (const name of interfaces) {
    if (name === 'auto') continue;
    const info = readInterface(name);
    add(
      `interface ${name}`,
      info !== null && info.up,
      info === null
        ? 'does not exist (yet): af_packet waits for it'
        : info.up
          ? `ifindex ${info.ifindex}, up`
          : 'down',
    );
  }

  const ladder: RungOutcome[] = [];
  const loader = new PluginLoader();
  let backend: string | null = null;
  for (const rung of OBSERVE_LADDER) {
    if (backend !== null) {
      ladder.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'untried' });
      continue;
    }
    const probe = await probeRung(rung, loader, baseDir);
    if (probe.ok) {
      backend = rung.rung;
      ladder.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'chosen' });
    } else {
      ladder.push({ rung: rung.rung, plugin: rung.plugin, outcome: 'refused', reason: probe.reason });
    }
  }
  return { checks, ladder, backend };
}

function listDevices(): string[] {
  try {
    return readdirSync('/sys/class/net')
      .sort()
      .map((name) => {
        const info = readInterface(name);
        return info === null ? name : `${name}(${info.up ? 'up' : 'down'})`;
      });
  } catch {
    return [];
  }
}
