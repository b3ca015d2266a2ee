import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Faq, loadFaq } from '../../src/faq/faq.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

function bot(env: Record<string, string>, notifier = new RecordingNotifier(), faq?: Faq) {
  return createApp(loadConfig({ LOG_LEVEL: 'silent', WORKSHOP_KEY_PREFIX: uniquePrefix('faq').slice(0, -1), ...env }, 'local'), {
    log: createLogger('silent', { pretty: false }),
    notifier,
    ...(faq ? { faq } : {}),
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
    expect(text).not.toContain('Did you mean');
    expect(JSON.stringify(reply!.payload.blocks)).toContain('"action_id":"faq.show"');
  });

  it('answers a course question it is unsure of with the closest topic and "did you mean" buttons, not a refusal', async () => {
    const [reply] = await run(offline, 'how do i scael my aplication');
    const text = messageToText(reply!.payload);
    expect(text).toContain('*How can I scale my application?*');
    expect(text).toContain('Did you mean…');
    expect(text).not.toContain("I don't know");
    const buttons = JSON.stringify(reply!.payload.blocks).match(/"action_id":"faq\.show"/g) ?? [];
    // Related topics and three alternatives, each a button that shows its topic.
    expect(buttons.length).toBeGreaterThanOrEqual(4);
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

  it('answers a question in another language in English, and says so first', async () => {
    const [reply] = await run(offline, 'Wie kann ich meine App in Marathon auf 5 Instanzen hochskalieren?');
    const text = messageToText(reply!.payload);
    expect(text.startsWith('I answer in English:')).toBe(true);
    expect(text).toContain('*How can I scale my application?*');
  });

  it('tells an attendee whose question in another language it cannot read that it answers in English, with the closest topics and the instructor', async () => {
    const [reply] = await run(offline, 'Wo kann ich mein Fahrrad abstellen?');
    const text = messageToText(reply!.payload);
    expect(text).toContain('I answer course questions in English, and I could not tell for sure what this question in German asks.');
    expect(text).toContain('Ask again in English, or ask the instructor.');
    expect(text).not.toContain("I don't know");
    expect(JSON.stringify(reply!.payload.blocks)).toContain('"action_id":"faq.ask-instructor"');
  });

  it('tells an attendee who pasted output with nothing wrong in it that it sees nothing wrong, and how to ask', async () => {
    const pasted =
      '```\nCONTAINER ID   IMAGE                                  STATUS\nc0ffee123456   containersol/mesos-master:1.0.0-0.1.0  Up 10 minutes\n```';
    const [reply] = await run(offline, pasted);
    const text = messageToText(reply!.payload);
    expect(text).toContain('That looks like output from your terminal, and nothing in it says something went wrong.');
    expect(text).toContain('What would you like to know about it?');
    expect(text).not.toContain("I don't know");
    expect(JSON.stringify(reply!.payload.blocks)).toContain('"action_id":"faq.ask-instructor"');
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

  it('a question holding <!here> and a disguised link reaches the instructors escaped: no ping, no link; the asker is still mentioned', async () => {
    const question = '<!here> what is <https://evil.example|the wifi password>?';
    const [answer] = await run(offline, question);
    const button = answer!.payload.blocks
      ?.flatMap((block) => (block.type === 'actions' ? block.elements : []))
      .find((element) => element.action_id === 'faq.ask-instructor');
    expect(button?.value).toBe(question);
    const notifier = new RecordingNotifier();
    const app = bot({ REDIS_URL: 'redis://127.0.0.1:1', INSTRUCTOR_CHANNEL: 'C0TEACH' }, notifier);
    await app.router.dispatchAction(
      { user: 'U0ASK', channel: 'C0ROOM', actionId: 'faq.ask-instructor', value: button!.value! },
      new TerminalResponder('C0ROOM', () => undefined),
    );
    await app.close();
    const forwarded = JSON.stringify(notifier.posts[0]!.message);
    expect(forwarded).toContain('&lt;!here&gt; what is &lt;https://evil.example|the wifi password&gt;?');
    expect(forwarded).not.toContain('<!here>');
    expect(forwarded).not.toContain('<https://evil.example');
    expect(forwarded).toContain('<@U0ASK> asks (in <#C0ROOM>)');
  });

  it('without an instructor channel the question is repeated to the asker escaped, and the terminal shows it as typed', async () => {
    const app = bot({ REDIS_URL: 'redis://127.0.0.1:1' });
    const events: TerminalEvent[] = [];
    await app.router.dispatchAction(
      { user: 'U0ASK', channel: 'C0ROOM', actionId: 'faq.ask-instructor', value: '<!channel> help <https://x|y>' },
      new TerminalResponder('C0ROOM', (event) => events.push(event)),
    );
    await app.close();
    expect(JSON.stringify(events[0]!.payload.blocks)).toContain('_\\"&lt;!channel&gt; help &lt;https://x|y&gt;\\"_');
    expect(JSON.stringify(events[0]!.payload.blocks)).not.toContain('<!channel>');
    expect(messageToText(events[0]!.payload)).toContain('_"<!channel> help <https://x|y>"_');
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

describe('/faq on topics of its own (the FAQ is a service of the app)', () => {
  let app: BotApp;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faq-topics-'));
    await writeFile(
      join(dir, 'course.yaml'),
      [
        'section: chronos',
        'title: Chronos',
        'order: 1',
        'topics:',
        '  - id: chronos-jobs',
        '    title: How do I schedule a recurring job with Chronos?',
        '    phrasings: [Run a cron job on Mesos]',
        '    keywords: [chronos, cron, job, iso8601]',
        '    related: [chronos-ui]',
        '    answer: Post the job to `/scheduler/iso8601` with its schedule `R/2024-01-01T00:00:00Z/PT1H`.',
        '  - id: chronos-ui',
        '    title: Where is the Chronos UI?',
        '    keywords: [chronos, ui, port]',
        '    answer: On port 4400 of the host that runs Chronos.',
      ].join('\n'),
    );
    app = bot({ REDIS_URL: 'redis://127.0.0.1:1' }, new RecordingNotifier(), loadFaq(dir));
  });
  afterAll(() => app?.close());

  it('answers from those topics, with their related topics, and lists only them', async () => {
    const answer = messageToText((await run(app, 'how do i run a cron job with chronos'))[0]!.payload);
    expect(answer).toContain('*How do I schedule a recurring job with Chronos?*');
    expect(answer).toContain('Related: Where is the Chronos UI?');
    const index = messageToText((await run(app, ''))[0]!.payload);
    expect(index).toContain('*Chronos*');
    expect(index).not.toContain('Mesos basics');
  });
});

describe('/faq with hostile input', () => {
  const offline = bot({ REDIS_URL: 'redis://127.0.0.1:1' });
  afterAll(() => offline.close());

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    '"/faq %s" is an honest "I don\'t know" with the instructor button, not an error',
    async (word) => {
      const [reply] = await run(offline, word);
      expect(messageToText(reply!.payload)).toContain("I don't know that one yet.");
      expect(JSON.stringify(reply!.payload.blocks)).toContain('"action_id":"faq.ask-instructor"');
    },
  );

  it.skipIf(!testRedisUrl())('answers a question of one 10,000-letter word at once', async () => {
    // With the bot's Redis up: the answer's own time, not an outage's connection timeout.
    const online = bot({ REDIS_URL: testRedisUrl()! });
    await run(online, 'warm up');
    const start = performance.now();
    const [reply] = await run(online, 'q'.repeat(5_000) + 'z'.repeat(5_000));
    const elapsed = performance.now() - start;
    await online.close();
    expect(elapsed).toBeLessThan(100);
    expect(messageToText(reply!.payload)).toContain("I don't know that one yet.");
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
