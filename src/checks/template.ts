import { z } from 'zod';
import { type CheckScope, StepNotMet } from './check-type.js';
import { explainFromMarathon } from './diagnose.js';
import { appSelector, describeSelector, publishedPort, selectTasks, type TaskSelector, taskAddress } from './tasks.js';

/**
 * Addresses in checks are templates over the attendee's cluster, resolved at check time:
 * `{master}`, `{marathon}` (URLs), `{zookeeper}` (host:port), and `{task:NAME:PORT}`,
 * `{image:IMAGE:PORT}`, `{framework:NAME:PORT}` — the host:port where the bot reaches that port
 * of a running task (see taskAddress).
 */
type Part = string | { endpoint: 'master' | 'marathon' | 'zookeeper' } | { selector: TaskSelector; port: string };

const PLACEHOLDER = /\{([^{}]*)\}/g;

function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, match.index));
    parts.push(parsePlaceholder(match[1]!));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

function parsePlaceholder(inside: string): Part {
  if (inside === 'master' || inside === 'marathon' || inside === 'zookeeper') return { endpoint: inside };
  const match = /^(task|image|framework):(.+):([A-Za-z0-9_]+)$/.exec(inside);
  const portless = /^(task|image|framework):([^:]+)$/.exec(inside);
  if (portless) throw new Error(`{${inside}} needs the port too: {${inside}:PORT}, like {${portless[1]}:${portless[2]}:80}`);
  if (!match)
    throw new Error(
      `{${inside}} is not a placeholder I know: use {master}, {marathon}, {zookeeper}, {task:NAME:PORT}, {image:IMAGE:PORT} or {framework:NAME:PORT}`,
    );
  const [, kind, value, port] = match as unknown as [string, 'task' | 'image' | 'framework', string, string];
  const selector: TaskSelector = kind === 'task' ? { name: value } : kind === 'image' ? { image: value } : { framework: value };
  return { selector, port };
}

/** A template string, checked when the exercises load. */
export const templateSchema = z
  .string()
  .min(1)
  .superRefine((text, context) => {
    try {
      parseTemplate(text);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

export async function fillTemplate(text: string, scope: CheckScope): Promise<string> {
  const filled = await Promise.all(
    parseTemplate(text).map(async (part) => {
      if (typeof part === 'string') return part;
      if ('endpoint' in part) return endpoint(part.endpoint, scope);
      const { tasks, state } = await selectTasks(part.selector, scope);
      const running = tasks.find((task) => task.state === 'TASK_RUNNING');
      if (!running) {
        const why = await explainFromMarathon(appSelector(part.selector), scope);
        throw new StepNotMet(
          `no task of ${describeSelector(part.selector)} is running, so there is nothing to reach${why ? `. ${why}` : ''}`,
        );
      }
      const port = /^\d+$/.test(part.port) ? String(await publishedPort(running, Number(part.port), scope)) : part.port;
      return taskAddress(running, port, state, scope.endpoints.apps);
    }),
  );
  return filled.join('');
}

function endpoint(name: 'master' | 'marathon' | 'zookeeper', scope: CheckScope): string {
  const value = scope.endpoints[name];
  if (!value) throw new StepNotMet(`your cluster has no ${name} endpoint`);
  return value.replace(/\/+$/, '');
}
