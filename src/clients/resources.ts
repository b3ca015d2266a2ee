import { asAmount, asObject, asString } from './values.js';

/** A closed port range, e.g. 31000–32000. */
export interface PortRange {
  begin: number;
  end: number;
}

/** Scalar resources plus port ranges, as Mesos reports them (cpus may be fractional: 1.5). */
export interface Resources {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  ports: PortRange[];
}

export const NO_RESOURCES: Resources = { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };

const MAX_PORT = 65535;

/** Parses "[31000-32000, 33000-33001]" (Mesos' JSON form) or "31000-32000". Bad parts (and ports above 65535) are skipped. */
export function parsePortRanges(text: unknown): PortRange[] {
  const ranges: PortRange[] = [];
  for (const part of asString(text).replace(/[[\]]/g, '').split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!match) continue;
    const begin = Number(match[1]);
    const end = Number(match[2] ?? match[1]);
    if (end >= begin && end <= MAX_PORT) ranges.push({ begin, end });
  }
  return ranges;
}

/** The ports in any of `ranges`, sorted, overlapping and adjacent ranges joined: `1-21, 23-5050` and `1025-32000` → `1-21, 23-32000`. */
export function mergePortRanges(ranges: PortRange[]): PortRange[] {
  const merged: PortRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.begin - b.begin)) {
    const last = merged.at(-1);
    if (last && range.begin <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

export function formatPortRanges(ranges: PortRange[]): string {
  return ranges.map((range) => (range.begin === range.end ? `${range.begin}` : `${range.begin}-${range.end}`)).join(', ');
}

export function portCount(ranges: PortRange[]): number {
  return ranges.reduce((total, range) => total + range.end - range.begin + 1, 0);
}

/**
 * Reads resources from Mesos JSON (`{"cpus": 4, "ports": "[31000-32000]"}`) or from the
 * MESOS_RESOURCES text form (`cpus(*):4; mem(*):1024; ports(*):[31000-32000]`).
 */
export function parseResources(value: unknown): Resources {
  if (typeof value === 'string') return parseResourceText(value);
  const object = asObject(value);
  return {
    cpus: asAmount(object.cpus),
    mem: asAmount(object.mem),
    disk: asAmount(object.disk),
    gpus: asAmount(object.gpus),
    ports: parsePortRanges(object.ports),
  };
}

function parseResourceText(text: string): Resources {
  const resources: Resources = { ...NO_RESOURCES, ports: [] };
  for (const entry of text.split(';')) {
    // Only the name is matched: a pattern that also trims the amount backtracks for minutes over a long run of spaces.
    const match = /^\s*(\w+)(?:\([^)]*\))?\s*:/.exec(entry);
    if (!match) continue;
    const name = match[1];
    const amount = entry.slice(match[0].length);
    // Not push(...ranges): a megabyte of ranges is more arguments than a call takes.
    if (name === 'ports') resources.ports = resources.ports.concat(parsePortRanges(amount));
    else if (name === 'cpus' || name === 'mem' || name === 'disk' || name === 'gpus') resources[name] += asAmount(amount);
  }
  return resources;
}

export function addResources(a: Resources, b: Resources): Resources {
  return sumResources([a, b]);
}

/** The sum of a list of resources in one pass (adding 10k tasks' resources pairwise copied their ports 10k times). */
export function sumResources(list: Resources[]): Resources {
  const sum = (pick: (resources: Resources) => number) => list.reduce((total, resources) => total + pick(resources), 0);
  return {
    cpus: round(sum((resources) => resources.cpus)),
    mem: sum((resources) => resources.mem),
    disk: sum((resources) => resources.disk),
    gpus: sum((resources) => resources.gpus),
    ports: list.flatMap((resources) => resources.ports),
  };
}

/** No amount of anything: no cpus, mem, disk, gpus nor ports. */
export function isEmpty(resources: Resources): boolean {
  return resources.cpus === 0 && resources.mem === 0 && resources.disk === 0 && resources.gpus === 0 && resources.ports.length === 0;
}

/** What is left of `total` after `used` (never below zero; ports by range subtraction). */
export function freeResources(total: Resources, used: Resources): Resources {
  return {
    cpus: Math.max(0, round(total.cpus - used.cpus)),
    mem: Math.max(0, total.mem - used.mem),
    disk: Math.max(0, total.disk - used.disk),
    gpus: Math.max(0, total.gpus - used.gpus),
    ports: subtractRanges(total.ports, used.ports),
  };
}

/** The least of each amount, and the ports in both. */
export function minResources(a: Resources, b: Resources): Resources {
  return {
    cpus: Math.min(a.cpus, b.cpus),
    mem: Math.min(a.mem, b.mem),
    disk: Math.min(a.disk, b.disk),
    gpus: Math.min(a.gpus, b.gpus),
    ports: subtractRanges(a.ports, subtractRanges(a.ports, b.ports)),
  };
}

function subtractRanges(from: PortRange[], remove: PortRange[]): PortRange[] {
  let result = from.map((range) => ({ ...range }));
  for (const cut of remove) {
    result = result.flatMap((range) => {
      if (cut.end < range.begin || cut.begin > range.end) return [range];
      const pieces: PortRange[] = [];
      if (cut.begin > range.begin) pieces.push({ begin: range.begin, end: cut.begin - 1 });
      if (cut.end < range.end) pieces.push({ begin: cut.end + 1, end: range.end });
      return pieces;
    });
  }
  return result;
}

/** Avoids 0.30000000000000004 cpus in messages. */
const round = (value: number) => Math.round(value * 1000) / 1000;
