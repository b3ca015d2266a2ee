import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Notifier } from '../../src/notify/notifier.js';
import { ProgressMessage } from '../../src/notify/progress.js';
import type { Message } from '../../src/render/blocks.js';
import type { MessageRef } from '../../src/router/types.js';

class RecordingNotifier implements Notifier {
  readonly updates: Array<{ at: number; text: string }> = [];
  async post(channel: string): Promise<MessageRef> {
    return { channel, ts: '1.1' };
  }
  async update(_ref: MessageRef, message: Message): Promise<void> {
    this.updates.push({ at: Date.now(), text: message.text });
  }
}

describe('progress message', () => {
  it('coalesces a burst of updates to at most one per interval, latest first, and always lands the final state', async () => {
    const notifier = new RecordingNotifier();
    const progress = new ProgressMessage(notifier, { channel: 'C1', ts: '1.1' }, createLogger('silent', { pretty: false }), 100);
    for (let step = 1; step <= 30; step++) {
      progress.show({ text: `step ${step}` });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await progress.finish({ text: 'ready' });
    const texts = notifier.updates.map((update) => update.text);
    expect(texts.at(-1)).toBe('ready');
    expect(texts.length).toBeLessThan(10);
    for (let i = 1; i < notifier.updates.length - 1; i++) {
      expect(notifier.updates[i]!.at - notifier.updates[i - 1]!.at).toBeGreaterThanOrEqual(90);
    }
  });
});
