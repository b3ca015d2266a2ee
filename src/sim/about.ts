/**
 * The field the simulated master adds to its /state (real Mesos has no such field): how the bot,
 * the check engine and people tell a simulated cluster from a real one.
 */
export const SIMULATOR_MARKER = 'simulator';
export const SIMULATOR_NAME = 'mesos-workshop-bot';

/** What a simulated cluster is and is not, in one paragraph: for its pages, the demo and /cluster info. */
export const SIMULATOR_NOTE =
  'This cluster is simulated by mesos-workshop-bot: its master, agents and Marathon answer the real HTTP APIs, and the ' +
  "workshop's images answer on their ports (nginx, MySQL, WordPress, Weave Scope, Elasticsearch, Kibana). It is not Mesos " +
  'or Marathon: no containers run, other images do nothing, and the web pages are plain stand-ins for the real UIs.';
