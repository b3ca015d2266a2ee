import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { explainFromMarathon } from '../diagnose.js';
import { appSelector, describeSelector, exactlyOne, nameOrImage, selectTasks } from '../tasks.js';

/** How much of a sandbox file `contains` searches: its end, where a task's latest output is. */
const READ_BYTES = 64 * 1024;

/**
 * A task's sandbox has the file (stdout or stderr), optionally containing a text — read through the
 * task's agent (`/files/browse`, `/files/read`), as the Mesos UI and `/cluster logs` do.
 */
export const sandboxFileCheck = defineCheck(
  z
    .strictObject({
      type: z.literal('sandbox-file'),
      ...nameOrImage,
      file: z.enum(['stdout', 'stderr']).default('stdout'),
      contains: z.string().min(1).optional(),
    })
    .refine(exactlyOne(['name', 'image']), 'give either name or image'),
  async (check, scope) => {
    const selector = check.name !== undefined ? { name: check.name } : { image: check.image! };
    const { tasks } = await selectTasks(selector, scope, { finished: true });
    const task = tasks[0];
    if (!task) {
      const why = await explainFromMarathon(appSelector(selector), scope);
      return { pass: false, detail: `no task of ${describeSelector(selector)} has run, so it has no sandbox${why ? `. ${why}` : ''}` };
    }
    const mesos = scope.mesos();
    const agent = `the agent of task ${task.id}`;
    if (check.contains === undefined) {
      const entries = await scope.track(agent, () => mesos.browseSandbox(task.id));
      const found = entries.find((entry) => entry.path.endsWith(`/${check.file}`));
      return found
        ? { pass: true, detail: `${task.name}'s sandbox has ${check.file} (${found.size} bytes)` }
        : {
            pass: false,
            detail: `${task.name}'s sandbox has no ${check.file} (it has ${entries.map((entry) => entry.path.split('/').pop()).join(', ') || 'nothing'})`,
          };
    }
    const { content, size } = await scope.track(agent, () => mesos.readSandboxFile(task.id, check.file, READ_BYTES));
    const where = `${task.name}'s ${check.file}${size > content.length ? ` (last ${content.length} of ${size} bytes)` : ''}`;
    return content.includes(check.contains)
      ? { pass: true, detail: `${where} contains "${check.contains}"` }
      : { pass: false, detail: `${where} does not contain "${check.contains}"` };
  },
);
