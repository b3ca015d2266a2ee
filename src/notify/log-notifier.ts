import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { HomeView, Message, MessageRef } from '../render/blocks.js';
import { saveLocalFile } from './local-file.js';
import type { Notifier, OutgoingFile, PostTag } from './notifier.js';

/** Where nothing can be shown (a worker with no Slack token): the messages go to the log. */
export class LogNotifier implements Notifier {
  private sequence = 0;

  constructor(
    private readonly log: Logger,
    /** Where files are kept instead of shared. */
    private readonly filesDir = join(tmpdir(), 'workshop-bot-files'),
  ) {}

  async post(channel: string, message: Message, threadOf?: MessageRef): Promise<MessageRef> {
    const ref = { channel, ts: `log.${++this.sequence}` };
    this.log.info({ channel, threadOf, text: message.text }, 'message (no Slack configured)');
    return ref;
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    this.log.info({ ref, text: message.text }, 'message update (no Slack configured)');
  }

  async dm(user: string, message: Message): Promise<MessageRef> {
    this.log.info({ user, text: message.text }, 'direct message (no Slack configured)');
    return { channel: user, ts: `log.${++this.sequence}` };
  }

  async postOnce(channel: string, message: Message, tag: PostTag): Promise<MessageRef> {
    this.log.info({ channel, tag, text: message.text }, 'message (no Slack configured)');
    return { channel, ts: `log.${++this.sequence}` };
  }

  /** Nothing was ever shown, so nothing can be found: an interrupted post is logged again. */
  async wasPosted(): Promise<boolean> {
    return false;
  }

  async displayName(): Promise<string | undefined> {
    return undefined;
  }

  async publishHome(user: string, view: HomeView): Promise<void> {
    this.log.debug({ user, blocks: view.blocks.length }, 'App Home view (no Slack configured)');
  }

  async upload(channel: string, file: OutgoingFile): Promise<{ where: string }> {
    const path = await saveLocalFile(this.filesDir, file);
    this.log.info({ channel, path, title: file.title }, 'file saved (no Slack configured)');
    return { where: path };
  }

  async usergroupMembers(group: string): Promise<string[]> {
    this.log.warn({ group }, 'no Slack configured: the instructor user group cannot be read');
    return [];
  }
}
