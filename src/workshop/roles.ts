import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Notifier, PostRefusedError } from '../notify/notifier.js';
import { describeReason } from '../notify/refusals.js';

/** How long the user group's members are trusted (Slack's usergroups.users.list is Tier 2: ~20 a minute). */
export const GROUP_CACHE_MS = 3 * 60_000;
/** After a failed read, how long until the next try (meanwhile the last members known stay in force). */
const GROUP_RETRY_MS = 30_000;

/**
 * Who is an instructor: the user ids in INSTRUCTORS, and the members of the INSTRUCTOR_GROUP user
 * group, read from Slack and cached so that a room of 500 typing commands costs one read every few minutes.
 */
export class InstructorRoles {
  private members: ReadonlySet<string> = new Set();
  private freshUntil = 0;
  /** Why the last read of the group failed (cleared by a read that works). */
  private failure: string | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly config: Pick<Config, 'instructors' | 'instructorGroup'>,
    private readonly notifier: Pick<Notifier, 'usergroupMembers'>,
    private readonly log: Logger,
    private readonly cacheMs = GROUP_CACHE_MS,
  ) {}

  async isInstructor(user: string): Promise<boolean> {
    if (this.config.instructors.includes(user)) return true;
    if (!this.config.instructorGroup) return false;
    if (Date.now() >= this.freshUntil) {
      this.reading ??= this.readGroup(this.config.instructorGroup).finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
    return this.members.has(user);
  }

  private async readGroup(group: string): Promise<void> {
    try {
      this.members = new Set(await this.notifier.usergroupMembers(group));
      this.freshUntil = Date.now() + this.cacheMs;
      this.failure = undefined;
    } catch (error) {
      // plan_upgrade_required (free workspace), missing_scope (usergroups:read), no_such_subteam…
      const reason = error instanceof PostRefusedError ? error.reason : undefined;
      const refusal = reason ? describeReason(reason) : undefined;
      this.failure = refusal
        ? `Slack refused to list the members of INSTRUCTOR_GROUP ${group}: ${refusal.what} (\`${reason}\`). To fix it: ${refusal.fix}.`
        : `Slack did not list the members of INSTRUCTOR_GROUP ${group} (${errorMessage(error)}); I try again every ${GROUP_RETRY_MS / 1000} s.`;
      this.log.warn(
        { group, reason: errorMessage(error), fix: refusal?.fix, knownMembers: this.members.size },
        'could not read the INSTRUCTOR_GROUP user group; INSTRUCTORS and the members last read still count',
      );
      this.freshUntil = Date.now() + GROUP_RETRY_MS;
    }
  }

  /** Why INSTRUCTOR_GROUP could not be read last time, for the instructor it may have left out; undefined when it could. */
  groupProblem(): string | undefined {
    return this.failure;
  }
}
