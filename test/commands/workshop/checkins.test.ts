import { describe, expect, it } from 'vitest';
import { parseEvery } from '../../../commands/workshop/checkins.js';
import { UserError } from '../../../src/errors.js';

const USAGE = '/workshop checkins [on [every 10m] | off | now]';
const every = (text: string) => parseEvery(text.split(' ').filter(Boolean), USAGE);

describe('/workshop checkins on every …', () => {
  it('reads minutes, hours, seconds and their mixes, ten minutes when not told', () => {
    expect(every('')).toBe(10 * 60_000);
    expect(every('every 10m')).toBe(10 * 60_000);
    expect(every('every 10 min')).toBe(10 * 60_000);
    expect(every('every 5 minutes')).toBe(5 * 60_000);
    expect(every('every 1h30m')).toBe(90 * 60_000);
    expect(every('every 2 hours')).toBe(120 * 60_000);
    expect(every('every 90s')).toBe(90_000);
    expect(every('EVERY 1M')).toBe(60_000);
  });

  it('refuses what is not a duration, or out of 1 minute … 2 hours, saying why', () => {
    for (const [text, message] of [
      ['every 59s', 'too often'],
      ['every 0m', 'too often'],
      ['every 2h1m', 'too rare'],
      ['every 5', 'has no unit'],
      ['every 5 days', 'is not a duration'],
      ['every -5m', 'is not a duration'],
      ['often', 'is not something /workshop checkins on understands'],
      ['every 1.5h', 'use whole numbers'],
      ['every 0,5 hours', 'use whole numbers'],
    ] as const) {
      expect(() => every(text), text).toThrow(UserError);
      expect(() => every(text), text).toThrow(message);
    }
  });

  it('says how to write an hour and a half, instead of only "not a duration"', () => {
    expect(() => every('every 1.5h')).toThrow(
      expect.objectContaining({ hint: 'For an hour and a half, write `every 1h30m` or `every 90m`.' }),
    );
  });

  it('repeats a 5,000-digit interval cut short, never whole', () => {
    for (const text of [`every ${'9'.repeat(5000)}h`, `every ${'1'.repeat(5000)}`, `every ${'1 '.repeat(2500)}m`]) {
      let error: UserError | undefined;
      try {
        every(text);
      } catch (caught) {
        error = caught as UserError;
      }
      expect(error, text.slice(0, 20)).toBeInstanceOf(UserError);
      expect(`${error!.message} ${error!.hint}`.length, text.slice(0, 20)).toBeLessThan(400);
      expect(error!.message).toContain('characters)');
    }
  });
});
