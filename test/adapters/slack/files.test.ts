import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../../support/slack-bot.js';
import { eventBody, postSigned } from '../../support/slack-requests.js';

const MINIMESOS_FILE = `minimesos {
    clusterName = "from-a-file"
    mesosVersion = "1.0.0"
    zookeeper {
        imageName = "jplock/zookeeper"
        imageTag = "3.4.6"
    }
    master {
        imageName = "containersol/mesos-master"
        imageTag = "# derive from mesos version"
    }
    agent {
        imageName = "containersol/mesos-agent"
        imageTag = "# derive from mesos version"
    }
    agent {
        imageName = "containersol/mesos-agent"
        imageTag = "# derive from mesos version"
    }
}
`;

/** Slash commands cannot carry files: a minimesosFile comes as a DM (or mention) with the file and "cluster up". */
describe.skipIf(!testRedisUrl())('files sent to the bot (real Bolt, fake Slack, real Redis)', () => {
  let slack: SlackBotUnderTest;
  let sequence = 0;
  beforeAll(async () => {
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('files').slice(0, -1) } });
  });
  afterAll(async () => {
    await slack.bot.services.clusters.down('U0FILE', 1).catch(() => undefined);
    await slack?.stop();
  });

  /** A DM with files, as Slack sends it (subtype file_share); returns the bot's answer in that thread. */
  async function dm(user: string, text: string, files: Array<{ id: string; name: string; size: number }>): Promise<string> {
    const ts = `1700000300.${String(++sequence).padStart(6, '0')}`;
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/json',
      body: eventBody({
        type: 'message',
        subtype: 'file_share',
        channel_type: 'im',
        channel: `D0${user}`,
        user,
        text,
        files,
        ts,
        event_ts: ts,
      }),
    });
    expect(response.status).toBe(200);
    const answer = await slack.fake.waitFor(
      (call) => call.method === 'chat.postMessage' && call.body.thread_ts === ts && call.status === 200,
      8000,
    );
    return JSON.stringify(answer.body.blocks ?? answer.body.text);
  }

  it('builds from a minimesosFile sent with "cluster up", downloading it with the bot token', async () => {
    const file = slack.fake.shareFile('F0GOOD', 'minimesosFile', MINIMESOS_FILE);
    expect(await dm('U0FILE', 'cluster up', [file])).toContain('Your cluster is queued.');
    expect(slack.fake.calls.find((call) => call.method === 'file_download' && call.path.startsWith('/files/F0GOOD/'))?.body).toEqual({
      authorized: true,
    });
    const record = await slack.bot.services.clusters.get('U0FILE');
    expect(record).toMatchObject({ status: 'queued', clusterName: 'from-a-file' });
    const [job] = await slack.bot.services.queues.get('clusters').getJobs(['prioritized', 'waiting']);
    expect((job!.data as { spec: { agents: unknown[] } }).spec.agents).toHaveLength(2);
  });

  it('says where a sent minimesosFile is wrong, by line and column', async () => {
    const file = slack.fake.shareFile('F0BAD', 'minimesosFile', 'minimesos {\n  agent {\n    cpus = 2\n  }\n}\n');
    expect(await dm('U0BADFILE', 'cluster up', [file])).toContain("line 3, column 5: 'cpus' is not a property of agent { }");
  });

  it('asks what to do with a file sent without words, and refuses one too big to be a minimesosFile unread', async () => {
    const file = slack.fake.shareFile('F0BARE', 'minimesosFile', MINIMESOS_FILE);
    expect(await dm('U0BARE', '', [file])).toContain('I got minimesosFile. What should I do with it?');
    expect(await dm('U0BARE', 'cluster up', [{ id: 'F0HUGE', name: 'huge.iso', size: 700 * 1024 * 1024 }])).toContain(
      'huge.iso is 716800 KB; a minimesosFile may be at most 64 KB.',
    );
    expect(slack.fake.calls.some((call) => call.path?.startsWith('/files/F0HUGE'))).toBe(false);
  });

  it('explains a missing files:read permission instead of failing obscurely', async () => {
    slack.fake.fail('files.info', 'missing_scope', 1, { needed: 'files:read', provided: 'chat:write,commands' });
    const file = slack.fake.shareFile('F0SCOPE', 'minimesosFile', MINIMESOS_FILE);
    expect(await dm('U0SCOPE', 'cluster up', [file])).toContain('files:read');
  });
});
