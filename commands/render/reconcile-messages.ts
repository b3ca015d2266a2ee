import type { ReconcileMessages } from '../../src/clusters/reconciler.js';
import { context, section } from '../../src/render/blocks.js';
import { clusterLabel, clusterMessages } from './cluster-messages.js';

/** What the reconciler tells an attendee whose build was lost in a crash. */
export const reconcileMessages: ReconcileMessages = {
  progress: clusterMessages.progress,
  failed: clusterMessages.failed,
  lost(record) {
    const text = `<@${record.attendee}>, the bot restarted and lost your request for cluster ${clusterLabel(record)}.`;
    return {
      text,
      blocks: [section(`:warning: ${text}`), context('Nothing of it is left. Run `/cluster up` again to get your cluster.')],
    };
  },
};
