/** Tolerant readers for JSON from clusters of many versions: a missing or odd field gets a default. */
export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asString = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
export const asNumber = (value: unknown, fallback = 0): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : fallback;
};
export const asBoolean = (value: unknown, fallback = false): boolean => (typeof value === 'boolean' ? value : fallback);
export const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
