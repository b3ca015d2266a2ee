import type { Redis } from 'ioredis';
import type { Exercise } from '../checks/exercise.js';
import { type ExerciseRecord, lastAdvance, type ProgressStore, type StepProgress } from '../checks/progress.js';
import { CURRENT_EXERCISE_KEY } from '../checks/service.js';
import type { ClusterStatus } from '../clusters/cluster-record.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { AttendeeRegistry, ProgressSummary } from '../workshop/attendees.js';
import type { InstructorRoles } from '../workshop/roles.js';

/** One attendee's mark for one step: passed, checked and not passing, or not checked yet. */
export type StepMark = 'pass' | 'fail' | 'todo';

export interface BoardRow {
  user: string;
  /** Their display name, else their user id. */
  name: string;
  /** Absent: no cluster. */
  cluster?: ClusterStatus;
  marks: StepMark[];
  passed: number;
  /** Checked the exercise at least once and not finished it: since when nothing has passed, and the step they are on (stuck after STUCK_AFTER_MS). */
  stuck?: { since: number; step: string };
}

/** Nothing passed for this long (since the first check, or the last pass) counts as stuck. */
export const STUCK_AFTER_MS = 60_000;

export type ClusterCounts = Record<ClusterStatus | 'none', number>;

/** The room at one moment, for the board page and the instructor's App Home: nothing private (no endpoints). */
export interface RoomSnapshot {
  exercise: { id: string; number: number; title: string; steps: Array<{ id: string; title: string }> };
  /** `started`: the instructor started it (`session:current-exercise`); `most`: the one most attendees are on. */
  source: 'started' | 'most';
  /** Attendees (instructors left out), by name. */
  rows: BoardRow[];
  clusters: ClusterCounts;
  /** How many finished every step of the exercise. */
  finished: number;
  /** Everyone stuck (nothing passed for STUCK_AFTER_MS), longest first. */
  stuck: BoardRow[];
  takenAt: number;
}

export interface RoomBoardDeps {
  redis: () => Redis;
  exercises: readonly Exercise[];
  progress: Pick<ProgressStore, 'getRoom'>;
  attendees: Pick<AttendeeRegistry, 'list'>;
  clusters: Pick<ClusterRegistry, 'list'>;
  roles: Pick<InstructorRoles, 'isInstructor'>;
}

/** Reads the room from Redis: who is there, their clusters' status, their marks in the exercise on the board. */
export class RoomBoard {
  constructor(private readonly deps: RoomBoardDeps) {}

  async snapshot(now = Date.now()): Promise<RoomSnapshot> {
    const { exercises } = this.deps;
    const [attendees, clusters, started] = await Promise.all([
      this.deps.attendees.list(),
      this.deps.clusters.list(),
      this.deps.redis().get(CURRENT_EXERCISE_KEY),
    ]);
    const instructor = await Promise.all(attendees.map((attendee) => this.deps.roles.isInstructor(attendee.user)));
    const people = attendees.filter((_attendee, index) => !instructor[index]);
    const running = exercises.find((exercise) => exercise.id === started);
    // The started exercise is all there is to read; otherwise every exercise tells where each attendee is.
    const records = await this.deps.progress.getRoom(
      people.map((person) => person.user),
      (running ? [running] : exercises).map((exercise) => exercise.id),
    );
    const exercise = running ?? mostAttended(exercises, records);
    const status = new Map(clusters.map((record) => [record.attendee, record.status]));
    const rows = people
      .map((person) => boardRow(exercise, records.get(person.user)?.get(exercise.id), person.user, person.name, status.get(person.user)))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
    const counts: ClusterCounts = { ready: 0, provisioning: 0, queued: 0, failed: 0, removing: 0, none: 0 };
    for (const row of rows) counts[row.cluster ?? 'none'] += 1;
    return {
      exercise: {
        id: exercise.id,
        number: exercise.number,
        title: exercise.title,
        steps: exercise.steps.map((step) => ({ id: step.id, title: step.title })),
      },
      source: running ? 'started' : 'most',
      rows,
      clusters: counts,
      finished: rows.filter((row) => row.passed === exercise.steps.length).length,
      stuck: rows.filter((row) => row.stuck && now - row.stuck.since >= STUCK_AFTER_MS).sort((a, b) => a.stuck!.since - b.stuck!.since),
      takenAt: now,
    };
  }

  /** For `/workshop attendees`: each attendee's steps passed in the exercise on the board. */
  async progressOf(users: string[]): Promise<Map<string, ProgressSummary>> {
    const snapshot = await this.snapshot();
    const wanted = new Set(users);
    const { title, steps } = snapshot.exercise;
    return new Map(
      snapshot.rows
        .filter((row) => wanted.has(row.user) && row.marks.some((mark) => mark !== 'todo'))
        .map((row) => [row.user, { exercise: title, passed: row.passed, steps: steps.length }]),
    );
  }
}

/** Passed; checked and not passing; or never checked. */
export function stepMark(progress: StepProgress | undefined): StepMark {
  if (progress?.passedAt !== undefined) return 'pass';
  return progress && progress.attempts > 0 ? 'fail' : 'todo';
}

function boardRow(
  exercise: Exercise,
  record: ExerciseRecord | undefined,
  user: string,
  name: string | undefined,
  cluster?: ClusterStatus,
): BoardRow {
  const marks = exercise.steps.map((step) => stepMark(record?.steps[step.id]));
  const passed = marks.filter((mark) => mark === 'pass').length;
  const next = exercise.steps.find((_step, index) => marks[index] !== 'pass');
  const since = lastAdvance(record);
  const stuck = since !== undefined && next ? { since, step: next.title } : undefined;
  return { user, name: name ?? user, ...(cluster ? { cluster } : {}), marks, passed, ...(stuck ? { stuck } : {}) };
}

/**
 * The exercise most attendees are working on: each one's is the exercise they checked last, or the
 * next one once they finished it. The first exercise when nobody checked any; ties go to the earlier.
 */
function mostAttended(exercises: readonly Exercise[], records: Map<string, Map<string, ExerciseRecord>>): Exercise {
  const counts = new Map<Exercise, number>();
  for (const byExercise of records.values()) {
    const checkedAt = (exercise: Exercise) => byExercise.get(exercise.id)?.checkedAt ?? -1;
    const last = exercises.reduce((latest, exercise) => (checkedAt(exercise) > checkedAt(latest) ? exercise : latest));
    if (checkedAt(last) < 0) continue;
    const finished = last.steps.every((step) => byExercise.get(last.id)?.steps[step.id]?.passedAt !== undefined);
    const current = finished ? (exercises[exercises.indexOf(last) + 1] ?? last) : last;
    counts.set(current, (counts.get(current) ?? 0) + 1);
  }
  let best = exercises[0]!;
  for (const exercise of exercises) if ((counts.get(exercise) ?? 0) > (counts.get(best) ?? 0)) best = exercise;
  return best;
}
