import type { CommandSpec } from '../../src/router/types.js';
import { logs, ps, stateSummary } from './inspect.js';
import { attach, detach, down, downButton, extend, info, init, up, upButton } from './lifecycle.js';
import { install, uninstall } from './marathon.js';

export const cluster: CommandSpec = {
  name: 'cluster',
  summary: 'Your own minimesos cluster: up, info, state, install, down — like the minimesos CLI.',
  description:
    'Builds and manages your personal minimesos cluster (ZooKeeper, Mesos master, agents, Marathon) on the workshop Docker hosts, or links a cluster you already run.',
  examples: ['/cluster up', '/cluster up --agents 3', '/cluster info', '/cluster down'],
  subcommands: [
    { name: 'init', usage: '/cluster init', summary: 'shows the default minimesosFile to edit', run: init },
    {
      name: 'up',
      usage:
        '/cluster up [--agents N] [--mesos VERSION] [--name NAME] (or a minimesosFile in a code block, or DM me the file with the words "cluster up")',
      summary: 'builds your cluster',
      takesFile: 'a minimesosFile',
      run: up,
    },
    { name: 'info', usage: '/cluster info', summary: 'status and the export MINIMESOS_… lines', run: info, aboutAttendee: true },
    {
      name: 'state',
      usage: '/cluster state [--raw]',
      summary: "the master's state, summarised (--raw: the JSON too, only to you)",
      run: stateSummary,
      aboutAttendee: true,
    },
    { name: 'ps', usage: '/cluster ps', summary: 'running tasks, like minimesos ps', run: ps, aboutAttendee: true },
    {
      name: 'logs',
      usage: '/cluster logs <task> [--stderr]',
      summary: "a task's sandbox stdout or stderr",
      run: logs,
      aboutAttendee: true,
    },
    {
      name: 'install',
      usage: '/cluster install [--update] <Marathon JSON>',
      summary: 'installs a Marathon app or group (JSON in a code block, or DM me the file with "cluster install")',
      takesFile: 'Marathon JSON',
      run: install,
    },
    { name: 'uninstall', usage: '/cluster uninstall <app> [--group]', summary: 'removes a Marathon app or group', run: uninstall },
    { name: 'down', usage: '/cluster down', summary: 'destroys your cluster', run: down, aboutAttendee: true },
    {
      name: 'attach',
      usage: '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]',
      summary: 'links a cluster you already run',
      run: attach,
    },
    { name: 'detach', usage: '/cluster detach', summary: 'unlinks an attached cluster', run: detach },
  ],
  // up and down: the App Home's buttons.
  actions: { extend, up: upButton, down: downButton },
};
