import { lookup as dnsLookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { UserError } from '../errors.js';
import { type AddressPolicy, type IpAddress, isLoopback, parseIp } from './address-policy.js';

/** Every address a host name resolves to (the system resolver by default; tests inject their own). */
export type LookupAll = (hostname: string) => Promise<Array<{ address: string }>>;

export const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface HostPort {
  host: string;
  port: number;
}

/** Host:ports the bot never connects to for an attached cluster, even inside allowed networks. */
export interface ReservedTargets {
  /** Why, as the end of "… is …": "the bot's own Redis". */
  reason: string;
  targets(): Promise<HostPort[]>;
}

/** A cluster address the bot will not connect to; the message says which and why, the hint what to do. */
export class AddressRefusedError extends UserError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'AddressRefusedError';
  }
}

export interface ConnectGuardOptions {
  lookup?: LookupAll;
  reserved?: ReservedTargets[];
  /** How long reserved targets are remembered between checks (they are read fresh at attach time). */
  reservedTtlMs?: number;
  lookupTimeoutMs?: number;
}

/**
 * Decides, at attach time and again on every connection, whether the bot may connect to an attached
 * cluster's host:port: every address the name resolves to must pass the AddressPolicy and be none of
 * the reserved targets. It returns the addresses it checked, so the caller connects to those and not
 * to whatever the name resolves to a moment later (DNS rebinding).
 */
export class ConnectGuard {
  private readonly lookup: LookupAll;
  private reservedCache: { at: number; keys: Promise<Map<string, string>> } | undefined;

  constructor(
    readonly policy: AddressPolicy,
    private readonly options: ConnectGuardOptions = {},
  ) {
    this.lookup = options.lookup ?? systemLookup;
  }

  /** The addresses `host` resolves to, all allowed at `port`; throws AddressRefusedError otherwise. */
  async check(host: string, port: number, options: { fresh?: boolean } = {}): Promise<string[]> {
    const literal = parseIp(host);
    const addresses = literal ? [host.replace(/^\[|\]$/g, '')] : await this.resolve(host);
    const ips = addresses.map((address) => ({ address, ip: parseIp(address) }));
    for (const { ip } of ips) {
      const refusal = ip ? this.policy.refusal(ip) : 'not an IP address';
      // A name gets one answer whether it resolves to a refused address or not at all: no probing internal DNS.
      if (refusal && literal) throw new AddressRefusedError(`${host} is ${refusal}`, this.hint());
      if (refusal) throw this.unresolvable(host);
    }
    const reserved = await this.reservedKeys(options.fresh ?? false);
    for (const { ip } of ips) {
      const reason = reserved.get(targetKey(ip!, port));
      if (reason) throw new AddressRefusedError(`${host}:${port} is ${reason}`, 'Attach your own cluster, or build one with /cluster up.');
    }
    return addresses;
  }

  private async resolve(host: string): Promise<string[]> {
    const timeoutMs = this.options.lookupTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.unresolvable(host)), timeoutMs);
    });
    try {
      const answers = await Promise.race([this.lookup(host), timeout]);
      if (answers.length === 0) throw this.unresolvable(host);
      return answers.map((answer) => answer.address);
    } catch (error) {
      if (error instanceof AddressRefusedError) throw error;
      throw this.unresolvable(host);
    } finally {
      clearTimeout(timer);
    }
  }

  private unresolvable(host: string): AddressRefusedError {
    return new AddressRefusedError(
      `${host} does not resolve to an address attached clusters may use`,
      `Use an IP address, or a name that resolves to one, in ${this.policy.describe()}. "localhost" and private names would be the bot's own machine and network, not yours.`,
    );
  }

  private hint(): string {
    return `Attached clusters must be on ${this.policy.describe()} (ATTACH_ALLOW, set by whoever runs the bot). A cluster from /cluster up needs no attaching.`;
  }

  /** `targetKey` → reason, for every reserved target; read again when stale or when `fresh`. */
  private reservedKeys(fresh: boolean): Promise<Map<string, string>> {
    const ttl = this.options.reservedTtlMs ?? 5000;
    if (!fresh && this.reservedCache && Date.now() - this.reservedCache.at < ttl) return this.reservedCache.keys;
    const keys = this.readReserved();
    this.reservedCache = { at: Date.now(), keys };
    // A failed read is not remembered.
    keys.catch(() => {
      if (this.reservedCache?.keys === keys) this.reservedCache = undefined;
    });
    return keys;
  }

  private async readReserved(): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    for (const reserved of this.options.reserved ?? []) {
      for (const { host, port } of await reserved.targets()) {
        const addresses = parseIp(host)
          ? [host]
          : await this.lookup(host).then(
              (answers) => answers.map((answer) => answer.address),
              () => [],
            );
        for (const address of addresses) {
          const ip = parseIp(address);
          if (ip) keys.set(targetKey(ip, port), reserved.reason);
        }
      }
    }
    return keys;
  }
}

/**
 * One key per place a connection lands: every address of this machine (loopback, unspecified, its
 * interfaces) is one place, since a service bound to all of them answers on each.
 */
export function targetKey(ip: IpAddress, port: number): string {
  return `${isLoopback(ip) || isThisMachine(ip) ? 'this-machine' : `${ip.family}/${ip.value}`}:${port}`;
}

function isThisMachine(ip: IpAddress): boolean {
  return Object.values(networkInterfaces())
    .flat()
    .some((entry) => {
      const local = entry ? parseIp(entry.address) : undefined;
      return local !== undefined && local.family === ip.family && local.value === ip.value;
    });
}

/** `redis://host:port` (or any URL) as the host:port it connects to. */
export function urlTarget(url: string, defaultPort: number): HostPort {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) };
}
