import { specFromFlags } from '../clusters/minimesos-file/index.js';
import type { Config } from '../config.js';
import { clusterRoles } from '../docker/roles.js';
import type { MessageRef } from '../render/blocks.js';

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
