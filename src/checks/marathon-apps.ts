import type { MarathonApp } from '../clients/marathon-model.js';
import { asArray } from '../clients/values.js';
import type { CheckScope } from './check-type.js';
import { imageMatches } from './image.js';

/** A Marathon app by id (`nginx` or `/nginx`) or by its Docker image. */
export type AppSelector = { id: string } | { image: string };

export async function selectApps(selector: AppSelector, scope: CheckScope): Promise<MarathonApp[]> {
  const apps = await scope.marathonApps();
  if ('id' in selector) {
    const id = `/${selector.id.replace(/^\/+/, '')}`;
    return apps.filter((app) => app.id === id);
  }
  return apps.filter((app) => app.image !== undefined && imageMatches(app.image, selector.image));
}

export function describeApps(selector: AppSelector): string {
  return 'id' in selector ? `app /${selector.id.replace(/^\/+/, '')}` : `app with image ${selector.image}`;
}

/** "/nginx (image nginx): 3 instances, 2 running, deploying" */
export function describeApp(app: MarathonApp): string {
  const parts = [`${app.instances} instance${app.instances === 1 ? '' : 's'}`, `${app.tasksRunning} running`];
  if (app.tasksStaged > 0) parts.push(`${app.tasksStaged} staging`);
  if (hasHealthChecks(app)) parts.push(`${app.tasksHealthy} healthy`);
  if (app.deployments.length > 0) parts.push('a deployment in progress');
  return `${app.id}${app.image ? ` (image ${app.image})` : ''}: ${parts.join(', ')}`;
}

export function hasHealthChecks(app: MarathonApp): boolean {
  return asArray(app.raw.healthChecks).length > 0;
}
