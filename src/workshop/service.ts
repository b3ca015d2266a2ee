import type { Config } from '../config.js';
import type { Queues } from '../queue/queues.js';
import type { MessageRef } from '../render/blocks.js';
import { type PrepullJobData, type PrepullLine, workshopImages } from './prepull.js';

/** What the instructor's /workshop does to the whole room, as jobs for the workers. */
export class WorkshopService {
  constructor(
    private readonly queues: Queues,
    private readonly config: Pick<Config, 'clusterImages' | 'isolation' | 'dindImage' | 'dockerHosts'>,
  ) {}

  /**
   * Queues a pull of the cluster images (and `extraImages`) on every Docker host; `announce` posts
   * the message the job edits as each host goes.
   */
  async prepull(
    extraImages: string[],
    announce: (lines: PrepullLine[]) => Promise<MessageRef>,
  ): Promise<{ images: string[]; hosts: string[] }> {
    const images = [...new Set([...workshopImages(this.config), ...extraImages])];
    const hosts = this.config.dockerHosts.map((host) => host.id);
    const message = await announce(hosts.flatMap((host) => images.map((image) => ({ host, image, state: 'waiting' as const }))));
    const job: PrepullJobData = { images, message };
    await this.queues.get('maintenance').add('prepull', job, { removeOnComplete: 20, removeOnFail: 20 });
    return { images, hosts };
  }
}
