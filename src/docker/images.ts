import type Docker from 'dockerode';
import { quote, UserError } from '../errors.js';
import { localImageKind } from './image-names.js';
import { ensureLocalImage } from './local-images.js';

/** Reports what an image transfer is doing, at most about once a second. */
export type ImageProgress = (detail: string) => void;

interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

export async function hasImage(docker: Docker, image: string): Promise<boolean> {
  return docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

/**
 * Makes sure the engine has `image`: local stand-ins are built there on first use (no registry has
 * them), others are pulled with their layers' progress reported.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  onProgress: ImageProgress,
  signal?: AbortSignal,
): Promise<'present' | 'pulled'> {
  signal?.throwIfAborted();
  if (await hasImage(docker, image)) return 'present';
  if (localImageKind(image)) {
    await ensureLocalImage(docker, image, onProgress);
    return 'pulled';
  }
  await pullImage(docker, image, onProgress);
  return 'pulled';
}

/** `docker pull`, with the layers' download progress summed up and the errors followProgress hides in its output. */
export async function pullImage(docker: Docker, image: string, onProgress: ImageProgress): Promise<void> {
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  const report = throttled(onProgress);
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: PullEvent[]) => {
          const failed = output?.find((line) => line.error);
          if (error || failed) reject(error ?? new Error(failed!.error));
          else resolve();
        },
        (event: PullEvent) => {
          if (!event.id || !event.status) return;
          const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false };
          if (event.status === 'Downloading' && event.progressDetail?.total) layer.total = event.progressDetail.total;
          if (event.status === 'Downloading' && event.progressDetail?.current !== undefined) layer.current = event.progressDetail.current;
          if (/^(Download complete|Pull complete|Already exists)$/.test(event.status)) {
            layer.done = true;
            layer.current = layer.total;
          }
          if (/^(Pulling fs layer|Waiting|Downloading|Download complete|Pull complete|Already exists)$/.test(event.status))
            layers.set(event.id, layer);
          report(describePull(image, [...layers.values()]));
        },
      ),
    );
    report.flush();
  } catch (error) {
    throw pullError(image, (error as Error).message);
  }
}

/** Why a pull failed, in the terms of who can fix it: a name in the minimesosFile, or the host's network. */
function pullError(image: string, reason: string): UserError {
  if (/pull access denied|manifest unknown|repository does not exist|not found/i.test(reason))
    return new UserError(
      `The image ${quote(image)} does not exist on its registry (or is private).`,
      'Check its name and tag: `imageName` and `imageTag` in your minimesosFile (`/cluster init` shows the defaults).',
    );
  return new UserError(
    `Could not pull ${quote(image)}: the Docker host cannot reach its registry (${quote(reason, 160)}).`,
    'Nothing you wrote causes this: tell the instructor, who can pre-pull the images with `/workshop prepull` once the registry is reachable.',
  );
}

/** `mesosphere/marathon:v1.3.5: 12.5 of 48.0 MB, 3 of 7 layers` */
export function describePull(image: string, layers: Array<{ current: number; total: number; done: boolean }>): string {
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  const current = layers.reduce((sum, layer) => sum + layer.current, 0);
  const total = layers.reduce((sum, layer) => sum + layer.total, 0);
  const done = layers.filter((layer) => layer.done).length;
  return `${image}: ${total > 0 ? `${megabytes(current)} of ${megabytes(total)} MB, ` : ''}${done} of ${layers.length} layers`;
}

/** Copies an image from one engine to another (`docker save | docker load`), e.g. into an attendee's engine. */
export async function copyImage(from: Docker, to: Docker, image: string): Promise<void> {
  const archive = await from.getImage(image).get();
  const stream = await to.loadImage(archive);
  await new Promise<void>((resolve, reject) =>
    to.modem.followProgress(stream, (error: Error | null, output: PullEvent[]) => {
      const failed = output?.find((line) => line.error);
      if (error || failed)
        reject(new Error(`Could not load ${image} into the attendee's engine: ${(error ?? new Error(failed!.error)).message}`));
      else resolve();
    }),
  );
}

function throttled(onProgress: ImageProgress, everyMs = 1000): ImageProgress & { flush(): void } {
  let last = 0;
  let pending: string | undefined;
  const report = Object.assign(
    (detail: string) => {
      pending = detail;
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      onProgress(detail);
      pending = undefined;
    },
    {
      flush() {
        if (pending !== undefined) onProgress(pending);
        pending = undefined;
      },
    },
  );
  return report;
}
