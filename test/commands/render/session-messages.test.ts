import { describe, expect, it } from 'vitest';
import { clustersRemovedMessage } from '../../../commands/render/session-messages.js';
import { messageToText } from '../../../src/render/text.js';
import { blockKitProblems } from '../../support/block-kit.js';

describe('session messages for a room of 500', () => {
  it('names every cluster that could not be removed, within the limits', () => {
    const failed = Array.from({ length: 500 }, (_, i) => `U01ABCDE${String(i).padStart(4, '0')}`);
    const message = clustersRemovedMessage(0, failed);
    expect(blockKitProblems(message)).toEqual([]);
    const text = messageToText(message);
    expect(text).toContain(':warning: Removed 0 clusters; 500 could not be removed.');
    for (const user of failed) expect(text).toContain(`<@${user}>`);
    expect(text).toContain('Press the button again');
  });

  it('says plainly when everything was removed', () => {
    expect(messageToText(clustersRemovedMessage(3, []))).toBe(':wastebasket: Removed 3 clusters.');
  });
});
