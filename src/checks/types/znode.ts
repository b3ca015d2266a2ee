import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { countMatches, countSchema, describeCount } from '../count.js';

/** A znode exists in the cluster's ZooKeeper, optionally with a number of children (what zkCli's `ls` shows). */
export const znodeCheck = defineCheck(
  z.strictObject({
    type: z.literal('znode'),
    path: z.string().regex(/^\/([^/\s]+(\/[^/\s]+)*)?$/, 'expected an absolute znode path like /elasticsearch/mesos-ha'),
    children: countSchema.optional(),
  }),
  async (check, scope) =>
    scope.zookeeper(async (zk) => {
      if (!(await zk.exists(check.path))) {
        const parent = check.path.slice(0, check.path.lastIndexOf('/')) || '/';
        const siblings = (await zk.exists(parent)) ? await zk.children(parent) : [];
        return {
          pass: false,
          detail: `there is no znode ${check.path}${siblings.length > 0 ? ` (${parent} has ${siblings.join(', ')})` : ''}`,
        };
      }
      if (check.children === undefined) return { pass: true, detail: `${check.path} exists` };
      const children = await zk.children(check.path);
      const listed = `${check.path} has ${children.length} child${children.length === 1 ? '' : 'ren'}${children.length > 0 ? ` (${children.slice(0, 5).join(', ')}${children.length > 5 ? ', …' : ''})` : ''}`;
      return countMatches(check.children, children.length)
        ? { pass: true, detail: listed }
        : { pass: false, detail: `${listed}; this step needs ${describeCount(check.children)}` };
    }),
);
