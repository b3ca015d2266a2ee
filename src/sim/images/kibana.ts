import { request as httpRequest } from 'node:http';
import { escapeHtml } from '../html.js';
import { type HttpAnswer, type ImageServer, imageName, type RunningTask } from './types.js';

const ES_WAIT_MS = 2000;

/**
 * Kibana 4 (the workshop's `kibana:4.4.2`) on 5601: `/` sends the browser to `/app/kibana`, which is
 * Kibana's page while its Elasticsearch (`ELASTICSEARCH_URL`, `localhost` being the task's own agent)
 * answers, and the red status page otherwise; `/api/status` says the same as JSON, shaped like
 * Kibana 4's status API (overall state and one entry per plugin; no real capture to copy).
 */
export const kibanaServer: ImageServer = {
  protocol: 'http',
  async answer(request, task): Promise<HttpAnswer> {
    const version = kibanaVersion(task.image);
    const elasticsearch = elasticsearchUrl(task);
    const path = request.path.replace(/\/+$/, '') || '/';
    if (path === '/') return { status: 302, headers: { location: '/app/kibana', 'content-type': 'text/html' }, body: '' };
    const reached = path === '/app/kibana' || path === '/api/status' ? await reachElasticsearch(elasticsearch) : undefined;
    if (path === '/api/status')
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(statusJson(task, version, elasticsearch, reached!)),
      };
    if (path === '/app/kibana')
      return reached === true
        ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: kibanaPage(version) }
        : { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' }, body: redStatusPage(version, elasticsearch) };
    return {
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ statusCode: 404, error: 'Not Found' }),
    };
  },
};

function kibanaVersion(image: string): string {
  const { tag } = imageName(image);
  return tag && /^\d+\.\d+\.\d+$/.test(tag) ? tag : '4.4.2';
}

/** `ELASTICSEARCH_URL` (default `http://elasticsearch:9200`, the image's), `localhost` meaning the agent the task runs on. */
function elasticsearchUrl(task: RunningTask): URL {
  const configured = task.env.ELASTICSEARCH_URL || 'http://elasticsearch:9200';
  const url = new URL(/^https?:\/\//.test(configured) ? configured : `http://${configured}`);
  if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') url.hostname = task.host;
  return url;
}

/** True once Elasticsearch answers `/` with its cluster name; else why not. */
function reachElasticsearch(url: URL): Promise<true | string> {
  return new Promise((resolve) => {
    const asked = httpRequest(new URL('/', url), { timeout: ES_WAIT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(/"cluster_name"/.test(body) ? true : `${url.host} is not Elasticsearch`));
    });
    asked.on('timeout', () => asked.destroy(new Error(`no answer within ${ES_WAIT_MS / 1000} s`)));
    asked.on('error', (error) => resolve(error.message));
    asked.end();
  });
}

function statusJson(task: RunningTask, version: string, elasticsearch: URL, reached: true | string): Record<string, unknown> {
  const since = new Date().toISOString();
  const green = { state: 'green', title: 'Green', nickname: 'Looking good', icon: 'success', since };
  const red = { state: 'red', title: 'Red', nickname: 'Danger Will Robinson! Danger!', icon: 'danger', since };
  const plugin = (name: string, ok: boolean, message: string) => ({
    id: `plugin:${name}@${version}`,
    name: `plugin:${name}@${version}`,
    state: ok ? 'green' : 'red',
    icon: ok ? 'success' : 'danger',
    message,
    since,
  });
  const ok = reached === true;
  return {
    name: task.host,
    version,
    status: {
      overall: ok ? green : red,
      statuses: [
        plugin('kibana', true, 'Ready'),
        plugin(
          'elasticsearch',
          ok,
          ok ? 'Kibana index ready' : `Unable to connect to Elasticsearch at ${elasticsearch.origin}. (${reached as string})`,
        ),
      ],
    },
  };
}

function kibanaPage(version: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kibana</title>
</head>
<body kbn-chrome id="kibana-body">
<div class="kibanaWelcomeView"><div class="kibanaWelcomeLogo"></div><p>Loading Kibana ${escapeHtml(version)} (simulated): configure an index pattern, e.g. logstash-*</p></div>
</body>
</html>
`;
}

function redStatusPage(version: string, elasticsearch: URL): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kibana Status</title>
</head>
<body>
<h1>Status: Red</h1>
<p>Kibana ${escapeHtml(version)}: plugin:elasticsearch — Unable to connect to Elasticsearch at ${escapeHtml(elasticsearch.origin)}.</p>
</body>
</html>
`;
}
