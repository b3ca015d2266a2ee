import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { Message } from '../render/blocks.js';
import type { ClusterBackend } from './backend.js';
import type { ClusterRecord } from './cluster-record.js';
import type { ClusterRegistry } from './registry.js';

export interface ReaperMessages {
  expiring(record: ClusterRecord, minutesLeft: number): Message;
  expired(record: ClusterRecord): Message;
}

export interface ReaperDeps {
  registry: ClusterRegistry;
  backend: ClusterBackend;
  notifier: Notifier;
  messages: ReaperMessages;
  log: Logger;
  /** Lists the cluster ids that have containers or networks on the Docker hosts. */
  runningClusterIds: () => Promise<string[]>;
  /** Clusters with no record that are no orphans either: the warm pool's. Read after the running ones. */
  unassigned?: () => Promise<string[]>;
  warnBeforeMs: number;
  now?: () => number;
}

/** How long before its expiry an attendee is warned, with the Extend button (`/cluster info` says so too). */
export const WARN_BEFORE_MS = 15 * 60_000;

export interface ReapReport {
  warned: string[];
  expired: string[];
  orphans: string[];
}

/**
 * One sweep: warns attendees whose cluster expires soon (once), removes expired clusters, and
 * removes orphans — labelled containers whose cluster has no record (a crash between steps, a
 * Redis restore). Runs as a BullMQ job scheduler every minute.
 */
export async function reap(deps: ReaperDeps): Promise<ReapReport> {
  const now = (deps.now ?? Date.now)();
  const report: ReapReport = { warned: [], expired: [], orphans: [] };
  const records = await deps.registry.list();
  for (const record of records) {
    if (record.kind !== 'provisioned' || !record.expiresAt || !record.clusterId) continue;
    // Where its progress message is, else where it was asked for; a DM when neither is known (a warm start, an old record).
    const channel = record.progressMessage?.channel ?? record.channel ?? record.attendee;
    if (record.expiresAt <= now) {
      await deps.registry.removeExpired(record, now);
      await deps.backend.destroy(record.clusterId);
      report.expired.push(record.clusterId);
      const expired = deps.messages.expired(record);
      // The channel's message would otherwise go on saying "is ready".
      if (record.progressMessage)
        await deps.notifier
          .update(record.progressMessage, expired)
          .catch((err: unknown) => deps.log.warn({ err }, 'could not end the progress message of an expired cluster'));
      await deps.notifier.post(channel, expired).catch((err: unknown) => deps.log.warn({ err }, 'could not tell about an expired cluster'));
    } else if (record.expiresAt - now <= deps.warnBeforeMs && !record.expiryWarned) {
      await deps.registry.update(record.attendee, { expiryWarned: true });
      report.warned.push(record.clusterId);
      await deps.notifier
        .post(channel, deps.messages.expiring(record, Math.ceil((record.expiresAt - now) / 60_000)))
        .catch((err: unknown) => deps.log.warn({ err }, 'could not warn about an expiring cluster'));
    }
  }
  // What runs, then the warm pool, then the records: a cluster made before the listing is in one of them,
  // and a warm one claimed in between leaves the pool only as its record appears.
  const running = await deps.runningClusterIds();
  const known = new Set((await deps.unassigned?.()) ?? []);
  for (const record of await deps.registry.list()) if (record.clusterId) known.add(record.clusterId);
  for (const clusterId of running) {
    if (known.has(clusterId)) continue;
    await deps.backend.destroy(clusterId);
    report.orphans.push(clusterId);
  }
  if (report.expired.length + report.orphans.length + report.warned.length > 0) deps.log.info(report, 'reaper sweep');
  return report;
}
