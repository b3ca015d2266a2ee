import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { roomChangesChannel } from '../board/changes.js';
import type { Exercise } from '../checks/exercise.js';
import type { ProgressStore } from '../checks/progress.js';
import { CURRENT_EXERCISE_KEY } from '../checks/service.js';
import { quote, UserError } from '../errors.js';
import type { AttendeeRegistry } from './attendees.js';
import { QUIET_KEY } from './checkins.js';
import type { InstructorRoles } from './roles.js';

/** The session the instructor is running: from the first `/workshop start` to the confirmed `/workshop end`. */
export interface SessionState {
  id: string;
  /** The exercise `/check` means now. */
  exercise: string;
  /** Every exercise started in this session, in the order they were started (the results cover them). */
  exercises: string[];
  startedAt: number;
  startedBy: string;
  endedAt?: number;
  endedBy?: string;
}

/** One attendee × one step of the session's results (the CSV's row). */
export interface ResultRow {
  user: string;
  name: string;
  exercise: string;
  step: string;
  passedAt?: number;
  attempts: number;
  hintsShown: number;
}

export type EndOutcome = { ended: true; session: SessionState } | { ended: false; session?: SessionState };

/** Whether an ended session's results were attached: `posting` while someone attaches them, `done` once they are. */
export type ExportState = 'posting' | 'done';

export interface WorkshopSessionDeps {
  redis: () => Redis;
  exercises: readonly Exercise[];
  progress: Pick<ProgressStore, 'getRoom'>;
  attendees: Pick<AttendeeRegistry, 'list'>;
  roles: Pick<InstructorRoles, 'isInstructor'>;
}

/**
 * The room's session in Redis: `session:current-exercise` (the exercise id `/check` and the board
 * read), `session:state` (this JSON record), and after the end `session:ended:<id>` (kept a week),
 * `session:last-ended` (its id, so a failed export can be retried once no session runs) and
 * `session:export:<id>` (who is posting its results). Every change is one Lua script, so two
 * instructors (or two presses of a button) cannot interleave, and it tells the room's views.
 * Starting a new session also forgets who asked check-ins to stop nudging them: that choice holds
 * for the session it was made in.
 */
export class WorkshopSession {
  constructor(private readonly deps: WorkshopSessionDeps) {}

  async current(): Promise<SessionState | undefined> {
    const raw = await this.deps.redis().get(STATE_KEY);
    return raw ? decodeState(raw) : undefined;
  }

  /** Makes `exercise` the room's exercise, starting a session if none runs. */
  async start(exercise: Exercise, by: string, now = Date.now()): Promise<{ session: SessionState; previous?: string }> {
    // Without an expected exercise the move always happens.
    return (await this.move(exercise.id, by, now))!;
  }

  /** The exercise after the current one, in the course's order. */
  async next(by: string, now = Date.now()): Promise<{ session: SessionState; previous: string }> {
    const session = await this.current();
    if (!session) throw new UserError('No exercise is running, so there is no next one.', 'Start one with /workshop start <exercise>.');
    const index = this.deps.exercises.findIndex((exercise) => exercise.id === session.exercise);
    const following = this.deps.exercises[index + 1];
    if (!following) {
      throw new UserError(
        `${quote(session.exercise)} is the last exercise; there is no next one.`,
        'End the session with /workshop end (it exports the results), or start any exercise again with /workshop start <exercise>.',
      );
    }
    const moved = await this.move(following.id, by, now, session.exercise);
    if (!moved) {
      throw new UserError(
        'The exercise changed while you asked (another instructor, or a second press).',
        'Run /workshop next again if you still want to move on.',
      );
    }
    return { session: moved.session, previous: session.exercise };
  }

  /**
   * Ends session `id` if it is the one running: the current exercise is cleared, and the ended
   * session is kept a week. Ending a session that already ended answers `ended: false` with it.
   */
  async end(id: string, by: string, now = Date.now()): Promise<EndOutcome> {
    const redis = this.deps.redis();
    const [endedNow, raw] = (await redis.eval(
      END,
      4,
      STATE_KEY,
      CURRENT_EXERCISE_KEY,
      endedKey(id),
      LAST_ENDED_KEY,
      id,
      String(now),
      by,
      String(ENDED_TTL_SECONDS),
      roomChangesChannel(redis),
      JSON.stringify({ kind: 'session' }),
    )) as [number, string | null];
    if (endedNow === 1) return { ended: true, session: decodeState(raw!) };
    return raw ? { ended: false, session: decodeState(raw) } : { ended: false };
  }

  /** The session that ended last (within the week ended sessions are kept), and whether its results were attached. */
  async lastEnded(): Promise<{ session: SessionState; export?: ExportState } | undefined> {
    const redis = this.deps.redis();
    const id = await redis.get(LAST_ENDED_KEY);
    if (!id) return undefined;
    const [raw, state] = await Promise.all([redis.get(endedKey(id)), redis.get(exportKey(id))]);
    if (!raw) return undefined;
    return { session: decodeState(raw), ...(state === 'posting' || state === 'done' ? { export: state } : {}) };
  }

  /** One poster of an ended session's results at a time (a second press gets false while it works or once it is done). */
  async claimExport(id: string): Promise<boolean> {
    return (await this.deps.redis().set(exportKey(id), 'posting', 'EX', EXPORT_CLAIM_SECONDS, 'NX')) === 'OK';
  }

  /** The results were posted: nobody posts them again this week. */
  async exported(id: string): Promise<void> {
    await this.deps.redis().set(exportKey(id), 'done', 'EX', ENDED_TTL_SECONDS);
  }

  /** Posting failed: the next press of the button tries again. */
  async releaseExport(id: string): Promise<void> {
    await this.deps.redis().del(exportKey(id));
  }

  /** Every attendee (instructors left out) × every step of the session's exercises, by name. */
  async results(session: SessionState): Promise<ResultRow[]> {
    const exercises = session.exercises.flatMap((id) => this.deps.exercises.filter((exercise) => exercise.id === id));
    const everyone = await this.deps.attendees.list();
    const instructor = await Promise.all(everyone.map((attendee) => this.deps.roles.isInstructor(attendee.user)));
    const people = everyone
      .filter((_attendee, index) => !instructor[index])
      .map((attendee) => ({ user: attendee.user, name: attendee.name ?? attendee.user }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.user.localeCompare(b.user));
    const records = await this.deps.progress.getRoom(
      people.map((person) => person.user),
      exercises.map((exercise) => exercise.id),
    );
    return people.flatMap((person) =>
      exercises.flatMap((exercise) =>
        exercise.steps.map((step): ResultRow => {
          const stored = records.get(person.user)?.get(exercise.id)?.steps[step.id];
          return {
            ...person,
            exercise: exercise.id,
            step: step.id,
            ...(stored?.passedAt !== undefined ? { passedAt: stored.passedAt } : {}),
            attempts: stored?.attempts ?? 0,
            hintsShown: stored?.hintsShown ?? 0,
          };
        }),
      ),
    );
  }

  /** Sets the current exercise (only if it is still `expected`, when given); undefined when it was not. */
  private async move(
    exercise: string,
    by: string,
    now: number,
    expected?: string,
  ): Promise<{ session: SessionState; previous?: string } | undefined> {
    const redis = this.deps.redis();
    const [raw, previous] = (await redis.eval(
      MOVE,
      3,
      STATE_KEY,
      CURRENT_EXERCISE_KEY,
      QUIET_KEY,
      exercise,
      newSessionId(),
      String(now),
      by,
      expected ?? '',
      roomChangesChannel(redis),
      JSON.stringify({ kind: 'session' }),
    )) as [string | null, string | null];
    if (!raw) return undefined;
    return { session: decodeState(raw), ...(previous ? { previous } : {}) };
  }
}

const STATE_KEY = 'session:state';
const LAST_ENDED_KEY = 'session:last-ended';
const endedKey = (id: string) => `session:ended:${id}`;
const exportKey = (id: string) => `session:export:${id}`;
/** An ended session (and whether its results were posted) is remembered this long. */
const ENDED_TTL_SECONDS = 7 * 24 * 3600;
/** A poster that died holds the export this long at most. */
const EXPORT_CLAIM_SECONDS = 300;

const newSessionId = () => randomBytes(6).toString('hex');

function decodeState(raw: string): SessionState {
  const stored = JSON.parse(raw) as Record<string, unknown>;
  return {
    id: String(stored.id),
    exercise: String(stored.exercise ?? ''),
    // Lua's cjson writes an empty list as {}.
    exercises: Array.isArray(stored.exercises) ? stored.exercises.map(String) : [],
    startedAt: Number(stored.startedAt),
    startedBy: String(stored.startedBy),
    ...(stored.endedAt !== undefined ? { endedAt: Number(stored.endedAt), endedBy: String(stored.endedBy) } : {}),
  };
}

/**
 * KEYS: state, current exercise, the attendees check-ins must not nudge. ARGV: exercise, id for a
 * new session, now, by, the exercise that must be current ('' = any), the changes channel, the
 * change. Returns [state JSON or false when the expected exercise is not current, the exercise
 * before]. A new session starts with everyone nudged again (a sweep still running when the last one
 * ended kept honouring "stop nudging me").
 */
const MOVE = `
local previous = redis.call('GET', KEYS[2])
if ARGV[5] ~= '' and previous ~= ARGV[5] then return {false, previous} end
local raw = redis.call('GET', KEYS[1])
local state
if raw then
  state = cjson.decode(raw)
else
  state = {id = ARGV[2], startedAt = ARGV[3], startedBy = ARGV[4], exercises = {}}
  redis.call('DEL', KEYS[3])
end
if type(state.exercises) ~= 'table' then state.exercises = {} end
local seen = false
for _, id in ipairs(state.exercises) do if id == ARGV[1] then seen = true end end
if not seen then table.insert(state.exercises, ARGV[1]) end
state.exercise = ARGV[1]
local encoded = cjson.encode(state)
redis.call('SET', KEYS[1], encoded)
redis.call('SET', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[6], ARGV[7])
return {encoded, previous}
`;

/**
 * KEYS: state, current exercise, ended record, last ended. ARGV: session id, now, by, TTL, the
 * changes channel, the change. Returns [1, state] when it ended now, [0, ended state or false] otherwise.
 */
const END = `
local raw = redis.call('GET', KEYS[1])
if raw then
  local state = cjson.decode(raw)
  if state.id == ARGV[1] then
    state.endedAt = ARGV[2]
    state.endedBy = ARGV[3]
    local encoded = cjson.encode(state)
    redis.call('SET', KEYS[3], encoded, 'EX', tonumber(ARGV[4]))
    redis.call('SET', KEYS[4], ARGV[1], 'EX', tonumber(ARGV[4]))
    redis.call('DEL', KEYS[1], KEYS[2])
    redis.call('PUBLISH', ARGV[5], ARGV[6])
    return {1, encoded}
  end
end
return {0, redis.call('GET', KEYS[3])}
`;
