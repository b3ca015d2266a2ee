import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type CheckType, StepNotMet } from './check-type.js';
import type { ClusterView, StepScope } from './cluster-view.js';
import type { Check, Exercise, Step } from './exercise.js';
import { CHECK_TYPES } from './types/index.js';

/** What one step's check found now: `error` when it could not look (an endpoint down, too slow). */
export interface StepOutcome {
  status: 'pass' | 'fail' | 'error';
  detail: string;
}

export const DEFAULT_STEP_TIMEOUT_SECONDS = 3;

const BY_TYPE = new Map<string, CheckType>(CHECK_TYPES.map((type) => [type.schema.shape.type.value, type as unknown as CheckType]));

/**
 * Checks the steps at once, each against its own deadline: a dead or slow endpoint fails only
 * the steps that need it, with the reason ("Marathon at http://… did not answer in 3 s").
 * Steps with the same number of seconds share one deadline (one timer, one signal) for the run.
 */
export async function checkSteps(exercise: Exercise, steps: Step[], view: ClusterView, log?: Logger): Promise<Map<string, StepOutcome>> {
  const deadlines = new Map<number, Deadline>();
  try {
    const outcomes = await Promise.all(
      steps.map((step) => {
        const seconds = step.timeoutSeconds ?? exercise.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS;
        let deadline = deadlines.get(seconds);
        if (!deadline) {
          deadline = new Deadline(seconds);
          deadlines.set(seconds, deadline);
        }
        return checkOne(step.check, view, deadline, log).then((outcome) => [step.id, outcome] as const);
      }),
    );
    return new Map(outcomes);
  } finally {
    for (const deadline of deadlines.values()) deadline.clear();
  }
}

/**
 * The end of the time the steps sharing it have: when it comes, every step still running is ended
 * with what it was waiting on right then, and only then is the signal aborted (which ends their calls).
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly running = new Map<StepScope, (outcome: StepOutcome) => void>();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly seconds: number) {
    this.timer = setTimeout(() => this.expire(), seconds * 1000);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** `scope`'s step is running; `late` ends it if the deadline comes first. */
  add(scope: StepScope, late: (outcome: StepOutcome) => void): void {
    this.running.set(scope, late);
  }

  done(scope: StepScope): void {
    this.running.delete(scope);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    const late = [...this.running];
    this.running.clear();
    for (const [scope, end] of late) {
      const waitingOn = scope.pending[0];
      end({ status: 'error', detail: `${waitingOn ?? 'This check'} did not ${waitingOn ? 'answer' : 'finish'} in ${this.seconds} s.` });
    }
    this.controller.abort();
  }
}

function checkOne(check: Check, view: ClusterView, deadline: Deadline, log?: Logger): Promise<StepOutcome> {
  const scope = view.forStep(deadline.signal);
  return new Promise<StepOutcome>((resolve) => {
    deadline.add(scope, resolve);
    BY_TYPE.get(check.type)!
      .run(check, scope)
      .then(
        (outcome): StepOutcome => ({ status: outcome.pass ? 'pass' : 'fail', detail: outcome.detail }),
        (error: unknown): StepOutcome => {
          if (error instanceof StepNotMet) return { status: 'fail', detail: error.message };
          // A detail is plain text (escaped where it is shown): errorMessage decodes a UserError's mrkdwn.
          if (error instanceof UserError) return { status: 'error', detail: errorMessage(error) };
          log?.error({ err: error, check: check.type }, 'a check failed unexpectedly');
          return { status: 'error', detail: `I could not check this step (${(error as Error).message ?? String(error)}).` };
        },
      )
      .then((outcome) => {
        deadline.done(scope);
        resolve(outcome);
      });
  });
}
