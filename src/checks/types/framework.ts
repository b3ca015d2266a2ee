import { z } from 'zod';
import { appArgument } from '../../clients/marathon-definition.js';
import { currentTasks } from '../../clients/mesos-model.js';
import { withTimeout } from '../../within.js';
import { type CheckScope, defineCheck, StepNotMet } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';
import { imageSchema } from '../image.js';
import { describeApps, selectApps } from '../marathon-apps.js';
import { stateWord, summariseStates, taskStateSchema } from '../task-state.js';
import { exactlyOne } from '../tasks.js';
import { jsonAt } from './http.js';

/** How long the framework's web API may take to say what it wants before its app's args count instead. */
const SETTING_WAIT_MS = 2000;

/**
 * A framework is registered (by name) and active, optionally with tasks in a state: how many,
 * whether every active agent runs exactly one (how Elasticsearch places its nodes), and whether it
 * was asked for more than there are agents (`askedPastAgents`: the value of an argument of its
 * scheduler's Marathon app, e.g. `--elasticsearchNodes`) — so "it stopped at one per agent" is seen
 * only once the attendee asked for more.
 */
export const frameworkCheck = defineCheck(
  z.strictObject({
    type: z.literal('framework'),
    name: z.string().min(1),
    active: z.boolean().default(true),
    tasks: z
      .strictObject({
        state: taskStateSchema,
        count: countSchema.optional(),
        onePerAgent: z.literal(true).optional(),
        askedPastAgents: z
          .strictObject({
            app: z.string().min(1).optional(),
            image: imageSchema.optional(),
            arg: z.string().regex(/^-/, 'an option of the app, like --elasticsearchNodes'),
            /** What the scheduler asks for when its app leaves `arg` out (Mesos Elasticsearch: 3 nodes). */
            default: z.number().int().min(0).optional(),
            /**
             * Where the framework's own web API says how many it wants now, read first: a scheduler's UI
             * changes that without touching its app (Mesos Elasticsearch's Scaling tab: GET /v1/cluster,
             * `$.configuration.ElasticsearchNodes`). Unanswered, the app's `arg` counts.
             */
            setting: z
              .strictObject({
                path: z.string().regex(/^\//, "a path on the framework's web UI, like /v1/cluster"),
                json: z.string().min(1),
              })
              .optional(),
          })
          .refine(exactlyOne(['app', 'image']), 'give either app (its id) or image')
          .optional(),
      })
      .optional(),
  }),
  async (check, scope) => {
    const state = await scope.masterState();
    const framework = state.frameworks.find((candidate) => candidate.name === check.name && candidate.active === check.active);
    if (!framework) {
      const names = state.frameworks.map((candidate) => `${candidate.name}${candidate.active ? '' : ' (inactive)'}`).join(', ') || 'none';
      return {
        pass: false,
        detail: `no ${check.active ? 'active ' : 'inactive '}framework "${check.name}" is registered (frameworks: ${names})`,
      };
    }
    if (!check.tasks) return { pass: true, detail: `framework ${framework.name} is registered${framework.active ? ' and active' : ''}` };
    const current = currentTasks(framework);
    const wanted = current.filter((task) => task.state === check.tasks!.state);
    const word = stateWord(check.tasks.state);
    const tasks = `${framework.name} has ${wanted.length} ${word} task${wanted.length === 1 ? '' : 's'}`;
    if (check.tasks.count !== undefined && !countMatches(check.tasks.count, wanted.length))
      return {
        pass: false,
        detail: `${tasks} (all: ${summariseStates(current)}); this step needs ${describeCount(check.tasks.count)}`,
      };
    const agents = state.agents.filter((agent) => agent.active);
    const asked = check.tasks.askedPastAgents ? await askedOf(check.tasks.askedPastAgents, framework, scope) : undefined;
    if (asked && !(asked.count > agents.length))
      return {
        pass: false,
        detail: `${tasks}; ${asked.source} asks for ${asked.count} with ${agents.length} agent${agents.length === 1 ? '' : 's'}: ask for more than ${agents.length}`,
      };
    if (check.tasks.onePerAgent) {
      const crowded = agents.filter((agent) => wanted.filter((task) => task.agentId === agent.id).length !== 1);
      if (crowded.length > 0)
        return {
          pass: false,
          detail: `${tasks} on ${agents.length} agents; ${crowded.length} agent${crowded.length === 1 ? ' does' : 's do'} not run exactly one`,
        };
      const beyond = asked ? ` (${asked.source} asks for ${asked.count}: the other ${asked.count - wanted.length} cannot be placed)` : '';
      return { pass: true, detail: `${tasks}: one on each of the ${agents.length} agents${beyond}` };
    }
    if (asked) return { pass: true, detail: `${tasks}; ${asked.source} asks for ${asked.count}, more than the ${agents.length} agents` };
    return { pass: true, detail: tasks };
  },
);

/** How many tasks the framework's own setting, else its scheduler app's argument (or its default), asks for, and where that was read (for the detail). */
async function askedOf(
  by: { app?: string; image?: string; arg: string; default?: number; setting?: { path: string; json: string } },
  framework: { name: string; webuiUrl?: string },
  scope: CheckScope,
): Promise<{ count: number; source: string }> {
  if (by.setting && framework.webuiUrl) {
    const url = `${framework.webuiUrl.replace(/\/+$/, '')}${by.setting.path}`;
    // Only a better source than the app's args: a framework that does not answer soon leaves the args to count.
    const answer = await withTimeout(scope.get(url), SETTING_WAIT_MS);
    const count = answer?.status === 200 ? jsonAt(answer.text, by.setting.json) : undefined;
    if (typeof count === 'number' && Number.isInteger(count)) return { count, source: `${framework.name}'s own setting (${url})` };
  }
  const selector = by.app !== undefined ? { id: by.app } : { image: by.image! };
  const [app] = await selectApps(selector, scope);
  if (!app) throw new StepNotMet(`Marathon has no ${describeApps(selector)}, whose ${by.arg} says how many were asked for`);
  const value = appArgument(app.raw as Record<string, unknown>, by.arg);
  if (value === undefined && by.default !== undefined) return { count: by.default, source: `${app.id} (no ${by.arg}: the default)` };
  const count = Number(value);
  if (value === undefined || !Number.isInteger(count))
    throw new StepNotMet(`${app.id} does not set ${by.arg} to a whole number in its args`);
  return { count, source: `${app.id}'s ${by.arg}` };
}
