/** minimesos' defaults (ContainerSolutions/minimesos, config/*.groovy at 0.13.0/HEAD). */
export const SUPPORTED_MESOS_VERSIONS = ['0.25', '0.25.0', '0.26', '0.27', '0.28.0', '0.28.1', '0.28', '1.0.0'];
export const DEFAULT_MESOS_VERSION = '1.0.0';
export const LOGGING_LEVELS = ['INFO', 'WARNING', 'ERROR'] as const;
export const INHERIT_LOGGING = '# INHERIT FROM CLUSTER';
export const DEFAULT_TIMEOUT = 60;
export const DEFAULT_CLUSTER_NAME = 'Change Cluster Name in minimesosFile file';
export const WEAVE_SCOPE_APP = 'https://raw.githubusercontent.com/ContainerSolutions/minimesos/master/opt/apps/weave-scope.json';

/** Image name and tag per role; master/agent tags follow the Mesos version: `<mesosVersion>-0.1.0`. */
export const DEFAULT_IMAGES = {
  master: 'containersol/mesos-master',
  agent: 'containersol/mesos-agent',
  zookeeper: 'jplock/zookeeper:3.4.6',
  marathon: 'mesosphere/marathon:v1.3.5',
  consul: 'consul:0.7.1',
  registrator: 'gliderlabs/registrator:v6',
  mesosdns: 'xebia/mesos-dns:0.0.5',
} as const;

/** Marathon's command line, as minimesos' MarathonConfig.MARATHON_CMD (the bot's Docker roles run the same). */
export const MARATHON_CMD = '--master zk://minimesos-zookeeper:2181/mesos --zk zk://minimesos-zookeeper:2181/marathon';

export const mesosImageTag = (mesosVersion: string) => `${mesosVersion}-0.1.0`;

/** Role `*` resources of an agent that does not say otherwise. */
export const DEFAULT_AGENT_RESOURCES = { cpus: 4, mem: 1024, disk: 2000, ports: '[31000-32000]' } as const;
export const DEFAULT_AGENT_PORT = 5051;
