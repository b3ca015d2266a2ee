import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmShape, warmSpec } from '../../../src/clusters/warm-pool.js';
import { type HttpStub, startHttpStub } from '../../support/http-stub.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

const INSTRUCTOR = 'U0TEACH';
const FILE = `minimesos {
  clusterName = "kafka-lab"
  mesosVersion = "1.0.0"
  agent { }
  agent { }
}`;
const fenced = (file: string) => `\`\`\`${file}\`\`\``;

/** `/workshop warm N --minimesosfile`: through Bolt, the pool's target in Redis, and a /cluster up of that file claiming one. */
describe.skipIf(!testRedisUrl())('/workshop warm with a minimesosFile', () => {
  let slack: SlackBotUnderTest;
  let master: HttpStub;
  let sequence = 0;
  beforeAll(async () => {
    master = await startHttpStub(() => ({ status: 200, body: '{"activated_slaves":2}' }));
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('warmfile').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        HOST_MAX_CLUSTERS: '4',
      },
    });
  });
  afterAll(async () => {
    await slack?.stop();
    await master?.close();
  });

  async function run(user: string, command: string, text: string): Promise<string> {
    const id = `f${++sequence}`;
    await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
    });
    return JSON.stringify((await slack.fake.waitFor((call) => call.path === `/response/${id}`, 15_000)).body);
  }

  it("keeps clusters of the file's shape, and /cluster up with the same file takes one at once", async () => {
    const reply = await run(INSTRUCTOR, '/workshop', `warm 2 --minimesosfile\n${fenced(FILE)}`);
    expect(reply).toContain('Keeping 2 warm clusters on each Docker host');
    expect(reply).toContain('with that minimesosFile (2 agents, Mesos 1.0.0, kafka-lab)');
    const warm = slack.bot.services.warm;
    const target = await warm.target();
    expect(target).toMatchObject({ count: 2, agents: 2 });
    expect(target.spec?.clusterName).toBe('kafka-lab');
    expect(await run(INSTRUCTOR, '/workshop', 'warm')).toContain('2 per Docker host for `/cluster up` with that minimesosFile');
    // What the workers would build: one ready warm cluster of that shape.
    const host = (await warm.status())[0]!.host;
    const id = await warm.add(host, warmShape(warmSpec(target)));
    await warm.markReady(id, { endpoints: { master: master.url }, exports: [`export MINIMESOS_MASTER=${master.url}`], clusterTokens: {} });
    // The default shape does not match it: queued cold.
    expect(await run('U0ADA', '/cluster', 'up')).toContain('Your cluster is queued');
    // The same file (as /cluster up reads it) does.
    expect(await run('U0BOB', '/cluster', `up\n${fenced(FILE)}`)).toContain(`MINIMESOS_MASTER=${master.url}`);
    expect((await slack.bot.services.clusters.get('U0BOB'))?.clusterId).toBe(id);
  });

  it('says what is wrong with a bad file, and changes nothing', async () => {
    const before = await slack.bot.services.warm.target();
    for (const [text, message] of [
      ['warm 2 --minimesosfile', '--minimesosfile needs the file after it, in a code block.'],
      ['warm 2 --minimesosfile ``` ```', '--minimesosfile needs the file after it, in a code block.'],
      [`warm 2 --minimesosfile ${fenced('minimesos {\n  agent {\n}')}`, 'minimesosFile line'],
      [`warm 2 --minimesosfile ${fenced('minimesos {\n  agents = 3\n}')}`, 'minimesosFile line 2'],
      [`warm 2 --minimesosfile ${fenced(`minimesos {\n${'  agent { }\n'.repeat(9)}}`)}`, 'asks for 9 agents; the workshop allows'],
      [`warm 2 --agents 2 --minimesosfile ${fenced(FILE)}`, 'Send either --agents or a minimesosFile, not both.'],
      [`warm --minimesosfile ${fenced(FILE)}`, '--minimesosfile needs a number of clusters with it.'],
    ] as const) {
      expect(await run(INSTRUCTOR, '/workshop', text), text).toContain(message);
    }
    expect(await slack.bot.services.warm.target()).toEqual(before);
  });

  it('says 0 means none (not "keeping 0"), and a count past what a host holds is too many, not "not a number"', async () => {
    expect(await run(INSTRUCTOR, '/workshop', 'warm 99')).toContain(
      '99 warm clusters would not fit: a Docker host holds at most 4 clusters (HOST_MAX_CLUSTERS)',
    );
    expect(await run(INSTRUCTOR, '/workshop', 'warm lots')).toContain('\\"lots\\" is not a number of warm clusters from 0 to 4');
    const none = await run(INSTRUCTOR, '/workshop', 'warm 0');
    expect(none).toContain('No warm clusters from now on');
    expect(none).not.toContain('Keeping 0');
    expect((await slack.bot.services.warm.target()).count).toBe(0);
    expect(await run(INSTRUCTOR, '/workshop', 'warm')).toContain('No warm clusters* are kept');
  });
});
