import { fileURLToPath } from 'node:url';
import { compileBpf } from '@glia/libbpf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtPackage,
  canRunNamespaceKernelTests,
  nodeInNamespace,
  spawnNodeInNamespace,
} from '../support/kernel.js';
import { VethPair } from '../support/netns.js';
import { OutputWatcher } from '../support/glia.js';

const ready = canRunNamespaceKernelTests(['bpf', 'tcx', 'xdp', 'ringbuf']);

/**
 * @glia/libbpf's attachments on real devices, inside network namespaces the test makes: tcx links
 * go first in the chain, XDP native on a veth and generic on request, the legacy tc fallback, and
 * pinning in a bpffs; and a SIGKILLed process leaves nothing attached.
 */
describe.skipIf(!ready)('libbpf links on devices', () => {
  let pair: VethPair;
  let object: string;
  let libbpf: string;

  beforeAll(() => {
    pair = new VethPair('10.91.0.1', '10.91.0.2');
    object = compileBpf(
      fileURLToPath(new URL('../../packages/libbpf/test-objects/basics.bpf.c', import.meta.url)),
    );
    libbpf = builtPackage('libbpf');
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('attaches tcx first in the chain, XDP native then generic, legacy tc, and pins maps and links', () => {
    const out = nodeInNamespace(
      pair.left,
      `
      import { execFileSync } from 'node:child_process';
      import * as b from ${JSON.stringify(libbpf)};
      const dev = ${JSON.stringify(pair.leftDev)};
      const load = () => b.BpfObject.open(${JSON.stringify(object)}).load();
      const one = load(), two = load();
      const p1 = one.program('count_and_report'), p2 = two.program('count_and_report');
      const r = {};
      const l1 = b.attachTcx(p1, dev, 'ingress');
      const l2 = b.attachTcx(p2, dev, 'ingress');
      r.chain = b.tcxProgramIds(dev, 'ingress');
      r.ids = [p1.id(), p2.id()];
      try { b.attachTcx(p1, dev, 'ingress'); r.again = 'attached'; } catch (e) { r.again = e.code; }
      const e1 = b.attachTc(p1, dev, 'egress');
      r.egress = [e1.kind, b.tcxProgramIds(dev, 'egress').length];
      l1.close(); l2.close(); e1.close();
      r.afterClose = [b.tcxProgramIds(dev, 'ingress').length, b.tcxProgramIds(dev, 'egress').length];
      const x = one.program('xdp_pass');
      const native = b.attachXdp(x, dev, 'auto');
      r.xdpAuto = [native.mode, b.xdpProgramId(dev).progId === x.id()];
      native.close();
      const generic = b.attachXdp(x, dev, 'generic');
      r.xdpGeneric = [generic.mode, b.xdpProgramId(dev).progId === x.id()];
      generic.close();
      r.xdpAfterClose = b.xdpProgramId(dev).progId;
      const legacy = b.attachTcLegacy(p1, dev, 'ingress');
      r.legacy = execFileSync('tc', ['filter', 'show', 'dev', dev, 'ingress'], { encoding: 'utf8' }).includes('count_and_rep');
      legacy.close();
      r.legacyAfterClose = execFileSync('tc', ['filter', 'show', 'dev', dev, 'ingress'], { encoding: 'utf8' }).includes('count_and_rep');
      // ip netns exec gives this process its own mount namespace: a bpffs here is private to it.
      r.bpffsBefore = b.isBpffs('/sys/fs/bpf');
      execFileSync('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf']);
      r.bpffs = b.isBpffs('/sys/fs/bpf');
      const table = one.map('table');
      table.update(Buffer.from([1, 0, 0, 0]), Buffer.from([42, 0, 0, 0, 0, 0, 0, 0]));
      one.pinMap('table', '/sys/fs/bpf/glia_table');
      const fd = b.openPinned('/sys/fs/bpf/glia_table');
      r.pinned = new b.BpfMap(fd, { name: 'pinned', type: table.type, keySize: 4, valueSize: 8, maxEntries: 1024 })
        .lookup(Buffer.from([1, 0, 0, 0]))?.readBigUInt64LE().toString();
      b.closeFd(fd);
      const link = b.attachTcx(p1, dev, 'ingress');
      link.pin('/sys/fs/bpf/glia_link');
      link.close();
      r.pinnedLinkStays = b.tcxProgramIds(dev, 'ingress').length;
      execFileSync('rm', ['/sys/fs/bpf/glia_link']);
      // The kernel frees the link once its last reference is dropped, shortly after the unlink.
      for (let i = 0; i < 100 && b.tcxProgramIds(dev, 'ingress').length > 0; i++) await new Promise((w) => setTimeout(w, 10));
      r.unpinnedLinkGone = b.tcxProgramIds(dev, 'ingress').length;
      execFileSync('umount', ['/sys/fs/bpf']);
      one.close(); two.close();
      console.log(JSON.stringify(r));
      `,
    );
    const r = JSON.parse(out) as Record<string, unknown>;
    const ids = r.ids as number[];
    expect(r.chain).toEqual([ids[1], ids[0]]);
    expect(r.again).toBe('EEXIST');
    expect(r.egress).toEqual(['tcx', 1]);
    expect(r.afterClose).toEqual([0, 0]);
    expect(r.xdpAuto).toEqual(['native', true]);
    expect(r.xdpGeneric).toEqual(['generic', true]);
    expect(r.xdpAfterClose).toBe(0);
    expect(r.legacy).toBe(true);
    expect(r.legacyAfterClose).toBe(false);
    expect(r.bpffsBefore).toBe(false);
    expect(r.bpffs).toBe(true);
    expect(r.pinned).toBe('42');
    expect(r.pinnedLinkStays).toBe(1);
    expect(r.unpinnedLinkGone).toBe(0);
  });

  it('leaves no program attached when the process is killed with SIGKILL', async () => {
    const child = spawnNodeInNamespace(
      pair.right,
      `
      import * as b from ${JSON.stringify(libbpf)};
      const dev = ${JSON.stringify(pair.rightDev)};
      const o = b.BpfObject.open(${JSON.stringify(object)}).load();
      b.attachTcx(o.program('count_and_report'), dev, 'ingress');
      b.attachTcx(o.program('count_and_report'), dev, 'egress');
      b.attachXdp(o.program('xdp_pass'), dev, 'auto');
      console.log('attached', b.tcxProgramIds(dev, 'ingress').length, b.tcxProgramIds(dev, 'egress').length, b.xdpProgramId(dev).progId > 0);
      setInterval(() => {}, 1000);
      `,
    );
    const watcher = new OutputWatcher(child.stdout!);
    expect(await watcher.waitFor(/^attached/)).toBe('attached 1 1 true');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The kernel releases the links with the last file descriptor, shortly after the exit.
    let state = '';
    for (let i = 0; i < 50; i++) {
      state = nodeInNamespace(
        pair.right,
        `import * as b from ${JSON.stringify(libbpf)};
         const dev = ${JSON.stringify(pair.rightDev)};
         console.log(b.tcxProgramIds(dev, 'ingress').length, b.tcxProgramIds(dev, 'egress').length, b.xdpProgramId(dev).progId);`,
      ).trim();
      if (state === '0 0 0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('0 0 0');
  });
});
