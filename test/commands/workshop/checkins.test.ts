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
    ] as const) {
      expect(() => every(text), text).toThrow(UserError);
      expect(() => every(text), text).toThrow(message);
    }
  });
});
