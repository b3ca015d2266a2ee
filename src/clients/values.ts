/**
 * Tolerant readers for JSON from clusters of many versions: a missing or odd field gets a default.
 * A field of the wrong type counts as missing, so a broken endpoint never yields NaN, a negative
 * count or "undefined" in a reply.
 */
export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** The first of `values` that is a list (`slaves` in Mesos before 1.0, `agents` after): one of the wrong type does not hide the other. */
export const firstArray = (...values: unknown[]): unknown[] => values.find(Array.isArray) ?? [];
export const asString = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
export const asNumber = (value: unknown, fallback = 0): number => {
  // Number('') and Number('  ') are 0: an empty string is no number.
  const number = typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : fallback;
};
/** A count (tasks, instances, steps): a whole number ≥ 0, else `fallback`. */
export const asCount = (value: unknown, fallback = 0): number => {
  const number = asNumber(value, Number.NaN);
  return Number.isSafeInteger(number) && number >= 0 ? number : fallback;
};
/** More of a resource than any cluster has (mem in MB: a zettabyte): beyond it a sum could reach Infinity. */
const MAX_AMOUNT = 1e15;
/** An amount of a resource (cpus, mem): a number from 0 to MAX_AMOUNT, else `fallback`. */
export const asAmount = (value: unknown, fallback = 0): number => {
  const number = asNumber(value, Number.NaN);
  return number >= 0 && number <= MAX_AMOUNT ? number : fallback;
};
/** A TCP/UDP port a task listens on: 1–65535, else undefined. */
export const optionalPort = (value: unknown): number | undefined => {
  const number = asNumber(value, Number.NaN);
  return Number.isInteger(number) && number >= 1 && number <= 65535 ? number : undefined;
};
/** A moment (seconds or milliseconds since 1970): a number > 0, else undefined (never "1970" for a missing time). */
export const optionalTime = (value: unknown): number | undefined => {
  const number = asNumber(value, Number.NaN);
  return number > 0 ? number : undefined;
};
export const asBoolean = (value: unknown, fallback = false): boolean => (typeof value === 'boolean' ? value : fallback);
export const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
/** A non-empty string, else `fallback` (a version "" reads as unknown, not as a blank). */
export const nonEmptyString = (value: unknown, fallback: string): string => {
  const text = asString(value);
  return text === '' ? fallback : text;
};

/** `{key: value}` when there is a value, `{}` when not: optional fields are left out, never undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [key in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [key in K]: V });
}
