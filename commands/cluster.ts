import type { CommandSpec } from '../src/router/types.js';

export const cluster: CommandSpec = {
  name: 'cluster',
  summary: 'Your own minimesos cluster: up, info, state, install, down — like the minimesos CLI.',
  description: 'Builds and manages your personal minimesos cluster (ZooKeeper, Mesos master, agents, Marathon) on the workshop Docker hosts, or links a cluster you already run.',
  examples: ['/cluster up', '/cluster up --agents 3', '/cluster info', '/cluster down'],
  subcommands: [
    { name: 'init', usage: '/cluster init', summary: 'shows the default minimesosFile to edit' },
    { name: 'up', usage: '/cluster up [--agents N] [--mesos VERSION] (or attach / paste a minimesosFile)', summary: 'builds your cluster' },
    { name: 'info', usage: '/cluster info', summary: 'status and the export MINIMESOS_… lines' },
    { name: 'state', usage: '/cluster state [--raw]', summary: "the master's state, summarised" },
    { name: 'ps', usage: '/cluster ps', summary: 'running tasks, like minimesos ps' },
    { name: 'logs', usage: '/cluster logs <task> [--stderr]', summary: "a task's sandbox stdout or stderr" },
    { name: 'install', usage: '/cluster install [--update] <Marathon JSON>', summary: 'installs a Marathon app or group' },
    { name: 'uninstall', usage: '/cluster uninstall <app>', summary: 'removes a Marathon app' },
    { name: 'down', usage: '/cluster down', summary: 'destroys your cluster' },
    { name: 'attach', usage: '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]', summary: 'links a cluster you already run' },
    { name: 'detach', usage: '/cluster detach', summary: 'unlinks an attached cluster' },
  ],
};
