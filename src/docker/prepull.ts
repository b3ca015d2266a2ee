import { errorMessage } from '../errors.js';
import type { PrepullLine } from '../workshop/prepull.js';
import type { DockerHost } from './hosts.js';
import { ensureImage } from './images.js';

/**
 * Pulls every image on every host before the room types /cluster up, so nobody waits on a
 * registry (or its rate limit) at the start. Hosts in parallel, images one after another;
 * `onChange` gets the whole table after every change.
 */
export async function prepullImages(
  hosts: DockerHost[],
  images: string[],
  onChange: (lines: PrepullLine[]) => void,
): Promise<PrepullLine[]> {
  const lines: PrepullLine[] = hosts.flatMap((host) => images.map((image) => ({ host: host.id, image, state: 'waiting' as const })));
  const set = (line: PrepullLine, change: Partial<PrepullLine>) => {
    Object.assign(line, change);
    onChange(lines.map((entry) => ({ ...entry })));
  };
  await Promise.all(
    hosts.map(async (host) => {
      for (const line of lines.filter((entry) => entry.host === host.id)) {
        set(line, { state: 'pulling' });
        try {
          const outcome = await ensureImage(host.docker, line.image, (detail) => set(line, { detail }));
          set(line, { state: outcome, detail: undefined });
        } catch (error) {
          set(line, { state: 'failed', detail: errorMessage(error) });
        }
      }
    }),
  );
  return lines;
}
