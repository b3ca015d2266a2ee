import { saveLocalFile } from '../../notify/local-file.js';
import type { OutgoingFile } from '../../notify/notifier.js';
import type { Message, MessageRef } from '../../render/blocks.js';
import { readableText } from '../../render/text.js';
import type { Responder } from '../../router/types.js';

/** Every message a command produced, in order, as the Slack payload it would have been (a file: where it was written). */
export type TerminalEvent =
  | { kind: 'reply'; payload: { response_type: 'ephemeral' } & Message }
  | { kind: 'post'; payload: { channel: string; ts: string; thread_ts?: string } & Message }
  | { kind: 'update'; payload: { channel: string; ts: string } & Message }
  | { kind: 'file'; payload: { path: string; title: string } & Message };

/** The terminal's Responder: records events and hands each to `emit` as it happens. */
export class TerminalResponder implements Responder {
  private sequence = 0;

  constructor(
    private readonly channel: string,
    private readonly emit: (event: TerminalEvent) => void,
    /** Where files are written (the terminal cannot share them); default the working directory. */
    private readonly filesDir = process.cwd(),
  ) {}

  async reply(message: Message): Promise<void> {
    this.emit({ kind: 'reply', payload: { response_type: 'ephemeral', ...message } });
  }

  async post(message: Message, options: { threadOf?: MessageRef } = {}): Promise<MessageRef> {
    const ref = { channel: this.channel, ts: `${Math.floor(Date.now() / 1000)}.${String(++this.sequence).padStart(6, '0')}` };
    const thread = options.threadOf ? { thread_ts: options.threadOf.ts } : {};
    this.emit({ kind: 'post', payload: { channel: ref.channel, ts: ref.ts, ...thread, ...message } });
    return ref;
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    this.emit({ kind: 'update', payload: { channel: ref.channel, ts: ref.ts, ...message } });
  }

  async attach(file: OutgoingFile): Promise<{ where: string }> {
    const path = await saveLocalFile(this.filesDir, file);
    this.emit({ kind: 'file', payload: { path, title: file.title, text: `📎 ${file.title} saved to ${path}` } });
    return { where: path };
  }
}

/** Readable text for one event (`nameOf` names mentioned users): thread replies indented under their parent, updates marked. */
export function eventToText(event: TerminalEvent, nameOf?: (user: string) => string | undefined): string {
  const body = readableText(event.payload, nameOf);
  switch (event.kind) {
    case 'reply':
    case 'file':
      return body;
    case 'post':
      return event.payload.thread_ts ? indent(body, '  │ ') : body;
    case 'update':
      return indent(body, '  ~ ');
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
