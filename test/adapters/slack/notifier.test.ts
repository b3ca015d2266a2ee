import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../../src/adapters/slack/notifier.js';
import { createLogger } from '../../../src/logger.js';
import { EditGate } from '../../../src/notify/edit-gate.js';
import { ProgressMessage } from '../../../src/notify/progress.js';
import { context, section } from '../../../src/render/blocks.js';
import { FakeSlack } from '../../support/fake-slack.js';

const log = createLogger('silent', { pretty: false });
const waitingForRoom = (detail: string) => ({
  text: "<@U0ATT>'s cluster 42: queued…",
  blocks: [
    section("*<@U0ATT>'s cluster 42: queued…*"),
    context(`Waiting for room: ${detail}. Your build starts as soon as a cluster is removed.`),
  ],
});

/** chat.update is Tier 3: the notifier must spend it only on real changes, spaced per message. */
describe('Slack notifier edits (fake Slack Web API)', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    client = new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => fake?.stop());

  const updatesOf = (ts: string) => fake.calls.filter((call) => call.method === 'chat.update' && call.body.ts === ts);

  it('a build waiting for room re-announced every attempt updates its message once, not every 5 s', async () => {
    const notifier = new SlackNotifier(client, new EditGate(50));
    const ref = { channel: 'C0ROOM', ts: '1700000000.000001' };
    // Each retry of the job makes a new ProgressMessage and shows the same words (9 attempts in 40 s, sped up).
    for (let attempt = 0; attempt < 9; attempt++) {
      const progress = new ProgressMessage(notifier, ref, log, 10);
      progress.show(waitingForRoom('all 2 Docker hosts are full'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      await progress.finish(waitingForRoom('all 2 Docker hosts are full'));
    }
    expect(updatesOf(ref.ts)).toHaveLength(1);
    // A real change (a host stopped answering) is still shown.
    await notifier.update(ref, waitingForRoom('no Docker host has room (1 full, 1 not answering)'));
    expect(updatesOf(ref.ts)).toHaveLength(2);
  });

  it('an edit that repeats what was just posted is not sent', async () => {
    const notifier = new SlackNotifier(client, new EditGate(10));
    const ref = await notifier.post('C0DM', waitingForRoom('all 2 Docker hosts are full'));
    await notifier.update(ref, waitingForRoom('all 2 Docker hosts are full'));
    expect(fake.calls.filter((call) => call.method === 'chat.update' && call.body.channel === 'C0DM')).toHaveLength(0);
  });

  it('spaces edits of one message and lets the newest of a burst win; other messages are not held up', async () => {
    const notifier = new SlackNotifier(client, new EditGate(300));
    const ref = { channel: 'C0ROOM', ts: '1700000000.000002' };
    const other = { channel: 'C0ROOM', ts: '1700000000.000003' };
    const started = Date.now();
    await Promise.all([
      notifier.update(ref, { text: 'step 1' }),
      notifier.update(ref, { text: 'step 2' }),
      notifier.update(ref, { text: 'step 3' }),
      notifier.update(other, { text: 'elsewhere' }),
    ]);
    expect(updatesOf(ref.ts).map((call) => call.body.text)).toEqual(['step 1', 'step 3']);
    expect(updatesOf(other.ts)).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});
