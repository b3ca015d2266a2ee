import type { Logger } from '../logger.js';
import type { OutgoingFile } from '../notify/notifier.js';
import type { Message, MessageRef } from '../render/blocks.js';
import type { CommandServices } from '../services.js';

/** A file the user attached to the command (a minimesosFile, a Marathon JSON…), already downloaded. */
/** A file sent with the command (Slack: a DM or mention with a file); read only when a command wants it. */
export interface AttachedFile {
  name: string;
  /** As the surface reports it; limits are checked before reading. */
  size: number;
  text(): Promise<string>;
}

/** One slash-command invocation, whichever surface it came from. */
export interface CommandRequest {
  /** Slack user id (the terminal uses `--user`, default U_TERMINAL). */
  user: string;
  channel: string;
  /** Command name without the slash: `cluster`, `faq`… */
  command: string;
  /** Everything after the command name, as typed. */
  text: string;
  files?: AttachedFile[];
}

/** How a command talks back; each adapter (Slack, terminal) implements it. */
export interface Responder {
  /** Answers the invoker only (ephemeral in Slack). */
  reply(message: Message): Promise<void>;
  /** Posts a visible message in the channel, or in a thread when `threadOf` is given. */
  post(message: Message, options?: { threadOf?: MessageRef }): Promise<MessageRef>;
  /** Replaces a message posted earlier (progress). */
  update(ref: MessageRef, message: Message): Promise<void>;
  /** Shares a file where the command was run (Slack: uploaded there); the terminal writes it to disk. Says where it is. */
  attach(file: OutgoingFile): Promise<{ where: string }>;
}

export interface CommandContext {
  request: CommandRequest;
  /** The subcommand's arguments (text after the subcommand word; without the attendee it names, see `aboutAttendee`). */
  args: string;
  /** The attendee the command is about: the invoker, or whom an instructor named (see `aboutAttendee`). */
  subject: string;
  /** The subcommand's (or command's) usage line, for argument errors. */
  usage: string;
  isInstructor: boolean;
  services: CommandServices;
  out: Responder;
  log: Logger;
  /** Every command the router knows (for /help). */
  commands: readonly CommandSpec[];
}

export interface Subcommand {
  name: string;
  usage: string;
  summary: string;
  instructorOnly?: boolean;
  /** Instructors may run it about another attendee by naming them (`@ada`); the router takes the name out of the words. */
  aboutAttendee?: boolean;
  /**
   * What file this subcommand reads when one is sent with its words in a DM or mention (e.g.
   * "a minimesosFile"). Words that name no such subcommand never run a command with a file.
   */
  takesFile?: string;
  /** Missing: the subcommand answers "not available yet" (listed in help, never silent). */
  run?: (ctx: CommandContext) => Promise<void>;
}

/** A button press (or other interaction) routed back to the command that rendered it. */
export interface ActionRequest {
  user: string;
  channel: string;
  /** `<command>.<action>`, as set on the button. */
  actionId: string;
  value: string;
  /** The message the button was on, when it was a visible message. */
  message?: MessageRef;
}

export interface ActionContext {
  action: ActionRequest;
  isInstructor: boolean;
  services: CommandServices;
  out: Responder;
  log: Logger;
}

/** One slash command: everything /help shows is derived from this. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Longer text for `/help <command>`. */
  description: string;
  /** A command with subcommands dispatches on the first word of the text. */
  subcommands?: Subcommand[];
  /** A command without subcommands runs this with the whole text. */
  run?: (ctx: CommandContext) => Promise<void>;
  usage?: string;
  examples?: string[];
  instructorOnly?: boolean;
  /**
   * Its words may be Slack mrkdwn it posts again (a broadcast): the Slack adapter hands them over with
   * links, mentions and channels as Slack sent them, instead of as typed.
   */
  repostsMarkup?: boolean;
  /** See `Subcommand.aboutAttendee` (for a command without subcommands). */
  aboutAttendee?: boolean;
  /** Only reads and answers: a replayed request does no harm, so it is served even when replays cannot be checked. */
  readOnly?: boolean;
  actions?: Record<string, (ctx: ActionContext) => Promise<void>>;
}
