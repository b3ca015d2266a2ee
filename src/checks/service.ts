import type { Redis } from 'ioredis';
import type { ClusterAccess, ClusterTarget } from '../clusters/access.js';
import type { ClusterEndpoints, ClusterRecord } from '../clusters/cluster-record.js';
import type { ClusterService, ReadyCluster } from '../clusters/service.js';
import { quote, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ClusterView } from './cluster-view.js';
import type { Exercise, Step } from './exercise.js';
import { type CheckedSteps, type ExerciseProgress, type ExerciseRecord, ProgressStore } from './progress.js';
import { checkSteps, type StepOutcome } from './run.js';

export type StepStatus = 'pass' | 'fail' | 'waiting' | 'error';

export interface StepResult {
  id: string;
  title: string;
  /** What the attendee does for this step. */
  do: string;
  status: StepStatus;
  detail: string;
  /** The hint due now (the latest one revealed), and where it is in the step's list. */
  hint: string;
  hintNumber: number;
  hintCount: number;
  passedAt?: number;
  /** The earlier step this one waits for. */
  after?: { id: string; title: string };
}

export interface ExerciseResult {
  exercise: Exercise;
  /** Whose progress this is; absent when the check had no history (explicit endpoints). */
  attendee?: string;
  steps: StepResult[];
  passed: number;
  total: number;
  /** The first step that fails: where the hint and the buttons point. */
  next?: StepResult;
}

/** The instructor's `/workshop start <exercise>` sets this key (under the bot's prefix) to the exercise id. */
export const CURRENT_EXERCISE_KEY = 'session:current-exercise';

/** What checking one attendee starts from, read ahead for a batch by `CheckService.prepare`. */
export interface PreparedCheck {
  /** Their usable cluster, or why it cannot be checked. */
  cluster: ReadyCluster | UserError;
  /** Their record of the exercise before the check. */
  record: ExerciseRecord;
}

/** A check whose cluster has answered, not recorded yet (see `CheckService.probe`). */
export interface ProbedCheck {
  attendee: string;
  exercise: Exercise;
  /** What to record. */
  checked: CheckedSteps;
  /** The check's result, from the attendee's progress once it is recorded. */
  result(progress: ExerciseProgress): ExerciseResult;
}

export interface CheckServiceDeps {
  exercises: Exercise[];
  clusters: ClusterService;
  access: ClusterAccess;
  redis: () => Redis;
  log: Logger;
}

/**
 * Exercises and attendees' progress through them: checks an attendee's live cluster (recording
 * what passed, so a sequence like create → destroy → start again is real), or any cluster by its
 * endpoints with no history (an instructor's dry run).
 */
export class CheckService {
  readonly progress: ProgressStore;

  constructor(private readonly deps: CheckServiceDeps) {
    this.progress = new ProgressStore(deps.redis);
  }

  get exercises(): readonly Exercise[] {
    return this.deps.exercises;
  }

  /** Every exercise by number and id, as `find` takes them: `1. minimesos-basics, 2. mesos-ui, …`. */
  get listed(): string {
    return this.deps.exercises.map((exercise) => `${exercise.number}. ${exercise.id}`).join(', ');
  }

  /** By id, or by its number in the workshop (`/check 3`); an unknown one's hint names `listCommand`. */
  find(name: string, listCommand = '/check list'): Exercise {
    const wanted = name.trim().toLowerCase();
    // `/check 03` is exercise 3; `/check 0` and `/check 00` are an 00-intro.yaml's.
    const number = wanted.replace(/^0+(?=\d)/, '');
    const found = this.deps.exercises.find((exercise) => exercise.id === wanted || String(exercise.number) === number);
    if (!found)
      throw new UserError(
        `I don't know the exercise ${quote(name)}. The exercises are: ${this.listed}.`,
        `\`${listCommand}\` shows them with their steps.`,
      );
    return found;
  }

  /** The exercise the instructor started, else the attendee's first unfinished one (else the last). */
  async current(attendee: string): Promise<Exercise> {
    const started = await this.deps.redis().get(CURRENT_EXERCISE_KEY);
    const running = this.deps.exercises.find((exercise) => exercise.id === started);
    if (running) return running;
    const progress = await this.progress.getMany(
      attendee,
      this.deps.exercises.map((exercise) => exercise.id),
    );
    return (
      this.deps.exercises.find((exercise) => exercise.steps.some((step) => progress.get(exercise.id)?.[step.id]?.passedAt === undefined)) ??
      this.deps.exercises.at(-1)!
    );
  }

  /** Checks the attendee's own cluster and records what passed. `again` forgets earlier passes first. */
  async checkAttendee(attendee: string, exerciseName?: string, options: { again?: boolean } = {}): Promise<ExerciseResult> {
    const exercise = exerciseName ? this.find(exerciseName) : await this.current(attendee);
    const [cluster, stored] = await Promise.all([
      this.deps.clusters.ready(attendee),
      options.again
        ? this.progress.resetPasses(attendee, exercise.id).then(() => this.progress.get(attendee, exercise.id))
        : this.progress.get(attendee, exercise.id),
    ]);
    const probed = await this.probeWith(attendee, exercise, cluster, stored);
    return probed.result(await this.progress.record(attendee, exercise.id, probed.checked));
  }

  /**
   * What checking each of `attendees` starts from (clusters, records of the exercise), read in two
   * round trips for all of them; then `checkPrepared` checks one at a time. A sweep reads a batch once
   * this way instead of twice per attendee.
   */
  async prepare(attendees: string[], exercise: Exercise): Promise<Map<string, PreparedCheck>> {
    const [clusters, records] = await Promise.all([
      this.deps.clusters.readyMany(attendees),
      this.progress.getRoom(attendees, [exercise.id]),
    ]);
    return new Map(
      attendees.map((attendee) => [attendee, { cluster: clusters.get(attendee)!, record: records.get(attendee)!.get(exercise.id)! }]),
    );
  }

  /**
   * `checkAttendee` from what `prepare` read, up to the recording: resolves once the attendee's
   * cluster has answered (its UserError when the cluster is not usable). `recordAll` then records a
   * whole batch's checks in one round trip.
   */
  async probe(attendee: string, exercise: Exercise, prepared: PreparedCheck): Promise<ProbedCheck> {
    if (prepared.cluster instanceof UserError) throw prepared.cluster;
    return this.probeWith(attendee, exercise, prepared.cluster, prepared.record.steps);
  }

  /** Records probed checks in one transaction, each as `checkAttendee` records one; their results, in order. */
  async recordAll(probed: ProbedCheck[]): Promise<ExerciseResult[]> {
    const progress = await this.progress.recordMany(
      probed.map(({ attendee, exercise, checked }) => ({ attendee, exerciseId: exercise.id, ...checked })),
    );
    return probed.map((check, index) => check.result(progress[index]!));
  }

  private async probeWith(attendee: string, exercise: Exercise, cluster: ReadyCluster, stored: ExerciseProgress): Promise<ProbedCheck> {
    const unpassed = exercise.steps.filter((step) => stored[step.id]?.passedAt === undefined);
    const outcomes = await checkSteps(exercise, unpassed, this.view(cluster), this.deps.log);
    const statuses = new Map<string, StepOutcome | { status: 'waiting'; detail: string }>();
    const passed: string[] = [];
    for (const step of unpassed) {
      const outcome = outcomes.get(step.id)!;
      const waitingFor = step.after !== undefined && stored[step.after]?.passedAt === undefined && !passed.includes(step.after);
      if (waitingFor) {
        const holds = outcome.status === 'pass' ? ' (what it checks holds already; it counts once that one has passed)' : '';
        statuses.set(step.id, { status: 'waiting', detail: `waits for "${this.stepTitle(exercise, step.after!)}" to pass first${holds}` });
        continue;
      }
      statuses.set(step.id, outcome);
      if (outcome.status === 'pass') passed.push(step.id);
    }
    const attempted = unpassed.filter((step) => statuses.get(step.id)!.status !== 'waiting').map((step) => step.id);
    return {
      attendee,
      exercise,
      checked: { passed, attempted },
      result: (progress) =>
        this.result(exercise, progress, attendee, (step) => {
          const passedAt = progress[step.id]?.passedAt;
          if (passedAt !== undefined && !statuses.has(step.id))
            return { status: 'pass', detail: `passed at ${new Date(passedAt).toISOString()}` };
          return statuses.get(step.id)!;
        }),
    };
  }

  /** Checks any cluster as it is now: no Redis, no history, `after:` ignored. */
  async checkCluster(exerciseName: string, endpoints: ClusterEndpoints): Promise<ExerciseResult> {
    const exercise = this.find(exerciseName);
    // Endpoints typed by the operator on the bot's own machine (`workshop-bot check run --master …`): trusted as built ones.
    const outcomes = await checkSteps(exercise, exercise.steps, this.view({ kind: 'provisioned', endpoints }), this.deps.log);
    return this.result(exercise, {}, undefined, (step) => outcomes.get(step.id)!);
  }

  /** Every exercise with the attendee's progress in it. */
  async progressOf(attendee: string): Promise<Array<{ exercise: Exercise; progress: ExerciseProgress }>> {
    const all = await this.progress.getMany(
      attendee,
      this.deps.exercises.map((exercise) => exercise.id),
    );
    return this.deps.exercises.map((exercise) => ({ exercise, progress: all.get(exercise.id) ?? {} }));
  }

  /** "Show hint": the step's next hint (the last one again when there are no more). */
  async revealHint(attendee: string, exerciseId: string, stepId: string): Promise<{ step: Step; hint: string; number: number }> {
    const step = this.step(exerciseId, stepId);
    const shown = await this.progress.showHint(attendee, exerciseId, stepId);
    const index = Math.min(shown, step.hint.length - 1);
    return { step, hint: step.hint[index]!, number: index + 1 };
  }

  async revealSolution(attendee: string, exerciseId: string, stepId: string): Promise<Step> {
    const step = this.step(exerciseId, stepId);
    await this.progress.showSolution(attendee, exerciseId, stepId);
    return step;
  }

  private step(exerciseId: string, stepId: string): Step {
    const step = this.find(exerciseId).steps.find((candidate) => candidate.id === stepId);
    if (!step)
      throw new UserError(
        `The exercise ${quote(exerciseId)} has no step ${quote(stepId)} any more.`,
        'Run /check again for a fresh result.',
      );
    return step;
  }

  private stepTitle(exercise: Exercise, stepId: string): string {
    return exercise.steps.find((step) => step.id === stepId)?.title ?? stepId;
  }

  private view(cluster: ClusterTarget & Pick<ClusterRecord, 'spec'>): ClusterView {
    return new ClusterView({ cluster, ...(cluster.spec ? { spec: cluster.spec } : {}), access: this.deps.access });
  }

  private result(
    exercise: Exercise,
    progress: ExerciseProgress,
    attendee: string | undefined,
    statusOf: (step: Step) => { status: StepStatus; detail: string },
  ): ExerciseResult {
    const steps = exercise.steps.map((step): StepResult => {
      const stored = progress[step.id];
      const hintIndex = Math.min(stored?.hintsShown ?? 0, step.hint.length - 1);
      return {
        id: step.id,
        title: step.title,
        do: step.do,
        ...statusOf(step),
        hint: step.hint[hintIndex]!,
        hintNumber: hintIndex + 1,
        hintCount: step.hint.length,
        ...(stored?.passedAt !== undefined ? { passedAt: stored.passedAt } : {}),
        ...(step.after !== undefined ? { after: { id: step.after, title: this.stepTitle(exercise, step.after) } } : {}),
      };
    });
    const next = steps.find((step) => step.status === 'fail' || step.status === 'error');
    return {
      exercise,
      ...(attendee !== undefined ? { attendee } : {}),
      steps,
      passed: steps.filter((step) => step.status === 'pass').length,
      total: steps.length,
      ...(next ? { next } : {}),
    };
  }
}
