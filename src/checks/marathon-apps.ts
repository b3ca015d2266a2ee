import type { MarathonApp } from '../clients/marathon-model.js';
import { asArray, asObject } from '../clients/values.js';
import type { CheckScope } from './check-type.js';
import { describeImage, imageMatches } from './image.js';

/** A Marathon app by id (`nginx` or `/nginx`) or by its Docker image. */
export type AppSelector = { id: string } | { image: string };

/**
 * The apps a selector names. An id names the app of that id, or — when there is none — the apps of
 * that name in a group (`/workshop/nginx` for `nginx`): putting an app in a group is a valid way to
 * deploy it, and Marathon normalises ids (no trailing slash; only lowercase letters are allowed).
 */
export async function selectApps(selector: AppSelector, scope: CheckScope): Promise<MarathonApp[]> {
  const apps = await scope.marathonApps();
  if ('id' in selector) {
    const id = `/${selector.id.replace(/^\/+|\/+$/g, '')}`;
    const exact = apps.filter((app) => app.id === id);
    return exact.length > 0 ? exact : apps.filter((app) => app.id.endsWith(id));
  }
  return apps.filter((app) => app.image !== undefined && imageMatches(app.image, selector.image));
}

export function describeApps(selector: AppSelector): string {
  return 'id' in selector ? `app /${selector.id.replace(/^\/+|\/+$/g, '')}` : `app with image ${describeImage(selector.image)}`;
}

/** "/nginx (image nginx): 3 instances, 2 running, deploying" */
export function describeApp(app: MarathonApp): string {
  const parts = [`${app.instances} instance${app.instances === 1 ? '' : 's'}`, `${app.tasksRunning} running`];
  if (app.tasksStaged > 0) parts.push(`${app.tasksStaged} staging`);
  if (hasHealthChecks(app)) parts.push(`${app.tasksHealthy} healthy`);
  if (app.deployments.length > 0) parts.push('a deployment in progress');
  return `${app.id}${app.image ? ` (image ${app.image})` : ''}: ${parts.join(', ')}`;
}

/** An app's Docker port mappings (`container.docker.portMappings`; `container.portMappings` from Marathon 1.5): none on the host's network. */
export function portMappings(app: MarathonApp): Array<{ containerPort: number; hostPort: number }> {
  const container = asObject(app.raw.container);
  return asArray(asObject(container.docker).portMappings ?? container.portMappings)
    .map(asObject)
    .map((mapping) => ({ containerPort: Number(mapping.containerPort ?? 0), hostPort: Number(mapping.hostPort ?? 0) }));
}

export function hasHealthChecks(app: MarathonApp): boolean {
  return asArray(app.raw.healthChecks).length > 0;
}
