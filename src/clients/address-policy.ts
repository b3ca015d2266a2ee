import { isIP } from 'node:net';

/** An IP address as a number; an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is the IPv4 address it maps. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface Network {
  family: 4 | 6;
  value: bigint;
  prefix: number;
  /** As written (for messages). */
  text: string;
}

/** Which addresses attached clusters may use: the public internet (`public`) and/or the listed networks. */
export interface AllowList {
  public: boolean;
  networks: Network[];
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses an IP address in its canonical text forms (URL parsing has already turned `0x7f.1` into `127.0.0.1`). */
export function parseIp(text: string): IpAddress | undefined {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return { family: 4, value: ipv4Value(address) };
  if (family !== 6) return undefined;
  const value = ipv6Value(address);
  // ::ffff:a.b.c.d is a.b.c.d on the wire: judge it as one.
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffff_ffffn };
  return { family: 6, value };
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(address: string): bigint {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Value(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const hextets = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return hextets.reduce((value, hextet) => (value << 16n) | BigInt(Number.parseInt(hextet, 16)), 0n);
}

/** `10.0.0.0/8`, `fd00::/8`, or one address (`10.0.0.5` = /32); undefined when it is neither. */
export function parseNetwork(text: string): Network | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || !address) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  // An IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps.
  const mappedBits = ip.family === 4 && isIP(address) === 6 ? 96 : 0;
  const prefix = prefixText === undefined ? BITS[ip.family] : Number(prefixText) - mappedBits;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > BITS[ip.family]) return undefined;
  return { family: ip.family, value: mask(ip.value, ip.family, prefix), prefix, text };
}

function mask(value: bigint, family: 4 | 6, prefix: number): bigint {
  const hostBits = BigInt(BITS[family] - prefix);
  return (value >> hostBits) << hostBits;
}

export function inNetwork(ip: IpAddress, network: Network): boolean {
  return ip.family === network.family && mask(ip.value, ip.family, network.prefix) === network.value;
}

/** ATTACH_ALLOW that cannot be read; the message follows the variable's name. */
export class AllowListError extends Error {}

/** `public,10.0.0.0/8`: entries are `public` or networks; the error names the entry that is neither. */
export function parseAllowList(text: string): AllowList {
  const allow: AllowList = { public: false, networks: [] };
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new AllowListError('is empty: list "public" and/or networks like 10.0.0.0/8');
  for (const entry of entries) {
    if (entry.toLowerCase() === 'public') {
      allow.public = true;
      continue;
    }
    const network = parseNetwork(entry);
    if (!network) throw new AllowListError(`has "${entry}", which is neither "public" nor a network like 10.0.0.0/8 or fd00::/8`);
    allow.networks.push(network);
  }
  return allow;
}

const ranges = (list: Array<[string, string]>): Array<[Network, string]> =>
  list.map(([cidr, what]) => [parseNetwork(cidr)!, what] as [Network, string]);

/** Never connected to, whatever ATTACH_ALLOW says: they reach the bot's own host or its cloud's internals. */
const NEVER = ranges([
  ['0.0.0.0/8', 'an unspecified address (it means this host)'],
  ['169.254.0.0/16', 'a link-local address (where cloud metadata services answer)'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved address'],
  ['::/128', 'the unspecified address (it means this host)'],
  ['fe80::/10', 'a link-local address'],
  ['ff00::/8', 'a multicast address'],
]);

/** Not on the public internet: allowed only when ATTACH_ALLOW lists a network that holds them. */
const SPECIAL = ranges([
  ['127.0.0.0/8', 'a loopback address'],
  ['10.0.0.0/8', 'a private address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.168.0.0/16', 'a private address'],
  ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
  ['192.0.0.0/24', 'a reserved address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['192.88.99.0/24', 'a 6to4 relay address'],
  ['::1/128', 'a loopback address'],
  ['fc00::/7', 'a private (unique local) address'],
  ['fec0::/10', 'a site-local address'],
  ['2001::/32', 'a Teredo tunnel address'],
  ['2001:db8::/32', 'a documentation address'],
  ['2002::/16', 'a 6to4 tunnel address'],
]);

const GLOBAL_IPV6 = parseNetwork('2000::/3')!;

const LOOPBACK = [parseNetwork('127.0.0.0/8')!, parseNetwork('::1/128')!, parseNetwork('0.0.0.0/8')!, parseNetwork('::/128')!];

/** Loopback or unspecified: an address that reaches the machine the bot runs on. */
export function isLoopback(ip: IpAddress): boolean {
  return LOOPBACK.some((network) => inNetwork(ip, network));
}

/** Which of the addresses an attached cluster names the bot may connect to (ATTACH_ALLOW). */
export class AddressPolicy {
  constructor(readonly allow: AllowList) {}

  /** Why the bot must not connect to `ip`, to follow "… is" ("a loopback address"), or undefined when it may. */
  refusal(ip: IpAddress): string | undefined {
    const never = NEVER.find(([network]) => inNetwork(ip, network));
    if (never) return never[1];
    if (this.allow.networks.some((network) => inNetwork(ip, network))) return undefined;
    const special =
      SPECIAL.find(([network]) => inNetwork(ip, network))?.[1] ??
      (ip.family === 6 && !inNetwork(ip, GLOBAL_IPV6) ? 'a reserved address' : undefined);
    if (!special && this.allow.public) return undefined;
    return special ?? 'outside the networks attached clusters may use';
  }

  /** What ATTACH_ALLOW allows, in words an attendee can act on. */
  describe(): string {
    const parts = [...(this.allow.public ? ['public addresses'] : []), ...this.allow.networks.map((network) => network.text)];
    return parts.join(', ');
  }
}
