import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';
import { stateWord, summariseStates, taskStateSchema } from '../task-state.js';

/**
 * A framework is registered (by name) and active, optionally with tasks in a state: how many, and
 * whether every active agent runs exactly one (how Elasticsearch places its nodes).
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
    const wanted = framework.tasks.filter((task) => task.state === check.tasks!.state);
    const word = stateWord(check.tasks.state);
    const tasks = `${framework.name} has ${wanted.length} ${word} task${wanted.length === 1 ? '' : 's'}`;
    if (check.tasks.count !== undefined && !countMatches(check.tasks.count, wanted.length))
      return {
        pass: false,
        detail: `${tasks} (all: ${summariseStates(framework.tasks)}); this step needs ${describeCount(check.tasks.count)}`,
      };
    if (check.tasks.onePerAgent) {
      const agents = state.agents.filter((agent) => agent.active);
      const crowded = agents.filter((agent) => wanted.filter((task) => task.agentId === agent.id).length !== 1);
      if (crowded.length > 0)
        return {
          pass: false,
          detail: `${tasks} on ${agents.length} agents; ${crowded.length} agent${crowded.length === 1 ? ' does' : 's do'} not run exactly one`,
        };
      return { pass: true, detail: `${tasks}: one on each of the ${agents.length} agents` };
    }
    return { pass: true, detail: tasks };
  },
);
