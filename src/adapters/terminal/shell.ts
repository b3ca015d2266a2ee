import { createInterface } from 'node:readline/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { BotApp } from '../../app.js';
import { eventToText } from './responder.js';
import { say, TERMINAL_CHANNEL, TERMINAL_USER } from './say.js';

export interface ShellOptions {
  user?: string;
  channel?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  banner?: string;
  /** Names a mentioned user (`<@U…>` prints as @name; else as @U…). */
  nameOf?: (user: string) => string | undefined;
  /** Gets a way to print what happens outside a command (workers' progress) without garbling the prompt. */
  onStart?: (print: (text: string) => void) => void;
}

/** An interactive session on the same router as Slack (like Hubot's shell adapter). */
export async function runShell(bot: BotApp, options: ShellOptions = {}): Promise<void> {
  const output = options.output ?? process.stdout;
  const rl = createInterface({ input: options.input ?? process.stdin, output, terminal: Boolean((output as NodeJS.WriteStream).isTTY) });
  const user = options.user ?? TERMINAL_USER;
  const tty = Boolean((output as NodeJS.WriteStream).isTTY);
  output.write(`${options.banner ?? 'mesos-workshop-bot shell'}\nYou are ${user}. Type /help, or "exit" to leave.\n`);
  rl.setPrompt('workshop> ');
  options.onStart?.((text) => {
    // Above the prompt, which is drawn again with what was being typed.
    output.write(`${tty ? '\r\x1b[K' : ''}${text}\n`);
    if (tty) rl.prompt(true);
  });
  rl.prompt();
  const lines = rl[Symbol.asyncIterator]();
  // The next line, read ahead while waiting to see whether a paste goes on; kept for the next turn when it does not.
  let ahead: Promise<IteratorResult<string>> | undefined;
  const next = () => (ahead ??= lines.next());
  // A code block opened on a line (a pasted minimesosFile or Marathon JSON) goes on until it closes, as in Slack.
  let pasted: string[] = [];
  for (let read = await next(); !read.done; read = await next()) {
    ahead = undefined;
    const line = read.value;
    // exit leaves even from inside an unclosed block.
    if (isExit(line)) break;
    pasted.push(line);
    if (isInsideCodeBlock(pasted.join('\n'))) continue;
    // Lines pasted together arrive together: a terminal's output pasted without ``` is one question, not one a line.
    if (!pasted[0]!.trimStart().startsWith('/')) pasted.push(...(await pastedWith(next, () => (ahead = undefined))));
    const trimmed = pasted.join('\n').trim();
    pasted = [];
    if (trimmed !== '') {
      // A bare question is what attendees type most: treat it as /faq.
      const commandLine = trimmed.startsWith('/') ? trimmed : `/faq ${trimmed}`;
      await say(bot, commandLine, {
        user,
        channel: options.channel ?? TERMINAL_CHANNEL,
        onEvent: (event) => output.write(`${eventToText(event, options.nameOf)}\n`),
      });
    }
    rl.prompt();
  }
  if (pasted.length > 0) output.write('The code block was never closed with ```: nothing was sent.\n');
  rl.close();
}

/** How soon the next line must follow to be part of the same paste: far quicker than anyone types a line. */
const PASTE_GAP_MS = 25;

/**
 * The lines that follow within PASTE_GAP_MS of each other, up to a command or `exit` (left for the
 * next turn). `take` marks the line read ahead as used.
 */
async function pastedWith(next: () => Promise<IteratorResult<string>>, take: () => void): Promise<string[]> {
  const more: string[] = [];
  for (;;) {
    const read = await Promise.race([next(), delay(PASTE_GAP_MS).then(() => undefined)]);
    if (read === undefined || read.done || read.value.trimStart().startsWith('/') || isExit(read.value)) return more;
    take();
    more.push(read.value);
  }
}

function isExit(line: string): boolean {
  return ['exit', 'quit'].includes(line.trim());
}

/** Whether text has opened a ``` code block it has not closed yet. */
function isInsideCodeBlock(text: string): boolean {
  return (text.match(/```/g) ?? []).length % 2 === 1;
}
