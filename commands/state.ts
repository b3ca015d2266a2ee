import type { CommandSpec } from '../src/router/types.js';

export const state: CommandSpec = {
  name: 'state',
  summary: 'Posts the state of your cluster into a thread.',
  description: 'Reads your cluster (provisioned with /cluster up or linked with /cluster attach) and posts a short summary with the details as thread replies.',
  subcommands: [
    { name: 'marathon', usage: '/state marathon', summary: 'Marathon apps: instances, running, staged, healthy, deployments' },
    { name: 'frameworks', usage: '/state frameworks', summary: 'Mesos frameworks with their tasks by state and used resources' },
    { name: 'tasks', usage: '/state tasks', summary: 'Mesos tasks: name, framework, state, agent, ports' },
    { name: 'resources', usage: '/state resources', summary: 'cpus, mem, disk and ports per agent and in total: total, used, free' },
    { name: 'zk', usage: '/state zk [path]', summary: 'the ZooKeeper tree under a path, with the Mesos leader decoded' },
    { name: 'leader', usage: '/state leader', summary: 'the leading Mesos master and the Marathon leader' },
  ],
};
