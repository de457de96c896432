import { nativeCall } from './bpf-error.js';
import { BpfMap } from './map.js';
import { native, type NativeObject } from './native.js';
import { BpfProgram } from './program.js';

/**
 * An eBPF ELF object: opened, adjusted (map sizes, program types, global data), then loaded by
 * libbpf, which applies CO-RE relocations against the running kernel's BTF. Programs and maps are
 * found by name; their file descriptors live until close() (or the process ends).
 */
export class BpfObject {
  private loaded = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: NativeObject,
  ) {}

  /** Opens an object file; nothing reaches the kernel until load(). */
  static open(path: string): BpfObject {
    const handle = nativeCall(`open ${path}`, () => new (native().BpfObject)(path));
    return new BpfObject(path, handle);
  }

  /** Before load: the capacity of a map (e.g. an LRU's size, a ring buffer's bytes). */
  setMaxEntries(map: string, entries: number): this {
    this.beforeLoad('set max entries');
    nativeCall(`${this.path}: map ${map}`, () => this.handle.setMapMaxEntries(map, entries));
    return this;
  }

  /** Before load: a program's type, where its section name does not say it (SEC("tc") etc.). */
  setProgramType(program: string, type: number): this {
    this.beforeLoad('set program type');
    nativeCall(`${this.path}: program ${program}`, () => this.handle.setProgramType(program, type));
    return this;
  }

  /** Before load: whether a program is loaded at all. */
  setAutoload(program: string, autoload: boolean): this {
    this.beforeLoad('set autoload');
    nativeCall(`${this.path}: program ${program}`, () => this.handle.setAutoload(program, autoload));
    return this;
  }

  /** The initial bytes of a global-data map (".rodata", ".data", ".bss"), or null when it has none. */
  initialValue(map: string): Buffer | null {
    return nativeCall(`${this.path}: map ${map}`, () => this.handle.mapInitialValue(map));
  }

  /** Before load: sets a global-data map's initial bytes (e.g. `const volatile` settings in .rodata). */
  setInitialValue(map: string, value: Buffer): this {
    this.beforeLoad('set initial value');
    nativeCall(`${this.path}: map ${map}`, () => this.handle.setMapInitialValue(map, value));
    return this;
  }

  /** Before load: shares an existing map (a pinned one, or another object's) instead of creating it. */
  reuseMap(map: string, fd: number): this {
    this.beforeLoad('reuse map');
    nativeCall(`${this.path}: map ${map}`, () => this.handle.reuseMapFd(map, fd));
    return this;
  }

  /**
   * Loads every program and creates every map. A rejected program throws a BpfError whose `log`
   * holds the verifier's output.
   */
  load(): this {
    this.beforeLoad('load');
    nativeCall(this.path, () => this.handle.load());
    this.loaded = true;
    return this;
  }

  program(name: string): BpfProgram {
    this.afterLoad();
    const info = this.handle.programs().find((p) => p.name === name);
    if (info === undefined) throw new Error(`${this.path}: no program named ${name}`);
    return new BpfProgram(info);
  }

  programs(): BpfProgram[] {
    this.afterLoad();
    return this.handle.programs().map((p) => new BpfProgram(p));
  }

  map(name: string): BpfMap {
    this.afterLoad();
    // Global-data maps are named after the object ("observer.rodata"); ".rodata" finds them.
    const info = this.handle
      .maps()
      .find((m) => m.name === name || (name.startsWith('.') && m.name.endsWith(name)));
    if (info === undefined) throw new Error(`${this.path}: no map named ${name}`);
    return new BpfMap(info.fd, info);
  }

  mapNames(): string[] {
    return this.handle.maps().map((m) => m.name);
  }

  /** Pins a map in a mounted bpffs so other processes (and later runs) can open it. */
  pinMap(name: string, path: string): void {
    this.afterLoad();
    nativeCall(`${this.path}: map ${name}`, () => this.handle.pinMap(name, path));
  }

  /** Closes every program and map descriptor of the object. Links hold their own. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close();
  }

  private beforeLoad(what: string): void {
    if (this.closed) throw new Error(`${this.path}: ${what}: the object is closed`);
    if (this.loaded) throw new Error(`${this.path}: ${what}: only before load()`);
  }

  private afterLoad(): void {
    if (this.closed) throw new Error(`${this.path}: the object is closed`);
    if (!this.loaded) throw new Error(`${this.path}: load() it first`);
  }
}
