import { z } from 'zod';
import { LIVE_TASK_STATES, TERMINAL_TASK_STATES } from '../clients/mesos-model.js';

/** Mesos task states (mesos.proto 1.0, plus 1.1's): the live ones, and the terminal ones the clients know. */
export const TASK_STATES = [...LIVE_TASK_STATES, 'TASK_UNKNOWN', ...TERMINAL_TASK_STATES] as [string, ...string[]];

export const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_TASK_STATES);

export const taskStateSchema = z.enum(TASK_STATES).default('TASK_RUNNING');

/** "TASK_RUNNING" → "running", for sentences. */
export function stateWord(state: string): string {
  return state
    .replace(/^TASK_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

/** "2 running, 1 staging" for a set of tasks; "none" when empty. */
export function summariseStates(tasks: Array<{ state: string }>): string {
  if (tasks.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${stateWord(state)}`).join(', ');
}
