import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProgressMessage } from '../../src/notify/progress.js';
import { section } from '../../src/render/blocks.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

describe('progress message', () => {
  it('coalesces a burst of updates to at most one per interval, latest first, and always lands the final state', async () => {
    const notifier = new RecordingNotifier();
    const progress = new ProgressMessage(notifier, { channel: 'C1', ts: '1.1' }, createLogger('silent', { pretty: false }), 100);
    for (let step = 1; step <= 30; step++) {
      progress.show({ text: `step ${step}` });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await progress.finish({ text: 'ready' });
    const texts = notifier.updates.map((update) => update.message.text);
    expect(texts.at(-1)).toBe('ready');
    expect(texts.length).toBeLessThan(10);
    for (let i = 1; i < notifier.updates.length - 1; i++) {
      expect(notifier.updates[i]!.at - notifier.updates[i - 1]!.at).toBeGreaterThanOrEqual(90);
    }
  });

  it('sends nothing for an update that shows what the message already shows', async () => {
    const notifier = new RecordingNotifier();
    const progress = new ProgressMessage(notifier, { channel: 'C1', ts: '1.1' }, createLogger('silent', { pretty: false }), 20);
    const waiting = { text: 'queued', blocks: [section('Waiting for room: all 2 Docker hosts are full.')] };
    for (let attempt = 0; attempt < 9; attempt++) {
      progress.show(waiting);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await progress.finish({ ...waiting });
    expect(notifier.updates).toHaveLength(1);
  });
});
