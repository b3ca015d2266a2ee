import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { testRedisUrl } from '../../support/services.js';
import { type CheckBot, startCheckBot, stepLine } from './support.js';

/** Bad input and bad clusters: every answer says what is wrong and what to do; one dead endpoint never sinks a run. */
describe.skipIf(!testRedisUrl())('/check with bad input and failing clusters (e2e)', () => {
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  let silent: Server;
  let silentUrl = '';
  const hung: Socket[] = [];

  beforeAll(async () => {
    bot = await startCheckBot();
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    // Accepts connections and never answers: a Marathon that hangs.
    silent = createServer((socket) => hung.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const socket of hung) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await bot?.stop();
    await cluster?.stop();
  });

  it('an unknown exercise is named, with the list of known ones', async () => {
    const reply = await bot.command('/check', 'kubernetes', 'U0ANYONE');
    expect(reply.text).toContain(
      'I don\'t know the exercise "kubernetes". The exercises are: 1. minimesos-basics, 2. mesos-ui, 3. marathon, 4. frameworks, 5. wordpress, 6. elk.',
    );
  });

  it('an attendee without a cluster is told how to get one', async () => {
    const reply = await bot.command('/check', 'marathon', 'U0NOCLUSTER');
    expect(reply.text).toContain("You don't have a cluster yet.");
    expect(reply.text).toContain('/cluster up');
  });

  it('stray words and misplaced flags are refused with the usage', async () => {
    expect((await bot.command('/check', 'marathon frameworks', 'U0ANYONE')).text).toContain('/check takes one exercise at a time');
    expect((await bot.command('/check', 'list --again', 'U0ANYONE')).text).toContain('--again goes with an exercise');
    expect((await bot.command('/check', '--force', 'U0ANYONE')).text).toContain('Unknown option "--force". Options here: --again.');
  });

  it('a Marathon that never answers fails only the steps that need it, within their deadline, naming it', async () => {
    const user = 'U0HANGING';
    await bot.slack.bot.services.clusters.attach(user, { master: cluster.masterUrl, marathon: silentUrl });
    const started = Date.now();
    const reply = await bot.command('/check', 'mesos-ui', user);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(stepLine(reply, "Open the master's UI")).toMatch(/^✅/);
    expect(stepLine(reply, 'The agents are registered')).toMatch(/^✅/);
    expect(stepLine(reply, 'Marathon is a framework')).toMatch(/^✅/);
    // No task is in Mesos' state, so finding Weave Scope's by image needs no Marathon; its UI step fails on that.
    expect(stepLine(reply, 'Weave Scope runs as a task')).toMatch(/^❌ .*image weaveworks\/scope: 0 tasks running/);
    const marathon = await bot.command('/check', 'marathon', user);
    expect(stepLine(marathon, 'Create nginx in Marathon')).toContain(`could not check: Marathon at ${silentUrl} did not answer in 3 s.`);
  });

  it('a cluster that died: every step says why it could not be checked, and the result still comes', async () => {
    const user = 'U0DEAD';
    const doomed = await startSimulatedCluster({ agents: 1 });
    await bot.slack.bot.services.clusters.attach(user, { master: doomed.masterUrl, marathon: doomed.marathonUrl });
    await doomed.stop();
    const reply = await bot.command('/check', 'marathon', user);
    expect(reply.text).toContain('0 of 6 steps done');
    expect(stepLine(reply, 'Create nginx in Marathon')).toContain(`could not check: I can't reach ${doomed.marathonUrl}`);
    expect(stepLine(reply, "Reach nginx on the agent's address")).toContain(`I can't reach ${doomed.masterUrl}`);
  });
});
