import type { WebClient } from '@slack/web-api';
import { UserError } from '../../errors.js';
import type { AttachedFile } from '../../router/types.js';
import { slackCall } from './notifier.js';

/** What a message event says of a shared file (often partial: the rest comes from files.info). */
export interface SharedFile {
  id: string;
  name?: string;
  size?: number;
}

/**
 * Files shared with a DM or mention, read on demand: files.info for the download URL, then a GET
 * with the bot token. Without files:read Slack answers that GET with its login page, not an error.
 */
export function attachedFiles(client: WebClient, files: SharedFile[] | undefined): AttachedFile[] {
  return (files ?? []).map((shared) => ({
    name: shared.name ?? shared.id,
    size: shared.size ?? 0,
    async text() {
      const info = await slackCall(() => client.files.info({ file: shared.id }));
      const url = info.file?.url_private_download ?? info.file?.url_private;
      const name = info.file?.name ?? shared.name ?? shared.id;
      if (!url) throw new UserError(`Slack did not give me a way to download ${name}.`, 'Paste its content in a code block instead.');
      const response = await fetch(url, { headers: { Authorization: `Bearer ${client.token}` }, signal: AbortSignal.timeout(15_000) });
      if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) {
        throw new UserError(
          `I could not download ${name} from Slack (it answered ${response.ok ? 'with a login page' : response.status}).`,
          'The app needs the files:read scope (see infra/slack-app-manifest.yaml); meanwhile paste the content in a code block.',
        );
      }
      return response.text();
    },
  }));
}
