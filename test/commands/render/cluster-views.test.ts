import { describe, expect, it } from 'vitest';
import { frameworkBlocks, podBlocks, resourceBlocks, taskBlocks } from '../../../commands/render/cluster-views.js';
import { parsePodStatus } from '../../../src/clients/marathon-model.js';
import { parseMasterState } from '../../../src/clients/mesos-model.js';
import type { Block } from '../../../src/render/blocks.js';
import { messageToText } from '../../../src/render/text.js';

/** What `/state …` posts, as mrkdwn text. */
const shown = (blocks: Block[]) => messageToText({ text: '', blocks });
/** `/state resources` and `/state frameworks` for a master's JSON. */
const resourcesOf = (state: unknown) => shown(resourceBlocks(parseMasterState(state)));
const frameworksOf = (state: unknown) => shown(frameworkBlocks(parseMasterState(state).frameworks));

/** Small made-up states with the shapes real masters send (DC/OS UI and Datadog captures of Mesos 0.22–1.2). */
describe('/state views of real master shapes', () => {
  it('/state resources: two agents offering the same ports, one using a port, leave 2001 ports free in total (not 2000)', () => {
    const agent = (id: string, used: string) => ({
      id,
      hostname: id,
      resources: { cpus: 2, mem: 1024, ports: '[31000-32000]' },
      used_resources: { cpus: 0.5, mem: 128, ports: used },
    });
    const text = resourcesOf({ slaves: [agent('a1', '[31000-31000]'), agent('a2', '[]')] });
    const total = text.split('\n').find((line) => line.startsWith('ports'))!;
    expect(total).toContain('2002 total · 1 used · *2001 free*');
    // The range both agents offer is named once.
    expect(total).toMatch(/\(31000-32000\)$/);
    expect(text).toContain('cpus  4 total · 1 used · *3 free*');
  });

  it('/state resources marks an agent being drained (Mesos 1.9+) as draining, a disconnected one as inactive', () => {
    const text = resourcesOf({
      slaves: [
        { id: 'a1', hostname: 'agent-1', active: true, deactivated: true, drain_info: { state: 'DRAINING' } },
        { id: 'a2', hostname: 'agent-2', active: false },
      ],
    });
    expect(text).toContain('*agent-1* _(draining)_');
    expect(text).toContain('*agent-2* _(inactive)_');
  });

  it('/state frameworks from a /state-summary (counts, no task lists) says "3 running", not "no tasks"', () => {
    expect(frameworksOf({ frameworks: [{ id: 'f', name: 'cassandra', active: true, TASK_RUNNING: 3, TASK_FINISHED: 4 }] })).toContain(
      'tasks: 3 running',
    );
  });

  it('a task on an agent the master lost touch with (Mesos 1.1+: unreachable_tasks) is shown as unreachable, not left out', () => {
    const state = parseMasterState({
      slaves: [{ id: 'a1', hostname: 'agent-1' }],
      frameworks: [
        {
          id: 'f',
          name: 'marathon',
          tasks: [{ id: 'web.1', name: 'web', state: 'TASK_RUNNING', slave_id: 'a1' }],
          unreachable_tasks: [{ id: 'web.2', name: 'web', state: 'TASK_UNREACHABLE', slave_id: 'a2' }],
        },
      ],
    });
    expect(shown(frameworkBlocks(state.frameworks))).toContain('tasks: 1 running, 1 unreachable');
    const tasks = shown(taskBlocks(state));
    expect(tasks).toContain('*web* (marathon) — TASK_UNREACHABLE');
    expect(tasks).toContain('agent a2');
  });

  it("an active framework's heading has no stray double space; an inactive one says so", () => {
    const text = frameworksOf({
      frameworks: [
        { id: 'f1', name: 'on' },
        { id: 'f2', name: 'off', active: false },
      ],
    });
    expect(text).toContain('*on* — `f1`');
    expect(text).toContain('*off* _(inactive)_ — `f2`');
  });

  it('/state resources names what a role has reserved (counted as free above it), per agent and in total', () => {
    const text = resourcesOf({
      slaves: [
        // A DC/OS private agent leaves the master's ports out; a public one is reserved whole for slave_public.
        { id: 'a1', hostname: 'private', resources: { cpus: 4, mem: 15026, ports: '[1025-5049, 5052-32000]' } },
        {
          id: 'a2',
          hostname: 'public',
          resources: { cpus: 4, mem: 15026, ports: '[1-21, 23-5050, 5052-32000]' },
          reserved_resources: { slave_public: { cpus: 4, mem: 15026, ports: '[1-21, 23-5050, 5052-32000]' } },
        },
      ],
    });
    const [total, , public_] = text.split('*In total*')[1]!.split(/\n(?=\*)/);
    expect(total).toContain('(1-21, 23-5050, 5052-32000)');
    expect(total).toContain(
      '\nof which reserved for role slave_public (only its tasks get it): 4 cpus, 15026 MB mem, 0 MB disk, ports 1-21, 23-5050, 5052-32000',
    );
    expect(public_).toContain('*public*');
    expect(public_).toContain('reserved for role slave_public');
    expect(text.split('*private*')[1]!.split('*public*')[0]).not.toContain('reserved');
  });

  it('/state frameworks names the roles of a framework that has some besides * (a MULTI_ROLE one lists them)', () => {
    const text = frameworksOf({
      frameworks: [
        { id: 'f1', name: 'marathon', roles: ['slave_public', 'dev'], webui_url: 'http://m:8080' },
        { id: 'f2', name: 'chronos', role: 'batch' },
        { id: 'f3', name: 'plain', role: '*' },
      ],
    });
    expect(text).toContain('uses 0 cpus, 0 MB mem, 0 MB disk · roles slave_public, dev · UI http://m:8080');
    expect(text).toContain('· role batch');
    expect(text.split('*plain*')[1]).not.toContain('role');
  });

  it('/state resources: agents offering different, overlapping ranges (a DC/OS private and a public agent) list each port number once', () => {
    const text = resourcesOf({
      slaves: [
        { id: 'a1', hostname: 'private', resources: { cpus: 4, mem: 15026, ports: '[1025-2180, 2182-5049, 5052-32000]' } },
        { id: 'a2', hostname: 'public', resources: { cpus: 4, mem: 15026, ports: '[1-21, 23-5050, 5052-32000]' } },
      ],
    });
    const total = text.split('\n').find((line) => line.startsWith('ports'))!;
    expect(total).toMatch(/ \(1-21, 23-5050, 5052-32000\)$/);
  });

  it("a framework's used ports on several agents (31000 on two) are named once", () => {
    const text = frameworksOf({ frameworks: [{ id: 'f', name: 'marathon', used_resources: { ports: '[31000-31000, 31000-31001]' } }] });
    expect(text).toContain('ports 31000-31001');
  });

  it('/state marathon shows a pod (Marathon 1.4+) with its containers, instances and status', () => {
    const pod = parsePodStatus({
      id: '/podses',
      status: 'STABLE',
      spec: {
        containers: [
          { name: 'container-1', resources: { cpus: 0.001, mem: 0.001 }, image: { kind: 'DOCKER', id: 'redis' } },
          { name: 'container-2', resources: { cpus: 0.1, mem: 128 } },
        ],
        scaling: { kind: 'fixed', instances: 2 },
      },
      instances: [{ status: 'STABLE' }, { status: 'STABLE' }],
    });
    expect(shown(podBlocks([pod]))).toBe(
      '*/podses* — pod of 2 containers: container-1 (`redis`), container-2\ninstances 2 · running 2 · stable · 0.1 cpus, 128.001 MB each',
    );
  });
});
