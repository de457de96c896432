/**
 * A small metrics registry: counters and gauges, optionally labelled, rendered in the Prometheus
 * text exposition format. Increments are plain number additions so they can sit on the hot path.
 */

export type Labels = Readonly<Record<string, string>>;

export class Counter {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(n = 1): void {
    this.value += n;
  }
}

export class Gauge {
  value = 0;
  constructor(readonly labels: Labels) {}
  set(v: number): void {
    this.value = v;
  }
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
}

interface Family<M> {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, M>;
  /** Read at render time, for values owned elsewhere (queue sizes, map entries). */
  collect?: () => Array<{ labels: Labels; value: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class MetricsRegistry {
  private readonly families = new Map<string, Family<Counter | Gauge>>();

  constructor(private readonly prefix = 'glia_') {}

  counter(name: string, help: string, labels: Labels = {}): Counter {
    return this.series(name, help, 'counter', labels, (l) => new Counter(l)) as Counter;
  }

  gauge(name: string, help: string, labels: Labels = {}): Gauge {
    return this.series(name, help, 'gauge', labels, (l) => new Gauge(l)) as Gauge;
  }

  /** A gauge (or counter) family whose values are read from a callback when rendered. */
  collect(
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    collect: () => Array<{ labels: Labels; value: number }>,
  ): void {
    const family = this.family(name, help, type);
    family.collect = collect;
  }

  /** Current value of one series, for tests and status output. */
  value(name: string, labels: Labels = {}): number | undefined {
    const family = this.families.get(this.prefix + name);
    if (family === undefined) return undefined;
    const own = family.series.get(labelKey(labels))?.value;
    if (own !== undefined) return own;
    const key = labelKey(labels);
    return family.collect?.().find((s) => labelKey(s.labels) === key)?.value;
  }

  /** Every series with its current value (own and collected), for summaries. */
  samples(): Array<{ name: string; labels: Labels; value: number }> {
    const out: Array<{ name: string; labels: Labels; value: number }> = [];
    for (const family of this.families.values()) {
      for (const m of family.series.values())
        out.push({ name: family.name, labels: m.labels, value: m.value });
      for (const s of family.collect?.() ?? []) out.push({ name: family.name, ...s });
    }
    return out;
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const family of this.families.values()) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
      lines.push(`# TYPE ${family.name} ${family.type}`);
      for (const m of family.series.values()) lines.push(sample(family.name, m.labels, m.value));
      for (const s of family.collect?.() ?? []) lines.push(sample(family.name, s.labels, s.value));
    }
    return lines.join('\n') + '\n';
  }

  private family(name: string, help: string, type: 'counter' | 'gauge'): Family<Counter | Gauge> {
    const full = this.prefix + name;
    if (!NAME.test(full)) throw new RangeError(`metric name ${JSON.stringify(full)} is not valid`);
    let family = this.families.get(full);
    if (family === undefined) {
      family = { name: full, help, type, series: new Map() };
      this.families.set(full, family);
    } else if (family.type !== type) {
      throw new TypeError(`metric ${full} is already registered as a ${family.type}`);
    }
    return family;
  }

  private series(
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    labels: Labels,
    make: (labels: Labels) => Counter | Gauge,
  ): Counter | Gauge {
    const family = this.family(name, help, type);
    const key = labelKey(labels);
    let m = family.series.get(key);
    if (m === undefined) {
      m = make(labels);
      family.series.set(key, m);
    }
    return m;
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function sample(name: string, labels: Labels, value: number): string {
  const keys = Object.keys(labels).sort();
  const text = keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(',')}}`;
  return `${name}${text} ${Number.isFinite(value) ? value : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN'}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
