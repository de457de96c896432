import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { BoundedLru, CidrSet } from '@glia/core';
import type { ResponseMatcher, ServiceIdentification } from '../match/response-matcher.js';
import type { CompiledProbe, ServiceDatabase } from '../match/service-database.js';
import { parsePortList, portListHas, type PortList } from '../probes/port-list.js';
import { isTlsPort, probePlan } from './probe-plan.js';
import { RateLimiter } from './rate-limiter.js';

/** The `active` section of the services config. */
export interface ActiveConfig {
  enabled: boolean;
  /** Server addresses that may be probed (CIDRs); nothing else ever is. */
  cidrs: string[];
  /** Server ports that may be probed, "22,80,8000-8100". */
  ports: string;
  /** Probe connections started per second at most. */
  rate_per_second: number;
  /** Targets (IP:port) probed at once. */
  max_concurrent: number;
  /** A server port seen this long (packet time) with no banner and no service gets probed. */
  after_seconds: number;
  /** A probed port is not probed again before this long. */
  retry_seconds: number;
  /** nmap's --version-intensity: probes of higher rarity are sent only when they list the port. */
  intensity: number;
  /** Probe ports nmap expects TLS on (sslports) through TLS; without it they are left out. */
  tls: boolean;
  connect_timeout_ms: number;
  /** Cap on one probe's wait for a reply (the probe's totalwaitms, nmap's default 5000). */
  max_wait_ms: number;
  /** Cap on all probes of one target together. */
  target_timeout_ms: number;
  /** Targets waiting to be probed; more are dropped and counted. */
  max_queue: number;
}

export const ACTIVE_DEFAULTS: Readonly<ActiveConfig> = {
  enabled: false,
  cidrs: [],
  ports: '',
  rate_per_second: 2,
  max_concurrent: 2,
  after_seconds: 300,
  retry_seconds: 3600,
  intensity: 7,
  tls: false,
  connect_timeout_ms: 3000,
  max_wait_ms: 5000,
  target_timeout_ms: 60000,
  max_queue: 1024,
};

/** Throws an error naming the key (`active.cidrs[1]`, `active.ports`) when the addresses or ports are bad. */
export function checkActiveConfig(config: Pick<ActiveConfig, 'cidrs' | 'ports'>): void {
  config.cidrs.forEach((cidr, i) => {
    try {
      CidrSet.parse([cidr]);
    } catch (cause) {
      throw new Error(`active.cidrs[${i}]: ${JSON.stringify(cidr)} is not an IP address or CIDR`, { cause });
    }
  });
  try {
    if (config.ports.trim() !== '') parsePortList(config.ports, false);
  } catch (cause) {
    throw new Error(`active.ports: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** nmap reads at most this much of one reply. */
const MAX_REPLY_BYTES = 4096;
const NULL_WAIT_MS = 6000;

export interface ProberCounters {
  queued: number;
  dropped: number;
  targets: number;
  connections: number;
  connectFailures: number;
  identified: number;
}

interface Target {
  ip: string;
  port: number;
}

/**
 * Sends what nmap's service scan would send to server ports the passive side never identified:
 * only to allowed addresses and ports, rate-limited, each probe and each target bounded in time.
 */
export class ActiveProber {
  readonly counters: ProberCounters = {
    queued: 0,
    dropped: 0,
    targets: 0,
    connections: 0,
    connectFailures: 0,
    identified: 0,
  };
  private readonly cidrs: CidrSet;
  private readonly ports: PortList;
  private readonly seen: BoundedLru<string, { first: number; probed?: number }>;
  private readonly queue: Target[] = [];
  private readonly limiter: RateLimiter;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private stopped = false;

  constructor(
    private readonly db: ServiceDatabase,
    private readonly matcher: ResponseMatcher,
    private readonly config: ActiveConfig,
    private readonly onResult: (ip: string, port: number, found: ServiceIdentification) => void,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.cidrs = CidrSet.parse(config.cidrs);
    this.ports = config.ports.trim() === '' ? [] : parsePortList(config.ports, false);
    this.seen = new BoundedLru(65536);
    this.limiter = new RateLimiter(
      config.rate_per_second,
      Math.max(1, Math.ceil(config.rate_per_second)),
      wallNow(),
    );
  }

  /** Whether the config allows probing this server port at all. */
  allowed(ip: string, port: number): boolean {
    if (!this.cidrs.has(ip) || !portListHas(this.ports, port)) return false;
    return this.config.tls || !isTlsPort(this.db, port);
  }

  /**
   * A server port was seen in traffic (nowMs: packet time) and has no service yet: queue it once it
   * has been seen for after_seconds, at most once per retry_seconds.
   */
  consider(ip: string, port: number, nowMs: number): void {
    if (this.stopped || !this.allowed(ip, port)) return;
    const key = `${ip}:${port}`;
    let entry = this.seen.get(key);
    if (entry === undefined) {
      entry = { first: nowMs };
      this.seen.set(key, entry);
    }
    if (nowMs - entry.first < this.config.after_seconds * 1000) return;
    if (entry.probed !== undefined && nowMs - entry.probed < this.config.retry_seconds * 1000) return;
    entry.probed = nowMs;
    this.enqueue({ ip, port });
  }

  /** A banner of that server port was seen: the passive side has it. */
  bannerSeen(ip: string, port: number): void {
    this.seen.delete(`${ip}:${port}`);
  }

  /** Queues a target now (allowed addresses and ports only). */
  enqueue(target: Target): boolean {
    if (this.stopped || !this.allowed(target.ip, target.port)) return false;
    if (this.queue.length >= this.config.max_queue) {
      this.counters.dropped++;
      return false;
    }
    this.queue.push(target);
    this.counters.queued++;
    this.pump();
    return true;
  }

  /** Resolves when nothing is queued or running (tests, `glia` one-shot use). */
  async idle(): Promise<void> {
    while (!this.stopped && (this.running > 0 || this.queue.length > 0)) await this.sleep(50);
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.config.max_concurrent && this.queue.length > 0) {
      const target = this.queue.shift()!;
      this.running++;
      this.counters.targets++;
      void this.probeTarget(target).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async probeTarget(target: Target): Promise<void> {
    const deadline = this.wallNow() + this.config.target_timeout_ms;
    const tls = this.config.tls && isTlsPort(this.db, target.port);
    let plan = probePlan(this.db, target.port, { intensity: this.config.intensity, tls });
    let soft: ServiceIdentification | null = null;
    for (let i = 0; i < plan.length && !this.stopped && this.wallNow() < deadline; i++) {
      const probe = plan[i];
      const found = await this.runProbe(target, probe, tls, deadline);
      if (found === null) continue;
      if (!found.soft) {
        this.counters.identified++;
        this.onResult(target.ip, target.port, found);
        return;
      }
      if (soft === null) {
        soft = found;
        // As nmap after a softmatch: only the remaining probes that can name that service.
        const rest = new Set(
          probePlan(this.db, target.port, { intensity: this.config.intensity, tls }, found.service),
        );
        plan = [...plan.slice(0, i + 1), ...plan.slice(i + 1).filter((p) => rest.has(p))];
      }
    }
    if (soft !== null) {
      this.counters.identified++;
      this.onResult(target.ip, target.port, soft);
    }
  }

  /** One connection: send the probe's payload (none for NULL), match what comes back. */
  private async runProbe(
    target: Target,
    probe: CompiledProbe,
    tls: boolean,
    deadline: number,
  ): Promise<ServiceIdentification | null> {
    await this.takeToken();
    if (this.stopped) return null;
    const isNull = probe.probe.payload.length === 0;
    const wait = Math.min(
      isNull ? NULL_WAIT_MS : (probe.probe.totalwaitms ?? 5000),
      this.config.max_wait_ms,
      Math.max(0, deadline - this.wallNow()),
    );
    this.counters.connections++;
    return new Promise((resolve) => {
      let reply = '';
      let found: ServiceIdentification | null = null;
      let done = false;
      const socket: Socket = tls
        ? tlsConnect({
            host: target.ip,
            port: target.port,
            rejectUnauthorized: false,
            timeout: this.config.connect_timeout_ms,
          })
        : tcpConnect({ host: target.ip, port: target.port, timeout: this.config.connect_timeout_ms });
      this.sockets.add(socket);
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.timers.delete(timer);
        this.sockets.delete(socket);
        socket.destroy();
        resolve(found);
      };
      const timer = setTimeout(finish, this.config.connect_timeout_ms + wait);
      this.timers.add(timer);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        socket.setTimeout(0);
        if (!isNull) socket.write(Buffer.from(probe.probe.payload, 'latin1'));
      });
      socket.on('timeout', () => {
        this.counters.connectFailures++;
        finish();
      });
      socket.on('error', () => {
        if (reply.length === 0) this.counters.connectFailures++;
        finish();
      });
      socket.on('end', finish);
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString('latin1');
        const cut = reply.length >= MAX_REPLY_BYTES;
        found = this.matcher.match(probe, reply.slice(0, MAX_REPLY_BYTES), cut);
        if ((found !== null && !found.soft) || cut) finish();
      });
    });
  }

  private async takeToken(): Promise<void> {
    for (;;) {
      if (this.stopped || this.limiter.tryTake(this.wallNow())) return;
      await this.sleep(Math.max(1, this.limiter.waitMs(this.wallNow())));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}
