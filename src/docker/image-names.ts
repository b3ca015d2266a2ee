/** Stand-ins for the minimesos images when no registry is reachable (tests, trying it here). */
export const LOCAL_IMAGES = {
  /** A real ZooKeeper: the host's JRE and Debian's ZooKeeper jars. */
  zookeeper: 'workshop-bot/zookeeper:local',
  /** This project on the host's node: `sim master|agent|marathon` play the Mesos and Marathon roles. */
  sim: 'workshop-bot/sim:local',
  /** An attendee's own Docker engine (dind isolation): the host's dockerd, containerd, runc and iptables. */
  dind: 'workshop-bot/dind:local',
} as const;

/** The attendee engine (dind isolation) when neither DIND_IMAGE nor local images say otherwise. */
export const DEFAULT_DIND_IMAGE = 'docker:20.10-dind';
