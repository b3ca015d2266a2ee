import type { Worker } from 'bullmq';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localImage } from '../../src/docker/image-names.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { startBackgroundWork } from '../../src/worker.js';
import { FakeRegistry } from '../support/fake-registry.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const INSTRUCTOR = 'U0TEACH';

/** /workshop prepull through Bolt, a worker pulling from a real (local) registry on the real engine, progress in Slack. */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('/workshop prepull (e2e)', () => {
  let slack: SlackBotUnderTest;
  let workers: Worker[] = [];
  let registry: FakeRegistry;
  let image = '';
  let sequence = 0;

  beforeAll(async () => {
    await buildLocalImages(docker);
    // 12 MB at 4 MB/s: a pull of about three seconds, long enough to be seen in progress.
    registry = await new FakeRegistry(4e6).start();
    image = await registry.serveImage(`workshop/nginx-${Date.now()}:1`, 12e6);
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('prepull').slice(0, -1),
        CLUSTER_IMAGES: 'local',
        INSTRUCTORS: INSTRUCTOR,
      },
    });
    workers = await startBackgroundWork(slack.bot);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await slack?.stop();
    await registry?.stop();
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined);
  });

  async function run(user: string, text: string): Promise<string> {
    const id = `p${++sequence}`;
    await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command: '/workshop', text, user_id: user, response_url: slack.fake.responseUrl(id) }),
    });
    return JSON.stringify((await slack.fake.waitFor((call) => call.path === `/response/${id}`, 15_000)).body);
  }
  const shown = (call: RecordedCall) => JSON.stringify(call.body.blocks);

  it('is for instructors only, and names a bad image', async () => {
    expect(await run('U0ATTENDEE', 'prepull')).toContain('/workshop is for instructors only.');
    expect(await run(INSTRUCTOR, 'prepull nginx:latest Bad_Image!')).toContain('\\"Bad_Image!\\" is not an image name.');
  });

  it("pulls on every host, showing each layer's download in the channel, and says what was already there", async () => {
    expect(await run(INSTRUCTOR, `prepull ${image}`)).toContain('Pre-pulling 4 images on 1 Docker host;');
    const final = await slack.fake.waitFor(
      (call) => call.method === 'chat.update' && shown(call).includes('images ready on 1 Docker host'),
      60_000,
    );
    expect(shown(final)).toContain(`\`${image}\` :white_check_mark: pulled`);
    expect(shown(final)).toContain(`\`${localImage('sim')}\` :white_check_mark: already there`);
    const during = slack.fake.callsOf('chat.update').map(shown);
    expect(
      during.some((text) =>
        new RegExp(`${image.replace(/[.:/]/g, '\\$&')}\` :arrow_down: pulling: .*: [0-9.]+ of 1[23]\\.\\d MB, 0 of 1 layers`).test(text),
      ),
    ).toBe(true);
    expect(registry.pulls).toEqual([image.slice(registry.address.length + 1)]);
    expect(
      await docker
        .getImage(image)
        .inspect()
        .then(() => true),
    ).toBe(true);
  }, 90_000);
});
