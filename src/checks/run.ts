import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type CheckType, StepNotMet } from './check-type.js';
import type { ClusterView } from './cluster-view.js';
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
 */
export async function checkSteps(exercise: Exercise, steps: Step[], view: ClusterView, log?: Logger): Promise<Map<string, StepOutcome>> {
  const outcomes = await Promise.all(
    steps.map(async (step) => {
      const seconds = step.timeoutSeconds ?? exercise.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS;
      return [step.id, await checkOne(step.check, view, seconds, log)] as const;
    }),
  );
  return new Map(outcomes);
}

async function checkOne(check: Check, view: ClusterView, seconds: number, log?: Logger): Promise<StepOutcome> {
  const deadline = new AbortController();
  const scope = view.forStep(deadline.signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StepOutcome>((resolve) => {
    timer = setTimeout(() => {
      const waitingOn = scope.pending[0];
      deadline.abort();
      resolve({ status: 'error', detail: `${waitingOn ?? 'This check'} did not ${waitingOn ? 'answer' : 'finish'} in ${seconds} s.` });
    }, seconds * 1000);
  });
  const checked = BY_TYPE.get(check.type)!
    .run(check, scope)
    .then(
      (outcome): StepOutcome => ({ status: outcome.pass ? 'pass' : 'fail', detail: outcome.detail }),
      (error: unknown): StepOutcome => {
        if (error instanceof StepNotMet) return { status: 'fail', detail: error.message };
        if (error instanceof UserError) return { status: 'error', detail: error.message };
        log?.error({ err: error, check: check.type }, 'a check failed unexpectedly');
        return { status: 'error', detail: `I could not check this step (${(error as Error).message ?? String(error)}).` };
      },
    );
  try {
    return await Promise.race([checked, late]);
  } finally {
    clearTimeout(timer);
  }
}
