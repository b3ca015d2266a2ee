import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';
import { explainFromMarathon } from '../diagnose.js';
import { stateWord, summariseStates, TERMINAL, taskStateSchema } from '../task-state.js';
import { appSelector, describeSelector, exactlyOne, nameOrImage, selectTasks } from '../tasks.js';

/** Tasks (by Mesos task name or Marathon app id, or by image) in a state: at least one unless `count` says otherwise. */
export const taskCheck = defineCheck(
  z
    .strictObject({ type: z.literal('task'), ...nameOrImage, state: taskStateSchema, count: countSchema.default({ atLeast: 1 }) })
    .refine(exactlyOne(['name', 'image']), 'give either name or image'),
  async (check, scope) => {
    const selector = check.name !== undefined ? { name: check.name } : { image: check.image! };
    const { tasks } = await selectTasks(selector, scope, { finished: TERMINAL.has(check.state) });
    const inState = tasks.filter((task) => task.state === check.state).length;
    const seen = `${describeSelector(selector)}: ${inState} task${inState === 1 ? '' : 's'} ${stateWord(check.state)}`;
    if (countMatches(check.count, inState)) return { pass: true, detail: seen };
    const others = tasks.length > inState ? ` (all: ${summariseStates(tasks)})` : '';
    const why = check.state === 'TASK_RUNNING' && inState === 0 ? await explainFromMarathon(appSelector(selector), scope) : undefined;
    return { pass: false, detail: `${seen}${others}; this step needs ${describeCount(check.count)}${why ? `. ${why}` : ''}` };
  },
);
