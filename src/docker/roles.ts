import type { ClusterSpec } from '../clusters/cluster-spec.js';
import { MARATHON_CMD, resourcesString } from '../clusters/minimesos-file/index.js';
import { localImage } from './image-names.js';

export type ImageMode = 'minimesos' | 'local';

/** One container of a cluster, as minimesos would start it. */
export interface RoleContainer {
  role: 'zookeeper' | 'master' | 'agent' | 'marathon';
  /** 0 for single roles; the agent's number otherwise. */
  index: number;
  /** Name other containers use on the cluster network. */
  alias: string;
  image: string;
  cmd?: string[];
  env: string[];
  port: number;
  memoryMb: number;
  /** The real agent launches tasks through the engine's socket, as minimesos does. */
  dockerSocket: boolean;
  /**
   * Its tasks answer on the attendee's app ports (80, 3306…) where the engine publishes them: the
   * simulated agent runs its tasks' processes in its own container, so it binds those ports itself
   * (the real agent's HOST-network tasks bind the engine's directly). The first agent, with local images.
   */
  servesAppPorts?: boolean;
}

const SIM = ['node', '/app/dist/src/cli/main.js', 'sim'];

/** The containers of a cluster in minimesos' start order: zookeeper, master, agents, marathon. */
export function clusterRoles(spec: ClusterSpec, clusterId: string, mode: ImageMode): RoleContainer[] {
  const zkHost = 'minimesos-zookeeper';
  const zkMesos = `zk://${zkHost}:2181/mesos`;
  const clusterName = spec.clusterName ?? `minimesos-${clusterId}`;
  const local = mode === 'local';
  const roles: RoleContainer[] = [
    {
      role: 'zookeeper',
      index: 0,
      alias: zkHost,
      image: local ? localImage('zookeeper') : spec.zookeeper.image,
      ...(local ? { cmd: ['/usr/local/bin/zookeeper'] } : {}),
      env: [],
      port: 2181,
      memoryMb: 256,
      dockerSocket: false,
    },
    {
      role: 'master',
      index: 0,
      alias: 'minimesos-master',
      image: local ? localImage('sim') : spec.master.image,
      ...(local ? { cmd: [...SIM, 'master', '--hostname', 'minimesos-master'] } : {}),
      env: [
        'MESOS_QUORUM=1',
        `MESOS_ZK=${zkMesos}`,
        `MESOS_CLUSTER=${clusterName}`,
        'MESOS_PORT=5050',
        `MESOS_LOGGING_LEVEL=${spec.loggingLevel}`,
        ...(spec.master.authenticate && spec.master.aclJson ? ['MESOS_AUTHENTICATE=true', `MESOS_ACLS=${spec.master.aclJson}`] : []),
      ],
      port: 5050,
      memoryMb: local ? 128 : 512,
      dockerSocket: false,
    },
  ];
  spec.agents.forEach((agent, index) => {
    const alias = `minimesos-agent-${index + 1}`;
    roles.push({
      role: 'agent',
      index: index + 1,
      alias,
      image: local ? localImage('sim') : agent.image,
      ...(local ? { cmd: [...SIM, 'agent', '--hostname', alias, '--master', 'http://minimesos-master:5050'] } : {}),
      env: [
        `MESOS_MASTER=${zkMesos}`,
        `MESOS_RESOURCES=${resourcesString(agent)}`,
        `MESOS_PORT=${agent.portNumber}`,
        `MESOS_HOSTNAME=${alias}`,
        ...(agent.attributes ? [`MESOS_ATTRIBUTES=${agent.attributes}`] : []),
        'MESOS_CONTAINERIZERS=docker,mesos',
        'MESOS_SWITCH_USER=false',
        'MESOS_EXECUTOR_REGISTRATION_TIMEOUT=5mins',
        `MESOS_LOGGING_LEVEL=${spec.loggingLevel}`,
      ],
      port: agent.portNumber,
      memoryMb: local ? 128 : 1024,
      dockerSocket: !local,
      ...(local && index === 0 ? { servesAppPorts: true } : {}),
    });
  });
  if (spec.marathon) {
    roles.push({
      role: 'marathon',
      index: 0,
      alias: 'minimesos-marathon',
      image: local ? localImage('sim') : spec.marathon.image,
      cmd: local
        ? [
            ...SIM,
            'marathon',
            '--hostname',
            'minimesos-marathon',
            '--master',
            'http://minimesos-master:5050',
            '--zookeeper',
            `${zkHost}:2181`,
          ]
        : MARATHON_CMD.split(' '),
      env: [],
      port: 8080,
      memoryMb: local ? 128 : 768,
      dockerSocket: false,
    });
  }
  return roles;
}
