import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

function bot(env: Record<string, string>, notifier = new RecordingNotifier()) {
  return createApp(loadConfig({ LOG_LEVEL: 'silent', WORKSHOP_KEY_PREFIX: uniquePrefix('faq').slice(0, -1), ...env }, 'local'), {
    log: createLogger('silent', { pretty: false }),
    notifier,
  });
}

async function run(app: BotApp, text: string, user = 'U0ASK') {
  const events: TerminalEvent[] = [];
  await app.router.dispatch(
    { user, channel: 'C0ROOM', command: 'faq', text },
    new TerminalResponder('C0ROOM', (event) => events.push(event)),
  );
  return events;
}

describe('/faq', () => {
  const offline = bot({ REDIS_URL: 'redis://127.0.0.1:1', INSTRUCTOR_CHANNEL: 'C0TEACH' });
  afterAll(() => offline.close());

  it('answers with the topic, related topics as buttons, without Redis', async () => {
    const [reply] = await run(offline, 'how do I scale my app?');
    const text = messageToText(reply!.payload);
    expect(text).toContain('*How can I scale my application?*');
    expect(text).toContain('Related: ');
    expect(JSON.stringify(reply!.payload.blocks)).toContain('"action_id":"faq.show"');
  });

  it('lists every topic by section for /faq alone', async () => {
    const text = messageToText((await run(offline, ''))[0]!.payload);
    for (const section of ['*Mesos basics*', '*Frameworks*', '*ZooKeeper*', '*Marathon*', '*minimesos*', '*Exercises*'])
      expect(text).toContain(section);
  });

  it("says it doesn't know, offers the closest topics and the instructor", async () => {
    const [reply] = await run(offline, 'what is the wifi password');
    expect(messageToText(reply!.payload)).toContain("I don't know that one yet.");
    const buttons = JSON.stringify(reply!.payload.blocks);
    expect(buttons).toContain('"action_id":"faq.ask-instructor","value":"what is the wifi password"');
  });

  it('the "Ask the instructor" button posts the question to the instructor channel', async () => {
    const notifier = new RecordingNotifier();
    const app = bot({ REDIS_URL: 'redis://127.0.0.1:1', INSTRUCTOR_CHANNEL: 'C0TEACH' }, notifier);
    const events: TerminalEvent[] = [];
    await app.router.dispatchAction(
      { user: 'U0ASK', channel: 'C0ROOM', actionId: 'faq.ask-instructor', value: 'can mesos run on a raspberry pi?' },
      new TerminalResponder('C0ROOM', (event) => events.push(event)),
    );
    await app.close();
    expect(notifier.posts).toHaveLength(1);
    expect(notifier.posts[0]!.channel).toBe('C0TEACH');
    expect(JSON.stringify(notifier.posts[0]!.message)).toContain('can mesos run on a raspberry pi?');
    expect(messageToText(events[0]!.payload)).toContain('I passed your question on');
  });

  it('a suggestion button shows that topic', async () => {
    const events: TerminalEvent[] = [];
    await offline.router.dispatchAction(
      { user: 'U0ASK', channel: 'C0ROOM', actionId: 'faq.show', value: 'what-is-sandbox' },
      new TerminalResponder('C0ROOM', (event) => events.push(event)),
    );
    expect(messageToText(events[0]!.payload)).toContain('*What is the sandbox?*');
  });
});

describe.skipIf(!testRedisUrl())("/faq with a live view of the attendee's cluster", () => {
  let cluster: SimulatedCluster;
  let app: BotApp;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({
      agents: ['cpus(*):2.5; mem(*):1000; disk(*):100; ports(*):[31000-31099]'],
      taskStartDelayMs: 50,
    });
    // The simulated cluster listens on loopback, which attached clusters may only use when ATTACH_ALLOW says so.
    app = bot({ REDIS_URL: testRedisUrl()!, ATTACH_ALLOW: '127.0.0.0/8' });
    await app.services.clusters.attach('U0LIVE', { master: cluster.masterUrl, marathon: cluster.marathonUrl });
  });
  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('adds the free resources of their own cluster under the answer', async () => {
    const text = messageToText((await run(app, 'how much resources are left?', 'U0LIVE'))[0]!.payload);
    expect(text).toContain('*On your cluster right now:* (1 agent)');
    expect(text).toContain('cpus  2.5 total · 0 used · *2.5 free*');
  });

  it('answers without the live part, and says so, when the cluster does not answer', async () => {
    await cluster.stop();
    const text = messageToText((await run(app, 'how much resources are left?', 'U0LIVE'))[0]!.payload);
    expect(text).toContain('*How can I see how much resources the cluster has left?*');
    expect(text).toContain("(I couldn't read your cluster for a live view:");
  });
});
