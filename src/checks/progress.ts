import type { Redis } from 'ioredis';
import { publishRoomChange, type RoomChange, roomChangesChannel } from '../board/changes.js';

/** One attendee's record of one step. */
export interface StepProgress {
  /** When the step first passed (ms since the epoch); it stays passed until `/check --again`. */
  passedAt?: number;
  /** How many checks looked at it until it passed. */
  attempts: number;
  hintsShown: number;
  solutionShownAt?: number;
}

/** What one check found: the steps that passed now and every step it looked at. */
export interface CheckedSteps {
  passed: string[];
  attempted: string[];
}

/** By step id; steps never checked are absent. */
export type ExerciseProgress = Record<string, StepProgress>;

/** One attendee's record of one exercise, as the room's board reads it. */
export interface ExerciseRecord {
  steps: ExerciseProgress;
  /** When they first checked it (absent: never checked). */
  startedAt?: number;
  /** When they last checked it. */
  checkedAt?: number;
}

/**
 * When the attendee last moved on in an exercise: their last pass, or their first check when
 * nothing passed since; undefined when they never checked it. Stuck is measured from here.
 */
export function lastAdvance(record: ExerciseRecord | undefined): number | undefined {
  if (record?.startedAt === undefined) return undefined;
  return Math.max(record.startedAt, ...Object.values(record.steps).map((step) => step.passedAt ?? 0));
}

/**
 * Attendees' progress in Redis: one hash per attendee and exercise (`progress:<attendee>:<exercise>`,
 * fields `passed:<step>`, `attempts:<step>`, `hints:<step>`, `solution:<step>`, `checkedAt` and
 * `startedAt`: the first check), plus the set
 * `progress:attendees`. Every update is atomic (a MULTI or a script; HSETNX keeps the first pass time
 * when two checks of the same attendee race).
 */
export class ProgressStore {
  constructor(private readonly redis: () => Redis) {}

  async get(attendee: string, exerciseId: string): Promise<ExerciseProgress> {
    return decode(await this.redis().hgetall(key(attendee, exerciseId)));
  }

  async getMany(attendee: string, exerciseIds: string[]): Promise<Map<string, ExerciseProgress>> {
    const records = (await this.getRoom([attendee], exerciseIds)).get(attendee)!;
    return new Map([...records].map(([id, record]) => [id, record.steps]));
  }

  /** Many attendees' records of the given exercises, in one round trip: attendee → exercise → record. */
  async getRoom(attendees: string[], exerciseIds: string[]): Promise<Map<string, Map<string, ExerciseRecord>>> {
    const pipeline = this.redis().pipeline();
    for (const attendee of attendees) for (const id of exerciseIds) pipeline.hgetall(key(attendee, id));
    const results = (await pipeline.exec()) ?? [];
    let index = 0;
    return new Map(
      attendees.map((attendee) => [
        attendee,
        new Map(
          exerciseIds.map((id) => {
            const [error, value] = results[index++] ?? [null, {}];
            if (error) throw error;
            const hash = value as Record<string, string>;
            return [
              id,
              {
                steps: decode(hash),
                ...(hash.startedAt ? { startedAt: Number(hash.startedAt) } : {}),
                ...(hash.checkedAt ? { checkedAt: Number(hash.checkedAt) } : {}),
              },
            ];
          }),
        ),
      ]),
    );
  }

  /** Records one check: the steps that passed now (first time only) and every step that was looked at. */
  async record(attendee: string, exerciseId: string, checked: CheckedSteps, now = Date.now()): Promise<ExerciseProgress> {
    const [progress] = await this.recordMany([{ attendee, exerciseId, ...checked }], now);
    return progress!;
  }

  /**
   * Records several checks in one script (a sweep's batch: one round trip and one command, not one
   * per attendee), each exactly as `record` does; returns each attendee's progress after it, in order.
   * The script is atomic and HSETNX keeps the first pass time, so a /check of the same attendee
   * racing with it is not lost and cannot move a first pass.
   */
  async recordMany(checks: Array<CheckedSteps & { attendee: string; exerciseId: string }>, now = Date.now()): Promise<ExerciseProgress[]> {
    if (checks.length === 0) return [];
    const args = checks.flatMap(({ attendee, passed, attempted }) => [
      attendee,
      JSON.stringify({ kind: 'progress', user: attendee } satisfies RoomChange),
      passed.length,
      ...passed,
      attempted.length,
      ...attempted,
    ]);
    const hashes = (await this.redis().eval(
      RECORD,
      checks.length + 1,
      ATTENDEES,
      ...checks.map((check) => key(check.attendee, check.exerciseId)),
      now,
      roomChangesChannel(this.redis()),
      ...args,
    )) as string[][];
    return hashes.map((flat) =>
      decode(Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]))),
    );
  }

  /** Counts one more hint revealed; returns how many have been now. */
  async showHint(attendee: string, exerciseId: string, stepId: string): Promise<number> {
    const [[error, count] = [null, 0]] = (await this.redis()
      .multi()
      .hincrby(key(attendee, exerciseId), `hints:${stepId}`, 1)
      .sadd(ATTENDEES, attendee)
      .exec()) ?? [[null, 0]];
    if (error) throw error;
    return Number(count);
  }

  async showSolution(attendee: string, exerciseId: string, stepId: string, now = Date.now()): Promise<void> {
    await this.redis().multi().hsetnx(key(attendee, exerciseId), `solution:${stepId}`, String(now)).sadd(ATTENDEES, attendee).exec();
  }

  /** `/check --again`: forgets which steps passed (attempts, hints and solutions shown are kept). */
  async resetPasses(attendee: string, exerciseId: string): Promise<void> {
    await this.redis().eval(DELETE_PASSES, 1, key(attendee, exerciseId));
    await publishRoomChange(this.redis(), { kind: 'progress', user: attendee });
  }
}

// KEYS: progress:attendees, then one progress hash per check. ARGV: now, the room changes channel, then per
// check: attendee, their room change, the number of steps passed now, those, the number of steps looked at, those.
// Returns each hash after its check (HGETALL), in order.
const RECORD = `
local now, channel, at = ARGV[1], ARGV[2], 3
local hashes = {}
for k = 2, #KEYS do
  local hash, attendee, change = KEYS[k], ARGV[at], ARGV[at + 1]
  local passed = tonumber(ARGV[at + 2])
  at = at + 3
  for i = at, at + passed - 1 do redis.call('HSETNX', hash, 'passed:' .. ARGV[i], now) end
  at = at + passed
  local attempted = tonumber(ARGV[at])
  at = at + 1
  for i = at, at + attempted - 1 do redis.call('HINCRBY', hash, 'attempts:' .. ARGV[i], 1) end
  at = at + attempted
  redis.call('HSET', hash, 'checkedAt', now)
  redis.call('HSETNX', hash, 'startedAt', now)
  redis.call('SADD', KEYS[1], attendee)
  redis.call('PUBLISH', channel, change)
  hashes[#hashes + 1] = redis.call('HGETALL', hash)
end
return hashes
`;

const DELETE_PASSES = `
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 7) == 'passed:' then redis.call('HDEL', KEYS[1], field) end
end
return 1
`;

function decode(hash: Record<string, string>): ExerciseProgress {
  const steps: ExerciseProgress = {};
  for (const [field, value] of Object.entries(hash)) {
    const match = /^(passed|attempts|hints|solution):(.+)$/.exec(field);
    if (!match) continue;
    steps[match[2]!] ??= { attempts: 0, hintsShown: 0 };
    const step = steps[match[2]!]!;
    const number = Number(value);
    if (match[1] === 'passed') step.passedAt = number;
    else if (match[1] === 'attempts') step.attempts = number;
    else if (match[1] === 'hints') step.hintsShown = number;
    else step.solutionShownAt = number;
  }
  return steps;
}

const ATTENDEES = 'progress:attendees';
const key = (attendee: string, exerciseId: string) => `progress:${attendee}:${exerciseId}`;
