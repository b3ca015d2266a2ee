import { asNumber, asObject, asString } from './values.js';

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

/** Parses "[31000-32000, 33000-33001]" (Mesos' JSON form) or "31000-32000". Bad parts are skipped. */
export function parsePortRanges(text: unknown): PortRange[] {
  const ranges: PortRange[] = [];
  for (const part of asString(text).replace(/[[\]]/g, '').split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!match) continue;
    const begin = Number(match[1]);
    const end = Number(match[2] ?? match[1]);
    if (end >= begin) ranges.push({ begin, end });
  }
  return ranges;
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
    cpus: asNumber(object.cpus),
    mem: asNumber(object.mem),
    disk: asNumber(object.disk),
    gpus: asNumber(object.gpus),
    ports: parsePortRanges(object.ports),
  };
}

function parseResourceText(text: string): Resources {
  const resources: Resources = { ...NO_RESOURCES, ports: [] };
  for (const entry of text.split(';')) {
    const match = /^\s*(\w+)(?:\([^)]*\))?\s*:\s*(.+?)\s*$/.exec(entry);
    if (!match) continue;
    const [, name, amount] = match as unknown as [string, string, string];
    if (name === 'ports') resources.ports.push(...parsePortRanges(amount));
    else if (name === 'cpus' || name === 'mem' || name === 'disk' || name === 'gpus') resources[name] += asNumber(amount);
  }
  return resources;
}

export function addResources(a: Resources, b: Resources): Resources {
  return {
    cpus: round(a.cpus + b.cpus),
    mem: a.mem + b.mem,
    disk: a.disk + b.disk,
    gpus: a.gpus + b.gpus,
    ports: [...a.ports, ...b.ports],
  };
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
