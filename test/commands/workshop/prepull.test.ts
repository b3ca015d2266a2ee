import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../support/services.js';
import { INSTRUCTOR, startWorkshopBot, type WorkshopBot } from '../../workshop/harness.js';

/** /workshop prepull with more, or longer, image names than Docker (or a progress message) takes: refused before any host pulls. */
describe.skipIf(!testRedisUrl())('/workshop prepull with odd image names', () => {
  let room: WorkshopBot;
  beforeAll(async () => {
    room = await startWorkshopBot();
  });
  afterAll(async () => {
    await room?.stop();
  });

  it('a 10,000-character image name is refused, repeated cut short, and nothing is pulled', async () => {
    const { text } = await room.run(INSTRUCTOR, `/workshop prepull nginx:1.25 ${'a'.repeat(10_000)}:latest`);
    expect(text).toContain('is not an image name (Docker takes names of at most 255 characters).');
    expect(text).toContain('(10,007 characters)');
    expect(text.length).toBeLessThan(600);
    expect(text).not.toContain('Pre-pulling');
  });

  it('more than 20 images at once are refused with how many, and nothing is pulled', async () => {
    const images = Array.from({ length: 500 }, (_, index) => `img${index}:1`);
    const { text } = await room.run(INSTRUCTOR, `/workshop prepull ${images.join(' ')}`);
    expect(text).toContain('That is 500 images; one /workshop prepull takes at most 20.');
    expect(text).not.toContain('Pre-pulling');
  });
});
