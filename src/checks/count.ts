import { z } from 'zod';

/** How many of something a step wants: exactly N, or a bound (`{atLeast: 1}`, `{atMost: 3}`, or both). */
export type Count = number | { atLeast?: number; atMost?: number };

const whole = z.number().int().min(0);

export const countSchema = z.union(
  [
    whole,
    z
      .strictObject({ atLeast: whole.optional(), atMost: whole.optional() })
      .refine((bound) => bound.atLeast !== undefined || bound.atMost !== undefined, 'give atLeast, atMost or both')
      .refine((bound) => (bound.atLeast ?? 0) <= (bound.atMost ?? Number.POSITIVE_INFINITY), 'atLeast is more than atMost'),
  ],
  { error: 'expected a whole number, or {atLeast: N} / {atMost: N}' },
);

export function countMatches(count: Count, actual: number): boolean {
  if (typeof count === 'number') return actual === count;
  return actual >= (count.atLeast ?? 0) && actual <= (count.atMost ?? Number.POSITIVE_INFINITY);
}

/** "5", "at least 1", "at most 3", "1 to 3". */
export function describeCount(count: Count): string {
  if (typeof count === 'number') return String(count);
  if (count.atLeast !== undefined && count.atMost !== undefined) return `${count.atLeast} to ${count.atMost}`;
  return count.atLeast !== undefined ? `at least ${count.atLeast}` : `at most ${count.atMost}`;
}
