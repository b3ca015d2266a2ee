import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';

/** How many agents are registered and active. */
export const agentsCheck = defineCheck(z.strictObject({ type: z.literal('agents'), count: countSchema }), async (check, scope) => {
  const state = await scope.masterState();
  const active = state.agents.filter((agent) => agent.active).length;
  const agents = (n: number) => `${n} active agent${n === 1 ? '' : 's'}`;
  return countMatches(check.count, active)
    ? { pass: true, detail: agents(active) }
    : { pass: false, detail: `${agents(active)}; this step needs ${describeCount(check.count)}` };
});
