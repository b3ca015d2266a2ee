import { describe, expect, it } from 'vitest';
import { replaceTokens, tokenValues } from '../../src/clusters/tokens.js';

describe('minimesos token replacement', () => {
  it('replaces ${MINIMESOS_*} tokens (with _IP and _PORT) and leaves unknown ones', () => {
    const values = tokenValues([
      'export MINIMESOS_NETWORK_GATEWAY=172.17.0.1',
      'export MINIMESOS_ZOOKEEPER=zk://10.1.0.2:2181/mesos; export MINIMESOS_ZOOKEEPER_IP=10.1.0.2',
      'export MINIMESOS_MASTER=http://10.1.0.3:5050; export MINIMESOS_MASTER_IP=10.1.0.3',
    ]);
    const json =
      '{"args": ["--zookeeperMesosUrl", "${MINIMESOS_ZOOKEEPER}", "--master", "${MINIMESOS_MASTER_IP}:${MINIMESOS_MASTER_PORT}", "${MINIMESOS_NETWORK_GATEWAY}", "{{MINIMESOS_ZOOKEEPER}}", "${MINIMESOS_CONSUL}"]}';
    expect(JSON.parse(replaceTokens(json, values)).args).toEqual([
      '--zookeeperMesosUrl',
      'zk://10.1.0.2:2181/mesos',
      '--master',
      '10.1.0.3:5050',
      '172.17.0.1',
      '{{MINIMESOS_ZOOKEEPER}}',
      '${MINIMESOS_CONSUL}',
    ]);
  });
});
