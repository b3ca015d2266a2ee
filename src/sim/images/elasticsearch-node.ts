import { createHash } from 'node:crypto';
import { parsePortRanges } from '../../clients/resources.js';
import type { ClusterTask, ImageServer, RunningTask } from './types.js';

const VERSION = {
  number: '2.4.1',
  build_hash: 'c67dc32e24162035d18d6fe1e952c4cbcbe79d16',
  build_timestamp: '2016-09-27T18:57:55Z',
  build_snapshot: false,
  lucene_version: '5.5.2',
};

/**
 * An Elasticsearch 2.x node (the Mesos Elasticsearch executor's default image): `/` and `/_nodes`,
 * which lists every live node of its cluster: the running tasks of the same framework and name.
 */
export const elasticsearchNode: ImageServer = {
  protocol: 'http',
  async answer(request, task, around) {
    const headers = { 'content-type': 'application/json; charset=UTF-8' };
    const json = (status: number, body: unknown) => ({ status, headers, body: `${JSON.stringify(body, null, 2)}\n` });
    const clusterName = elasticsearchClusterName(task);
    const path = request.path.replace(/\/+$/, '') || '/';
    if (path === '/') return json(200, { name: task.id, cluster_name: clusterName, version: VERSION, tagline: 'You Know, for Search' });
    if (path === '/_nodes') {
      const peers = (await around.tasks(task.frameworkId)).filter((peer) => peer.state === 'TASK_RUNNING' && peer.name === task.name);
      return json(200, { cluster_name: clusterName, nodes: Object.fromEntries(peers.map((peer) => [nodeId(peer.id), nodeInfo(peer)])) });
    }
    return {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
      body: `No handler found for uri [${request.path}] and method [${request.method}]`,
    };
  },
};

/** `-Des.cluster.name=X` or `--default.cluster.name=X` (how the framework starts its nodes); Elasticsearch's default otherwise. */
function elasticsearchClusterName(task: RunningTask): string {
  for (const arg of task.args) {
    const match = /^-{1,2}(?:Des\.|default\.)?cluster\.name=(.+)$/.exec(arg);
    if (match) return match[1]!;
  }
  return task.env['cluster.name'] ?? 'elasticsearch';
}

function nodeInfo(task: ClusterTask): Record<string, unknown> {
  const host = task.agent_hostname ?? '';
  const [http, transport] = parsePortRanges(task.resources.ports ?? '').map((range) => range.begin);
  return {
    name: task.id,
    transport_address: `${host}:${transport ?? 9300}`,
    host,
    ip: host,
    version: VERSION.number,
    build: VERSION.build_hash.slice(0, 7),
    http_address: `${host}:${http ?? 9200}`,
    attributes: { task_id: task.id },
  };
}

/** Elasticsearch's node ids are 22 url-safe base64 characters; this one is stable for a task. */
function nodeId(taskId: string): string {
  return createHash('sha1').update(taskId).digest('base64url').slice(0, 22);
}
