import { z } from 'zod';
import { EndpointError, type HttpResponse } from '../../clients/http.js';
import { defineCheck } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';
import { fillTemplate, templateSchema } from '../template.js';

/** `nodes`, `cluster.nodes`, `hits.hits[0]` (a leading `$.` is allowed): where in a JSON answer to count. */
const jsonPathSchema = z
  .string()
  .regex(/^(\$\.?)?([A-Za-z0-9_-]+|\[\d+\])(\.?([A-Za-z0-9_-]+|\[\d+\]))*$|^\$$/, 'expected a path like nodes or cluster.nodes');

/**
 * A GET to a templated URL (`http://{task:nginx:80}/`, `{master}/`): the status (any 2xx unless
 * given), text the body must or must not contain, and the number of entries at a JSON path
 * (Elasticsearch's `/_nodes` lists one key per node under `nodes`).
 */
export const httpCheck = defineCheck(
  z.strictObject({
    type: z.literal('http'),
    url: templateSchema,
    status: z.number().int().min(100).max(599).optional(),
    bodyContains: z.string().min(1).optional(),
    bodyLacks: z.string().min(1).optional(),
    json: z.strictObject({ path: jsonPathSchema, count: countSchema }).optional(),
  }),
  async (check, scope) => {
    const url = await fillTemplate(check.url, scope);
    let response: HttpResponse;
    try {
      response = await scope.get(url);
    } catch (error) {
      // Nothing listening where the app should answer: not done yet, rather than "could not check".
      if (error instanceof EndpointError && error.kind === 'unreachable') return { pass: false, detail: error.message };
      throw error;
    }
    const statusOk = check.status !== undefined ? response.status === check.status : response.status >= 200 && response.status < 300;
    // What the page must not say tells why better than its status (WordPress' 500 is its database error page).
    const saysWhatItMustNot = check.bodyLacks !== undefined && response.text.includes(check.bodyLacks);
    if (!statusOk)
      return {
        pass: false,
        detail: `${url} answered HTTP ${response.status}${saysWhatItMustNot ? ` with "${check.bodyLacks}"` : ''}; this step needs ${check.status ?? 'a 2xx'}${saysWhatItMustNot ? ` without it` : ''}`,
      };
    if (check.bodyContains !== undefined && !response.text.includes(check.bodyContains))
      return { pass: false, detail: `${url} answered, but without "${check.bodyContains}"` };
    if (saysWhatItMustNot) return { pass: false, detail: `${url} answered "${check.bodyLacks}"` };
    if (check.json) {
      const found = jsonCount(response.text, check.json.path);
      if (found === undefined) return { pass: false, detail: `${url} did not answer JSON with ${check.json.path}` };
      if (!countMatches(check.json.count, found))
        return {
          pass: false,
          detail: `${url} lists ${found} under ${check.json.path}; this step needs ${describeCount(check.json.count)}`,
        };
      return { pass: true, detail: `${url} lists ${found} under ${check.json.path}` };
    }
    return { pass: true, detail: `${url} answered HTTP ${response.status}${check.bodyContains ? ` with "${check.bodyContains}"` : ''}` };
  },
);

/** The number of entries (object keys, array items) at `path`; undefined when it is not JSON or not there. */
export function jsonCount(text: string, path: string): number | undefined {
  const value = jsonAt(text, path);
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

/** The value at `path` (`$.a.b[0]`) in a JSON text; undefined when it is not JSON or not there. */
export function jsonAt(text: string, path: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const steps = path.replace(/^\$\.?/, '').match(/[A-Za-z0-9_-]+|\[\d+\]/g) ?? [];
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    value = step.startsWith('[')
      ? Array.isArray(value)
        ? value[Number(step.slice(1, -1))]
        : undefined
      : (value as Record<string, unknown>)[step];
  }
  return value;
}
