import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import { ProgressMessage } from '../notify/progress.js';
import type { Message } from '../render/blocks.js';
import type { ClusterRecord } from './cluster-record.js';
import type { ClusterRegistry } from './registry.js';

/**
 * How long the web process has to post the progress message after queueing a build. Past it, a
 * worker or the reconciler posts it instead (the web process died, or Slack held it back): long
 * enough that a rate-limited burst of a whole room still gets one message each, not two.
 */
export const ANNOUNCE_DEADLINE_MS = 60_000;

/** How often a build that has no message yet looks whether one was posted meanwhile. */
const LOOKUP_EVERY_MS = 2000;

export interface ClusterProgressDeps {
  registry: ClusterRegistry;
  notifier: Notifier;
  log: Logger;
  announceDeadlineMs?: number;
}

/**
 * The attendee's progress message, the one place that always tells how their build went. The web
 * process posts it after queueing; if it died first, this posts it in the channel where `/cluster up`
 * was typed (a DM when that is unknown) once the web's deadline has passed, so there are never two.
 * Until then the latest state waits here, and `finish` always lands.
 */
export class ClusterProgress {
  private message: ProgressMessage | undefined;
  private pending: Message | undefined;
  private lastLookup = 0;
  private locating: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: ClusterProgressDeps,
    private readonly attendee: string,
    private readonly clusterId: string,
    known?: ClusterRecord,
  ) {
    if (known?.progressMessage) this.message = new ProgressMessage(deps.notifier, known.progressMessage, deps.log);
  }

  show(message: Message): void {
    this.pending = message;
    if (this.message) {
      this.message.show(message);
      return;
    }
    if (Date.now() - this.lastLookup < LOOKUP_EVERY_MS) return;
    this.lastLookup = Date.now();
    this.locate(false);
  }

  async finish(message: Message): Promise<void> {
    this.pending = message;
    await this.locate(true);
    await this.message?.finish(message);
  }

  /** One lookup at a time, so two of them never both post. */
  private locate(waitForDeadline: boolean): Promise<void> {
    this.locating = this.locating
      .then(() => this.find(waitForDeadline))
      .catch((err: unknown) => this.deps.log.warn({ err }, 'could not show the progress message'));
    return this.locating;
  }

  private async find(waitForDeadline: boolean): Promise<void> {
    const deadlineMs = this.deps.announceDeadlineMs ?? ANNOUNCE_DEADLINE_MS;
    while (!this.message) {
      const record = await this.deps.registry.get(this.attendee);
      // Removed meanwhile (`/cluster down`): there is nothing left to tell.
      if (!record || record.clusterId !== this.clusterId) return;
      if (record.progressMessage) {
        this.message = new ProgressMessage(this.deps.notifier, record.progressMessage, this.deps.log);
        if (this.pending) this.message.show(this.pending);
        return;
      }
      const waitMs = record.createdAt + deadlineMs - Date.now();
      if (waitMs > 0) {
        if (!waitForDeadline) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 500)));
        continue;
      }
      if (!this.pending) return;
      const ref = await this.deps.notifier.post(record.channel ?? this.attendee, this.pending);
      const kept = await this.deps.registry.adoptProgressMessage(this.attendee, this.clusterId, ref);
      if (!kept) return;
      this.message = new ProgressMessage(this.deps.notifier, kept, this.deps.log);
    }
  }
}
