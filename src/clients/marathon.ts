import type { UserError } from '../errors.js';
import { escapeMrkdwn } from '../render/mrkdwn.js';
import { EndpointError, type HttpClient, parseJson } from './http.js';
import {
  type MarathonApp,
  type MarathonDeployment,
  type MarathonInfo,
  type MarathonPod,
  type MarathonTask,
  parseAppList,
  parseDeployment,
  parseMarathonApp,
  parseMarathonInfo,
  parseMarathonTask,
  parsePodStatus,
} from './marathon-model.js';
import { asArray, asCount, asObject, asString } from './values.js';

export interface DeploymentRef {
  version: string;
  deploymentId: string;
}

/** Marathon's REST API v2 (0.15–1.3), with its error answers turned into messages a user can act on. */
export class MarathonClient {
  readonly url: string;

  constructor(
    private readonly http: HttpClient,
    url: string,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  async apps(): Promise<MarathonApp[]> {
    return parseAppList(
      await this.call('GET', '/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure&embed=apps.deployments&embed=apps.counts'),
    );
  }

  /** The pods with their instances (Marathon 1.4+); none from a Marathon that has no pods (404: 1.3 and older). */
  async pods(): Promise<MarathonPod[]> {
    try {
      return asArray(await this.call('GET', '/v2/pods/::status')).map(parsePodStatus);
    } catch (error) {
      if (error instanceof EndpointError && error.status === 404) return [];
      throw error;
    }
  }

  async app(id: string): Promise<MarathonApp> {
    return parseMarathonApp(asObject(await this.call('GET', `/v2/apps${appPath(id)}`)).app);
  }

  async createApp(definition: object): Promise<MarathonApp> {
    return parseMarathonApp(await this.call('POST', '/v2/apps', definition));
  }

  /** Partial update; `force` overrides a deployment that holds the app. */
  async updateApp(id: string, changes: object, options: { force?: boolean } = {}): Promise<DeploymentRef> {
    return deploymentRef(await this.call('PUT', `/v2/apps${appPath(id)}${options.force ? '?force=true' : ''}`, changes));
  }

  scaleApp(id: string, instances: number, options: { force?: boolean } = {}): Promise<DeploymentRef> {
    return this.updateApp(id, { instances }, options);
  }

  async deleteApp(id: string): Promise<DeploymentRef> {
    return deploymentRef(await this.call('DELETE', `/v2/apps${appPath(id)}`));
  }

  async restartApp(id: string, options: { force?: boolean } = {}): Promise<DeploymentRef> {
    return deploymentRef(await this.call('POST', `/v2/apps${appPath(id)}/restart${options.force ? '?force=true' : ''}`));
  }

  async createGroup(definition: object): Promise<DeploymentRef> {
    return deploymentRef(await this.call('POST', '/v2/groups', definition));
  }

  async updateGroup(id: string, definition: object, options: { force?: boolean } = {}): Promise<DeploymentRef> {
    return deploymentRef(await this.call('PUT', `/v2/groups${appPath(id)}${options.force ? '?force=true' : ''}`, definition));
  }

  async group(id: string): Promise<unknown> {
    return this.call('GET', `/v2/groups${appPath(id)}`);
  }

  async deleteGroup(id: string): Promise<DeploymentRef> {
    return deploymentRef(await this.call('DELETE', `/v2/groups${appPath(id)}`));
  }

  async tasks(): Promise<MarathonTask[]> {
    return asArray(asObject(await this.call('GET', '/v2/tasks')).tasks).map(parseMarathonTask);
  }

  async deployments(): Promise<MarathonDeployment[]> {
    return asArray(await this.call('GET', '/v2/deployments')).map(parseDeployment);
  }

  async queue(): Promise<Array<{ appId: string; count: number; delayed: boolean }>> {
    return asArray(asObject(await this.call('GET', '/v2/queue')).queue).map((entry) => {
      const item = asObject(entry);
      // Marathon 1.4+ queues pods too (`pod` in place of `app`).
      return {
        appId: asString(asObject(item.app ?? item.pod).id),
        count: asCount(item.count),
        delayed: asObject(item.delay).overdue === false,
      };
    });
  }

  async info(): Promise<MarathonInfo> {
    return parseMarathonInfo(await this.call('GET', '/v2/info'));
  }

  async ping(): Promise<boolean> {
    const response = await this.http.request(`${this.url}/ping`, { headers: { accept: 'text/plain' } });
    return response.status === 200;
  }

  private async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: object): Promise<unknown> {
    const url = `${this.url}${path}`;
    const response = await this.http.request(url, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (response.status >= 200 && response.status < 300) return response.text === '' ? {} : parseJson(url, response.text);
    throw marathonError(url, response.status, response.text);
  }
}

function appPath(id: string): string {
  return `/${id.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
}

function deploymentRef(value: unknown): DeploymentRef {
  const body = asObject(value);
  return { version: asString(body.version), deploymentId: asString(body.deploymentId) };
}

/** Longest Marathon error message (and detail line) a reply repeats; Marathon's own are far shorter. */
const MAX_ERROR_TEXT = 300;
const MAX_DETAILS = 10;

/**
 * Marathon's error JSON: `{"message": "…", "details": [{"path": "/id", "errors": ["…"]}]}`. Anything
 * else (a proxy's HTML page, some other server's JSON) is not Marathon speaking: undefined.
 */
export function marathonErrorBody(text: string): { message: string; details: string[] } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { message, details = [] } = asObject(body);
  if (typeof message !== 'string' || message.trim() === '' || !Array.isArray(details)) return undefined;
  const lines: string[] = [];
  for (const detail of details) {
    const { path = '/', errors } = asObject(detail);
    if (typeof path !== 'string' || !Array.isArray(errors) || !errors.every((error) => typeof error === 'string')) return undefined;
    lines.push(clip(`${path || '/'}: ${errors.join('; ')}`));
  }
  return { message: clip(message), details: lines.slice(0, MAX_DETAILS) };
}

function clip(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/** What Marathon said went wrong (only its own error message, never another body), plus what to do. */
export function marathonError(url: string, status: number, text: string): UserError {
  const said = marathonErrorBody(text);
  // A UserError's message is mrkdwn; what the cluster's Marathon says is not ours, so it is escaped.
  const message = escapeMrkdwn(said?.message ?? `HTTP ${status}`);
  const details = (said?.details ?? []).map(escapeMrkdwn);
  if (status === 409 && /locked/i.test(message)) {
    return new EndpointError(
      'http',
      url,
      `Marathon: ${message.replace(/\s*Override with.*$/i, '')}`,
      'A deployment of this app is still running. Wait for it (see /state marathon), or repeat the command with --force to override it.',
      status,
      text,
    );
  }
  if (status === 409)
    return new EndpointError(
      'http',
      url,
      `Marathon: ${message}`,
      'Use --update to change the existing app, or give the new one another id.',
      status,
      text,
    );
  if (status === 404)
    return new EndpointError('http', url, `Marathon: ${message}`, '/state marathon lists the apps that exist.', status, text);
  if (status === 400 || status === 422) {
    return new EndpointError(
      'http',
      url,
      `Marathon refused the definition: ${message}${details.length ? `\n${details.map((line) => `• ${line}`).join('\n')}` : ''}`,
      'Fix the fields named above and try again.',
      status,
      text,
    );
  }
  return new EndpointError(
    'http',
    url,
    said ? `Marathon answered HTTP ${status}: ${message}` : `Marathon answered HTTP ${status}.`,
    'Marathon may be starting or electing a leader; try again in a moment.',
    status,
    text,
  );
}
