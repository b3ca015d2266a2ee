import { describe, expect, it } from 'vitest';
import { blocksNotRunWarning, DEFAULT_MINIMESOS_FILE, parseMinimesosFile, specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { exportLines, installTokens, minimesosTokens, replaceTokens } from '../../src/clusters/tokens.js';

/** A one-agent cluster seen from inside its network, as the Docker backend records it. */
const inCluster = {
  gateway: '172.18.0.1',
  zookeeper: '172.18.0.2:2181',
  master: 'http://172.18.0.3:5050',
  marathon: 'http://172.18.0.5:8080',
  agents: ['http://172.18.0.4:5051'],
};

describe('minimesos token replacement', () => {
  it('replaces ${MINIMESOS_*} tokens (with _IP and _PORT) as minimesos does', () => {
    const json =
      '{"args": ["--zookeeperMesosUrl", "${MINIMESOS_ZOOKEEPER}", "--master", "${MINIMESOS_MASTER_IP}:${MINIMESOS_MASTER_PORT}", "${MINIMESOS_NETWORK_GATEWAY}", "${MINIMESOS_AGENT}", "${MINIMESOS_ZOOKEEPER_IP}:${MINIMESOS_ZOOKEEPER_PORT}"]}';
    const replaced = replaceTokens(json, minimesosTokens(inCluster));
    expect(JSON.parse(replaced.text).args).toEqual([
      '--zookeeperMesosUrl',
      'zk://172.18.0.2:2181/mesos',
      '--master',
      '172.18.0.3:5050',
      '172.18.0.1',
      'http://172.18.0.4:5051',
      '172.18.0.2:2181',
    ]);
    expect(replaced.notReplaced).toEqual([]);
  });

  it('prints the export lines of minimesos info, naming the agent only when there is exactly one', () => {
    expect(exportLines(inCluster)).toEqual([
      'export MINIMESOS_NETWORK_GATEWAY=172.18.0.1',
      'export MINIMESOS_ZOOKEEPER=zk://172.18.0.2:2181/mesos; export MINIMESOS_ZOOKEEPER_IP=172.18.0.2',
      'export MINIMESOS_MASTER=http://172.18.0.3:5050; export MINIMESOS_MASTER_IP=172.18.0.3',
      'export MINIMESOS_MARATHON=http://172.18.0.5:8080; export MINIMESOS_MARATHON_IP=172.18.0.5',
      'export MINIMESOS_AGENT=http://172.18.0.4:5051; export MINIMESOS_AGENT_IP=172.18.0.4',
    ]);
    const twoAgents = { ...inCluster, agents: ['http://172.18.0.4:5051', 'http://172.18.0.6:5051'] };
    expect(exportLines(twoAgents).join('\n')).not.toContain('MINIMESOS_AGENT');
    expect(Object.keys(minimesosTokens(twoAgents)).some((name) => name.startsWith('MINIMESOS_AGENT'))).toBe(false);
  });

  it('gives /cluster install the in-cluster addresses of a built cluster, and what an attached cluster was given', () => {
    const published = { master: 'http://127.0.0.1:32771', zookeeper: '127.0.0.1:32770' };
    const built = installTokens({ endpoints: published, clusterTokens: minimesosTokens(inCluster) });
    expect(built.MINIMESOS_ZOOKEEPER).toBe('zk://172.18.0.2:2181/mesos');
    expect(built.MINIMESOS_MASTER).toBe('http://172.18.0.3:5050');
    const attached = installTokens({
      endpoints: { master: 'http://10.0.0.5:5050', marathon: 'https://marathon.example.org', zookeeper: '10.0.0.5:2181' },
    });
    expect(attached).toMatchObject({
      MINIMESOS_MASTER: 'http://10.0.0.5:5050',
      MINIMESOS_ZOOKEEPER: 'zk://10.0.0.5:2181/mesos',
      MINIMESOS_MARATHON_IP: 'marathon.example.org',
      MINIMESOS_MARATHON_PORT: '443',
    });
  });

  it('says which tokens it left and why, each once', () => {
    const json = JSON.stringify({
      env: {
        DNS: '${MINIMESOS_CONSUL_IP}',
        DNS_AGAIN: '${MINIMESOS_CONSUL_IP}',
        MESOSDNS: '${MINIMESOS_MESOSDNS}',
        LOGS: '${MINIMESOS_HOST_DIR}/.minimesos',
        TYPO: '${MINIMESOS_ZOOKEPER}',
        OLD: '{{MINIMESOS_ZOOKEEPER}}',
        SHELL: '$MINIMESOS_MASTER/state.json',
        AGENT: '${MINIMESOS_AGENT_IP}',
      },
    });
    const twoAgents = minimesosTokens({ ...inCluster, agents: ['http://172.18.0.4:5051', 'http://172.18.0.6:5051'] });
    const { text, notReplaced } = replaceTokens(json, twoAgents);
    const reasons = Object.fromEntries(notReplaced.map(({ token, reason }) => [token, reason]));
    expect(Object.keys(reasons)).toHaveLength(7);
    expect(reasons['${MINIMESOS_CONSUL_IP}']).toBe(
      'this cluster runs no consul; the workshop bot does not run consul/registrator/mesosdns',
    );
    expect(reasons['${MINIMESOS_MESOSDNS}']).toContain('this cluster runs no mesosdns');
    expect(reasons['${MINIMESOS_HOST_DIR}']).toContain('no minimesos directory on your machine');
    expect(reasons['${MINIMESOS_AGENT_IP}']).toBe('minimesos defines it only for a cluster with exactly one agent');
    expect(reasons['${MINIMESOS_ZOOKEPER}']).toContain('minimesos has no such token');
    expect(reasons['{{MINIMESOS_ZOOKEEPER}}']).toContain('minimesos never replaced this old form');
    expect(reasons['{{MINIMESOS_ZOOKEEPER}}']).toContain('write ${MINIMESOS_ZOOKEEPER}');
    expect(reasons.$MINIMESOS_MASTER).toContain('only the ${…} form is replaced');
    // Left exactly as written, as minimesos leaves them.
    expect(JSON.parse(text).env).toMatchObject({
      DNS: '${MINIMESOS_CONSUL_IP}',
      OLD: '{{MINIMESOS_ZOOKEEPER}}',
      SHELL: '$MINIMESOS_MASTER/state.json',
    });
  });

  it('tells an attached cluster without zookeeper= how to get ${MINIMESOS_ZOOKEEPER}', () => {
    const { notReplaced } = replaceTokens('"${MINIMESOS_ZOOKEEPER}"', installTokens({ endpoints: { master: 'http://10.0.0.5:5050' } }));
    expect(notReplaced[0]!.reason).toContain('give zookeeper= to /cluster attach');
  });
});

describe('minimesosFile blocks the bot does not run', () => {
  it('names them (the default file has all three), and says nothing when there are none', () => {
    const warning = blocksNotRunWarning(parseMinimesosFile(DEFAULT_MINIMESOS_FILE));
    expect(warning).toContain('consul, registrator and mesosdns blocks, which the workshop bot does not run');
    expect(warning).toContain('your cluster builds without them');
    expect(blocksNotRunWarning(parseMinimesosFile('minimesos {\n agent {\n }\n mesosdns {\n }\n}'))).toContain('a mesosdns block');
    expect(blocksNotRunWarning(specFromFlags({ agents: 2 }))).toBeUndefined();
  });
});
