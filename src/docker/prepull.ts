import { specFromFlags } from '../clusters/minimesos-file/index.js';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import type { MessageRef } from '../router/types.js';
import type { DockerHost } from './hosts.js';
import { ensureImage } from './images.js';
import { clusterRoles } from './roles.js';

/** One image on one host, as a pre-pull goes. */
export interface PrepullLine {
  host: string;
  image: string;
  state: 'waiting' | 'pulling' | 'present' | 'pulled' | 'failed';
  detail?: string;
}

/** The `prepull` job: what to pull, and the instructor's message that shows the progress. */
export interface PrepullJobData {
  images: string[];
  message?: MessageRef;
}

/** What a default `/cluster up` needs on every host: the role images, and the engine image in dind mode. */
export function workshopImages(config: Pick<Config, 'clusterImages' | 'isolation' | 'dindImage'>): string[] {
  const roles = clusterRoles(specFromFlags({}), 'prepull', config.clusterImages);
  return [...new Set([...roles.map((role) => role.image), ...(config.isolation === 'dind' ? [config.dindImage] : [])])];
}

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
