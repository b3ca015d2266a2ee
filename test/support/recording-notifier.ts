import type { Notifier, OutgoingFile, PostTag } from '../../src/notify/notifier.js';
import type { HomeView, Message, MessageRef } from '../../src/render/blocks.js';

/** A Notifier that keeps what it was asked to show, for tests of code that talks outside a reply. */
export class RecordingNotifier implements Notifier {
  readonly posts: Array<{ channel: string; message: Message; tag?: PostTag }> = [];
  readonly updates: Array<{ at: number; ref: MessageRef; message: Message }> = [];
  /** Display names and user groups it answers with. */
  readonly names = new Map<string, string>();
  readonly groups = new Map<string, string[]>();
  readonly dms: Array<{ user: string; message: Message }> = [];
  readonly homes: Array<{ at: number; user: string; view: HomeView }> = [];
  readonly uploads: Array<{ channel: string; file: OutgoingFile }> = [];

  async post(channel: string, message: Message): Promise<MessageRef> {
    this.posts.push({ channel, message });
    return { channel, ts: '1.1' };
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    this.updates.push({ at: Date.now(), ref, message });
  }

  async dm(user: string, message: Message): Promise<MessageRef> {
    this.dms.push({ user, message });
    return { channel: user, ts: '2.1' };
  }

  async postOnce(channel: string, message: Message, tag: PostTag): Promise<MessageRef> {
    this.posts.push({ channel, message, tag });
    return { channel, ts: '1.1' };
  }

  async wasPosted(channel: string, tag: PostTag): Promise<boolean> {
    return this.posts.some((post) => post.channel === channel && post.tag?.type === tag.type && post.tag.id === tag.id);
  }

  async displayName(user: string): Promise<string | undefined> {
    return this.names.get(user);
  }

  async publishHome(user: string, view: HomeView): Promise<void> {
    this.homes.push({ at: Date.now(), user, view });
  }

  async upload(channel: string, file: OutgoingFile): Promise<{ where: string }> {
    this.uploads.push({ channel, file });
    return { where: `uploaded:${file.filename}` };
  }

  async usergroupMembers(group: string): Promise<string[]> {
    const members = this.groups.get(group);
    if (!members) throw new Error(`no_such_subteam: ${group}`);
    return members;
  }
}
