import { z } from 'zod';
import type { MarathonApp } from '../../clients/marathon-model.js';
import { defineCheck } from '../check-type.js';
import { type Count, countMatches, countSchema, describeCount } from '../count.js';
import { listApps, whyNoTaskRuns } from '../diagnose.js';
import { imageSchema } from '../image.js';
import { describeApp, describeApps, hasHealthChecks, selectApps } from '../marathon-apps.js';
import { exactlyOne } from '../tasks.js';

/**
 * A Marathon app (by id or image) as the step wants it: instances asked for, tasks running (by
 * default as many as the instances, or at least one), optionally healthy, and — unless told
 * otherwise — no deployment still in progress. With several apps of one image, one that fits passes.
 */
export const marathonAppCheck = defineCheck(
  z
    .strictObject({
      type: z.literal('marathon-app'),
      id: z.string().min(1).optional(),
      image: imageSchema.optional(),
      instances: countSchema.optional(),
      running: countSchema.optional(),
      healthy: z.literal(true).optional(),
      deploymentDone: z.boolean().default(true),
    })
    .refine(exactlyOne(['id', 'image']), 'give either id or image'),
  async (check, scope) => {
    const selector = check.id !== undefined ? { id: check.id } : { image: check.image! };
    const apps = await selectApps(selector, scope);
    if (apps.length === 0)
      return { pass: false, detail: `Marathon has no ${describeApps(selector)} (${listApps(await scope.marathonApps())})` };
    // Why a task does not run, when that is what is missing: the master's free resources tell a task that cannot be placed.
    const state = apps.some((app) => app.tasksRunning === 0) ? await scope.masterState().catch(() => undefined) : undefined;
    const running: Count = check.running ?? (typeof check.instances === 'number' ? check.instances : { atLeast: 1 });
    /** What keeps an app from passing, as one sentence part; empty when it fits. */
    const problems = (app: MarathonApp): string[] => {
      const needs: string[] = [];
      const found: string[] = [];
      if (check.instances !== undefined && !countMatches(check.instances, app.instances))
        needs.push(`${describeCount(check.instances)} instance${check.instances === 1 ? '' : 's'}`);
      const why = countMatches(running, app.tasksRunning) ? undefined : whyNoTaskRuns(app, state);
      if (!countMatches(running, app.tasksRunning)) needs.push(`${describeCount(running)} running`);
      if (check.healthy && !hasHealthChecks(app)) found.push('it has no health checks, so Marathon cannot call it healthy');
      else if (check.healthy && (app.tasksHealthy < app.tasksRunning || app.tasksUnhealthy > 0 || app.tasksRunning === 0))
        needs.push('every task healthy');
      // A deployment waiting on a task that cannot start never finishes: the reason is what to act on.
      if (why) found.push(why);
      else if (check.deploymentDone && app.deployments.length > 0) found.push('wait for its deployment to finish');
      return [...(needs.length > 0 ? [`this step needs ${needs.join(' and ')}`] : []), ...found];
    };
    const fitting = apps.find((app) => problems(app).length === 0);
    if (fitting) return { pass: true, detail: describeApp(fitting) };
    const closest = apps[0]!;
    return { pass: false, detail: `${describeApp(closest)}; ${problems(closest).join('; ')}` };
  },
);
