import { randomBytes } from 'node:crypto';
import { quote, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { context, LIMITS, type Message, section, truncate } from '../render/blocks.js';
import type { CommandServices } from '../services.js';
import { mentionedUser, resolveAttendee, takeAttendee } from './attendee-ref.js';
import type { ActionContext, ActionRequest, CommandRequest, CommandSpec, Responder, Subcommand } from './types.js';

/**
 * The most text one command may carry. The biggest legitimate input is a pasted minimesosFile or
 * Marathon JSON (64 KB, checked by those commands); anything beyond this is refused before parsing.
 */
export const MAX_COMMAND_TEXT_BYTES = 72 * 1024;

/**
 * The one router behind every surface: finds the command (and subcommand), checks who may run it,
 * runs it, and turns any failure into a short message: the UserError's own text, or an apology
 * with a correlation id that is also in the log. Never a stack trace.
 */
export class CommandRouter {
  private readonly byName: Map<string, CommandSpec>;
  /** `<command>.<action>` → handler. A Map, so an id like `cluster.__proto__` is just an unknown key. */
  /** `<command>.<action>` → the handler and the command it belongs to (whose role it needs). */
  private readonly actions: Map<string, { command: CommandSpec; handler: (ctx: ActionContext) => Promise<void> }>;

  constructor(
    readonly commands: readonly CommandSpec[],
    private readonly services: CommandServices & { log: Logger },
    /** Tells a failure of the bot's own database from a bug, so the user hears "try again in a minute". */
    private readonly isStoreUnavailable: (error: unknown) => boolean = () => false,
  ) {
    this.byName = new Map(commands.map((command) => [command.name, command]));
    this.actions = new Map(
      commands.flatMap((command) =>
        Object.entries(command.actions ?? {}).map(([name, handler]) => [`${command.name}.${name}`, { command, handler }] as const),
      ),
    );
  }

  find(name: string): CommandSpec | undefined {
    return this.byName.get(name.replace(/^\//, '').toLowerCase());
  }

  /** Commands that only read and answer (see CommandSpec.readOnly). */
  get readOnlyCommands(): ReadonlySet<string> {
    return new Set(this.commands.filter((command) => command.readOnly).map((command) => command.name));
  }

  /** Whether the request names a subcommand that reads a file sent with it ("cluster up" + a minimesosFile). */
  takesFile(request: CommandRequest): boolean {
    const { name } = splitSubcommand(request.text);
    return Boolean(this.find(request.command)?.subcommands?.find((subcommand) => subcommand.name === name)?.takesFile);
  }

  /** What to write with a file: "`cluster up` (a minimesosFile) or `cluster install` (Marathon JSON)". */
  fileWords(): string {
    const words = this.commands.flatMap((command) =>
      (command.subcommands ?? []).flatMap((subcommand) =>
        subcommand.takesFile ? [`\`${command.name} ${subcommand.name}\` (${subcommand.takesFile})`] : [],
      ),
    );
    return words.join(' or ');
  }

  isInstructor(user: string): Promise<boolean> {
    return this.services.roles.isInstructor(user);
  }

  async dispatch(request: CommandRequest, out: Responder): Promise<void> {
    const log = this.services.log.child({ command: request.command, user: request.user });
    // Any command makes its user an attendee; alongside the command, which it neither delays nor fails.
    const registering = this.services.attendees.register(request.user).catch((error: unknown) => {
      log.debug({ err: error }, 'could not register the attendee');
    });
    await this.guard(out, log, async () => {
      refuseOversizedText(request.text);
      const command = this.find(request.command);
      if (!command) {
        throw new UserError(
          `I don't know the command ${quote(`/${request.command.replace(/^\//, '')}`)}.`,
          'Type /help to see every command.',
        );
      }
      const isInstructor = await this.isInstructor(request.user);
      this.authorize(command.instructorOnly, isInstructor, `/${command.name}`);
      const base = { request, isInstructor, services: this.services, out, log, commands: this.commands };
      if (!command.subcommands) {
        const words = await this.subject(command.aboutAttendee, request.text.trim(), request.user, isInstructor, `/${command.name}`, log);
        await command.run!({ ...base, ...words, usage: command.usage ?? `/${command.name}` });
        return;
      }
      const { name, rest } = splitSubcommand(request.text);
      if (name === '' || name === 'help') {
        await out.reply(commandHelp(command));
        return;
      }
      const subcommand = command.subcommands.find((candidate) => candidate.name === name);
      if (!subcommand) {
        const names = command.subcommands.map((candidate) => candidate.name).join(', ');
        const about = command.subcommands.filter((candidate) => candidate.aboutAttendee).map((candidate) => candidate.name);
        if (name.startsWith('@') || name.startsWith('<@')) {
          throw new UserError(
            about.length > 0
              ? `Say what to do first, then whom: \`/${command.name} ${about[0]} @ada\`.`
              : `/${command.name} is not about one attendee.`,
            about.length > 0
              ? `These take an attendee: ${about.join(', ')}. Type /help ${command.name} for details.`
              : `It has: ${names}. Type /help ${command.name} for details.`,
          );
        }
        throw new UserError(
          `/${command.name} has no subcommand ${quote(name)}. It has: ${names}.`,
          `Type /help ${command.name} for details.`,
        );
      }
      this.authorize(subcommand.instructorOnly, isInstructor, `/${command.name} ${subcommand.name}`);
      if (!subcommand.run) {
        await out.reply(notAvailableYet(command, subcommand));
        return;
      }
      const words = await this.subject(
        subcommand.aboutAttendee,
        rest,
        request.user,
        isInstructor,
        `/${command.name} ${subcommand.name}`,
        log,
      );
      await subcommand.run({ ...base, ...words, usage: subcommand.usage });
    });
    await registering;
  }

  async dispatchAction(action: ActionRequest, out: Responder): Promise<void> {
    const log = this.services.log.child({ action: action.actionId, user: action.user });
    await this.guard(out, log, async () => {
      const { command, handler } = this.actions.get(action.actionId) ?? {};
      if (!handler) throw new UserError('That button no longer does anything here.', 'Run the command again to get a fresh message.');
      const isInstructor = await this.isInstructor(action.user);
      // An instructor command's buttons are for instructors too.
      this.authorize(command!.instructorOnly, isInstructor, 'This button');
      await handler({ action, isInstructor, services: this.services, out, log });
    });
  }

  /**
   * Whom a command is about, and its words without the name: an instructor may name another attendee
   * (`/cluster info @ada`); anyone else naming someone is refused, and nothing runs.
   */
  private async subject(
    about: boolean | undefined,
    words: string,
    user: string,
    isInstructor: boolean,
    what: string,
    log: Logger,
  ): Promise<{ subject: string; args: string }> {
    if (!about) return { subject: user, args: words };
    const { named, rest } = takeAttendee(words);
    if (named === undefined || mentionedUser(named) === user) return { subject: user, args: rest };
    // Refused before the name is looked up: the room's names are not for everyone to probe.
    if (!isInstructor)
      throw new UserError(
        `Only instructors can run \`${what}\` about another attendee.`,
        `\`${what}\` on its own is about your cluster. If you are helping someone, ask the instructor to look.`,
      );
    const attendee = await resolveAttendee(named, () => this.services.attendees.list());
    log.info({ about: attendee }, "an instructor ran a command about an attendee's cluster");
    return { subject: attendee, args: rest };
  }

  private authorize(instructorOnly: boolean | undefined, isInstructor: boolean, what: string): void {
    if (instructorOnly && !isInstructor) {
      // An instructor of the group is refused too while Slack will not list it: they are told why.
      const problem = this.services.roles.groupProblem();
      throw new UserError(
        `${what} is for instructors only.`,
        `If you are running this workshop, ask whoever deployed the bot to add your Slack user id to INSTRUCTORS (or you to the INSTRUCTOR_GROUP user group).${problem ? ` ${problem}` : ''}`,
      );
    }
  }

  private async guard(out: Responder, log: Logger, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      await out.reply(this.failureMessage(error, log)).catch((replyError: unknown) => {
        log.error({ err: replyError }, 'could not deliver the failure message');
      });
    }
  }

  private failureMessage(error: unknown, log: Logger): Message {
    if (error instanceof UserError) {
      log.info({ reason: error.message }, 'command refused');
      return userErrorMessage(error);
    }
    const ref = randomBytes(4).toString('hex');
    log.error({ err: error, ref }, 'command failed');
    if (this.isStoreUnavailable(error)) {
      const text = `:warning: I can't reach my database right now, so this command can't run. Try again in a minute; if it keeps failing, tell the instructor (ref \`${ref}\`).`;
      return { text, blocks: [section(text)] };
    }
    const text = `:warning: Sorry, something went wrong on my side (ref \`${ref}\`). Try again; if it happens again, tell the instructor and mention the ref.`;
    return { text, blocks: [section(text)] };
  }
}

export function userErrorMessage(error: UserError): Message {
  const text = `:warning: ${error.message}`;
  return { text: truncate(text, LIMITS.sectionText), blocks: [section(text), ...(error.hint ? [context(error.hint)] : [])] };
}

function refuseOversizedText(text: string): void {
  // Characters first: a string under the limit in UTF-16 units may still be over it in UTF-8 bytes.
  if (text.length <= MAX_COMMAND_TEXT_BYTES / 4) return;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_COMMAND_TEXT_BYTES) return;
  throw new UserError(
    `That command is ${Math.ceil(bytes / 1024)} KB long; I read at most ${MAX_COMMAND_TEXT_BYTES / 1024} KB.`,
    'A minimesosFile or a Marathon app is a few KB: paste just that (or send it as a file in a DM with the words `cluster up` or `cluster install`).',
  );
}

function splitSubcommand(text: string): { name: string; rest: string } {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? { name: match[1]!.toLowerCase(), rest: match[2]! } : { name: '', rest: '' };
}

export function commandHelp(command: CommandSpec): Message {
  const lines = [`*/${command.name}* — ${command.summary}`, command.description];
  if (command.usage) lines.push(`Usage: \`${command.usage}\``);
  for (const sub of command.subcommands ?? []) {
    const marks = [sub.instructorOnly ? '_instructors_' : '', sub.run ? '' : '_not available yet_'].filter(Boolean).join(', ');
    lines.push(`• \`${sub.usage}\` — ${sub.summary}${marks ? ` (${marks})` : ''}`);
  }
  const about = command.aboutAttendee
    ? [`/${command.name}`]
    : (command.subcommands ?? []).filter((sub) => sub.aboutAttendee).map((sub) => `${sub.name}`);
  if (about.length > 0)
    lines.push(`Instructors: name an attendee (\`@ada\`) with ${orList(about.map((word) => `\`${word}\``))} to run it on their cluster.`);
  if (command.examples?.length) lines.push(`Examples: ${command.examples.map((example) => `\`${example}\``).join('  ')}`);
  const text = lines.join('\n');
  return { text: `/${command.name} — ${command.summary}`, blocks: [section(text)] };
}

function orList(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function notAvailableYet(command: CommandSpec, subcommand: Subcommand): Message {
  const text = `\`/${command.name} ${subcommand.name}\` (${subcommand.summary.replace(/\.$/, '')}) is not available yet. Type /help ${command.name} to see what works today.`;
  return { text, blocks: [section(text)] };
}
