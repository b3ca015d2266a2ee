/** Words that carry no topic: dropped from questions and topics alike. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could do does did for from get got how i if in into is it its me my of on or our please ' +
    'should so some than that the their them then there these this those to was we were what when where which who will with ' +
    'would you your yours am any about up down out also just like want need know tell show see let lets make way thing things ' +
    'hi hello hey thanks thank im ive dont doesnt cant isnt one use used using work working good actually exactly really whats now go goes gets'
  ).split(' '),
);

/**
 * Domain words that mean the same thing in this course: each maps to one canonical word, applied to
 * topics and questions alike (agent/slave, zk/zookeeper, app/application…).
 */
const SYNONYMS = new Map<string, string>(
  Object.entries({
    slave: 'agent',
    slaves: 'agent',
    node: 'agent',
    nodes: 'agent',
    worker: 'agent',
    workers: 'agent',
    zk: 'zookeeper',
    zoo: 'zookeeper',
    zookeper: 'zookeeper',
    znodes: 'znode',
    application: 'app',
    applications: 'app',
    apps: 'app',
    service: 'app',
    services: 'app',
    program: 'app',
    drf: 'fairness',
    fair: 'fairness',
    dominant: 'fairness',
    allocation: 'allocate',
    allocator: 'allocate',
    allocated: 'allocate',
    kill: 'destroy',
    delete: 'destroy',
    remove: 'destroy',
    shutdown: 'destroy',
    teardown: 'destroy',
    terminate: 'destroy',
    stop: 'destroy',
    stopping: 'destroy',
    killed: 'destroy',
    removing: 'destroy',
    logs: 'log',
    logging: 'log',
    stdout: 'log',
    stderr: 'log',
    output: 'log',
    replicas: 'instance',
    instances: 'instance',
    copies: 'instance',
    cores: 'cpu',
    core: 'cpu',
    cpus: 'cpu',
    processor: 'cpu',
    memory: 'mem',
    ram: 'mem',
    mm: 'minimesos',
    minimesosfile: 'minimesos_file',
    elected: 'leader',
    election: 'leader',
    leading: 'leader',
    paxos: 'paxos',
    consensus: 'paxos',
    quorum: 'paxos',
    docker: 'docker',
    dockers: 'docker',
    container: 'container',
    containers: 'container',
    image: 'image',
    images: 'image',
    es: 'elasticsearch',
    elastic: 'elasticsearch',
    elk: 'elasticsearch',
    ui: 'ui',
    webui: 'ui',
    dashboard: 'ui',
    website: 'ui',
    page: 'ui',
    browser: 'ui',
    launch: 'deploy',
    launching: 'deploy',
    install: 'deploy',
    installing: 'deploy',
    deploying: 'deploy',
    deployed: 'deploy',
    resources: 'resource',
    capacity: 'resource',
    left: 'free',
    remaining: 'free',
    available: 'free',
    spare: 'free',
    utilisation: 'utilization',
    usage: 'utilization',
    utilized: 'utilization',
  }),
);

/** A light suffix stripper: enough to make "scaling", "scaled", "scales" meet "scale". */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  for (const [suffix, replacement] of [
    ['ational', 'ate'],
    ['ization', 'ize'],
    ['ations', 'ate'],
    ['ation', 'ate'],
    ['iness', 'y'],
    ['ments', ''],
    ['ment', ''],
    ['ings', ''],
    ['ing', ''],
    ['ies', 'y'],
    ['ied', 'y'],
    ['ers', ''],
    ['er', ''],
    ['ed', ''],
    ['es', ''],
    ['ly', ''],
    ['s', ''],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, word.length - suffix.length) + replacement;
      // "scal" → "scale", "runn" → "run": undo what the suffix took.
      return base
        .replace(/([^aeiou])\1$/, '$1')
        .replace(/(at|bl|iz|al|ag|ur|iv)$/, '$1e')
        .replace(/ee$/, 'e');
    }
  }
  return word;
}

/** A word, with inner dots kept (`state.json`, `1.5`); one pass, no backtracking. */
const WORD = /[a-z0-9_$]+(?:\.[a-z0-9_$]+)*/g;

/** Lower-case words, with the course's `$VARIABLES`, `state.json` and flags kept whole. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[’']/g, '').match(WORD) ?? [];
}

/** Canonical terms of a text: stop words out, synonyms merged, stemmed. */
export function terms(text: string): string[] {
  return words(text).flatMap((word) => termsOfWord(word));
}

export function termsOfWord(word: string): string[] {
  if (STOP_WORDS.has(word)) return [];
  const canonical = SYNONYMS.get(word) ?? word;
  // "state.json" also counts as "state" and "json".
  const parts =
    canonical.includes('.') && !/^\d/.test(canonical)
      ? [canonical, ...canonical.split('.').filter((part) => part.length > 1)]
      : [canonical];
  return parts
    .map((part) => SYNONYMS.get(part) ?? part)
    .filter((part) => !STOP_WORDS.has(part))
    .map(stem);
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
