import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MINIMESOS_FILE,
  parseMinimesosFile,
  renderMinimesosFile,
  resourcesString,
  specFromFlags,
  specWarnings,
  validateForUp,
} from '../../../src/clusters/minimesos-file/index.js';
import { fixturesNote, haveRealFixtures, listFixtures, readFixture } from '../../support/fixtures.js';

const REFUSED: Record<string, string> = {
  'minimesosfiles/minimesos/invalid-minimesosFile.txt': 'line 1, column 1: expected the file to start with "minimesos {", found "invalid"',
  'minimesosfiles/minimesos/historical/invalid-minimesosFile-0.9.0.txt': 'expected the file to start with "minimesos {"',
  'minimesosfiles/minimesos/historical/default-minimesosFile-2016-03': 'old "minimesos = {" syntax',
  'minimesosfiles/minimesos/historical/minimesosFile-exposedPortsTest': "'exposePorts' was removed from minimesos in 0.9",
  'minimesosfiles/minimesos/historical/minimesosFile-hostNetworkingTest': "'exposePorts' was removed",
  'minimesosfiles/workshop/pre-2017/wordpress-minimesosFile': "line 3, column 5: 'exposePorts' was removed",
};

describe.skipIf(!haveRealFixtures)(`every real minimesosFile (${haveRealFixtures ? 'shared/fixtures/real' : fixturesNote})`, () => {
  const files = listFixtures('minimesosfiles');

  it('parses each valid file and refuses exactly the invalid and pre-0.9 ones, saying why', () => {
    expect(files.length).toBeGreaterThanOrEqual(28);
    for (const file of files) {
      const source = readFixture(file);
      if (REFUSED[file]) expect(() => parseMinimesosFile(source), file).toThrow(REFUSED[file]);
      else expect(() => parseMinimesosFile(source), file).not.toThrow();
    }
  });

  it('the workshop ELK cluster: 3 agents of 1 cpu / 4096 MB / 20000 MB, Weave Scope and es.json, mesos-dns', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/workshop/elk-minimesosFile'));
    expect(spec.clusterName).toBe('ELK Demo Cluster');
    expect(spec.agents).toHaveLength(3);
    for (const agent of spec.agents) {
      expect(resourcesString(agent)).toBe('ports(*):[31000-32000]; cpus(*):1; mem(*):4096; disk(*):20000');
      expect(agent.image).toBe('containersol/mesos-agent:1.0.0-0.1.0');
    }
    expect(spec.marathon!.apps).toEqual([
      'https://raw.githubusercontent.com/ContainerSolutions/minimesos/e2a43362f4581122762c80d8780d09b567783f1a/apps/weave-scope.json',
      'es.json',
    ]);
    expect(spec.mesosdns).toEqual({ image: 'xebia/mesos-dns:0.0.5' });
    expect(spec.consul).toBeNull();
  });

  it('authentication: master.authenticate and the triple-quoted ACL JSON', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/minimesos/minimesosFile-authenticationTest'));
    expect(spec.master.authenticate).toBe(true);
    expect(JSON.parse(spec.master.aclJson!)).toEqual({
      run_tasks: [{ principals: { values: ['foo', 'bar'] }, users: { values: ['alice'] } }],
    });
  });

  it('a package line, mapPortsToHost, and role-reserved resources next to the * defaults', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/minimesos/clusterconfig-basic.groovy'));
    expect(spec.mapPortsToHost).toBe(true);
    expect(spec.agents[0]!.resources.cpus).toEqual([
      { role: '*', value: 4 },
      { role: 'logstash', value: 0.2 },
    ]);
    expect(spec.agents[0]!.resources.disk).toEqual([{ role: '*', value: 5120 }]);
  });

  it('explicit image tags win over mesosVersion; the pre-2017 workshop file derives 0.25 images', () => {
    expect(parseMinimesosFile(readFixture('minimesosfiles/minimesos/complete-minimesosFile')).agents[0]!.image).toBe(
      'containersol/mesos-agent:1.0.0-0.1.0',
    );
    const old = parseMinimesosFile(readFixture('minimesosfiles/workshop/pre-2017/elk-minimesosFile'));
    expect(old.master.image).toBe('containersol/mesos-master:0.25-0.1.0');
    expect(old.registrator).not.toBeNull();
  });

  it('agent attributes (minimesos HEAD) are kept', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/minimesos/minimesosFile-mesosClusterTest'));
    expect(spec.agents.map((agent) => agent.attributes)).toContain('az:0a');
  });
});

describe('minimesosFile rules', () => {
  it('mesosVersion only affects the master and agent blocks after it', () => {
    const spec = parseMinimesosFile('minimesos {\n agent {\n }\n mesosVersion = "0.26"\n master {\n }\n agent {\n }\n}');
    expect(spec.agents.map((agent) => agent.image)).toEqual([
      'containersol/mesos-agent:1.0.0-0.1.0',
      'containersol/mesos-agent:0.26-0.1.0',
    ]);
    expect(spec.master.image).toBe('containersol/mesos-master:0.26-0.1.0');
  });

  it.each([
    ['minimesos {\n  clusterName = "unterminated\n}', 'line 2, column 17: this string is not closed before the end of the line'],
    ['minimesos {\n  agent {\n  }\n', 'line 1, column 1: the block "minimesos {" is never closed'],
    ['minimesos {\n  chronos {\n  }\n}', "line 2, column 3: Block 'chronos' not supported"],
    ['minimesos {\n  master {\n  }\n  master {\n  }\n}', 'line 4, column 3: Multiple Masters are not supported in this version yet'],
    ['minimesos {\n  marathon {\n  }\n  marathon {\n  }\n}', 'Cannot have more than 1 marathon'],
    ['minimesos {\n  mesosVersion = "0.29"\n}', 'line 2, column 3: mesosVersion "0.29" is not supported; use one of 0.25'],
    ['minimesos {\n  loggingLevel = "debug"\n}', 'loggingLevel must be INFO, WARNING or ERROR, not "debug"'],
    [
      'minimesos {\n  agent {\n    resources {\n      ports {\n        value = "31000-32000"\n      }\n    }\n  }\n}',
      'line 5, column 9: ports value must look like "[31000-32000]"',
    ],
    [
      'minimesos {\n  agent {\n    resources {\n      cpu {\n        value = "0,5"\n      }\n    }\n  }\n}',
      'line 5, column 9: cpu value must be a number, like 2 or 0.5, not "0,5" (write 0.5, with a dot)',
    ],
    ['minimesos {\n  registrator {\n  }\n}', 'Registrator requires a single Consul container'],
    ['minimesos {\n  timeout 60\n}', 'line 2, column 11: expected "=" or "{" after "timeout", found "60"'],
    ['minimesos {\n  mapPortsToHost = "yes"\n}', 'mapPortsToHost must be a boolean, not "yes"'],
    ['minimesos {\n  marathon {\n    app {\n    }\n  }\n}', "App config must have a 'marathonJson' property"],
    ['minimesos {\n  agent {\n    cpus = 2\n  }\n}', "'cpus' is not a property of agent { }"],
    ['/* never closed\nminimesos {\n}', 'line 1, column 1: this /* comment is never closed'],
    // Templates people keep their minimesosFiles in (Jinja, shell), sent unrendered.
    [
      'minimesos {\n  {% for n in range(3) %}\n  agent {\n  }\n  {% endfor %}\n}',
      'line 2, column 3: {% … is a placeholder of a template or script, not minimesosFile syntax: send the file with the placeholders filled in',
    ],
    ['minimesos {\n  timeout = ${TIMEOUT}\n}', 'line 2, column 13: ${ … is a placeholder of a template or script'],
    ['minimesos {\n  timeout = {{ timeout }}\n}', 'line 2, column 13: {{ … is a placeholder'],
    // Inside quotes too: the image would be `mesos-agent:{{ tag }}`, refused by Docker only once the build runs.
    ['minimesos {\n  agent { imageTag = "1.0.0-{{ tag }}" }\n}', 'line 2, column 29: {{ … is a placeholder'],
    ["minimesos {\n  clusterName = '${NAME}'\n}", 'line 2, column 18: ${ … is a placeholder'],
    [
      'minimesos {\n  clusterName = \u201cmine\u201d\n}',
      "line 2, column 17: unexpected character '\u201c': a curly quote, which an editor or Slack put there",
    ],
  ])('%j is refused: %s', (source, message) => {
    expect(() => parseMinimesosFile(source)).toThrow(message);
  });

  it('accepts comments, semicolons and single quotes', () => {
    const spec = parseMinimesosFile(
      "// a comment\nminimesos { /* inline */ clusterName = 'x'; timeout = 30; agent { portNumber = 5052 } }",
    );
    expect(spec).toMatchObject({ clusterName: 'x', timeout: 30 });
    expect(spec.agents[0]!.portNumber).toBe(5052);
  });

  it('the default file (minimesos init) parses back to the same cluster', () => {
    const spec = parseMinimesosFile(DEFAULT_MINIMESOS_FILE);
    expect(spec.clusterName).toBe('Change Cluster Name in minimesosFile file');
    expect(spec.agents).toHaveLength(1);
    expect(spec.marathon!.apps[0]).toContain('weave-scope.json');
    expect(parseMinimesosFile(renderMinimesosFile(spec))).toEqual(spec);
  });

  it('up needs at least one agent', () => {
    expect(() => validateForUp(parseMinimesosFile('minimesos {\n}'))).toThrow(
      'Cluster requires at least 1 Mesos Agent. Please add one in the minimesosFile.',
    );
  });

  it('/cluster up flags: agents and Mesos version, with clear limits', () => {
    const spec = specFromFlags({ agents: 3, mesosVersion: '0.28' });
    expect(spec.agents).toHaveLength(3);
    expect(spec.master.image).toBe('containersol/mesos-master:0.28-0.1.0');
    expect(spec.marathon).not.toBeNull();
    expect(() => specFromFlags({ agents: 0 })).toThrow('--agents must be between 1 and 50; you asked for 0.');
    expect(() => specFromFlags({ agents: 500 })).toThrow('you asked for 500');
    expect(() => specFromFlags({ mesosVersion: '2.0' })).toThrow('Mesos "2.0" is not one minimesos supports.');
  });
});

/**
 * Shapes found in minimesosFiles people publish (conference demos, Cook, OpenWhisk, vault-gatekeeper,
 * marathon-autoscaler, minimesos' own parser tests), written small: what /cluster up makes of them.
 */
describe('minimesosFiles written by others', () => {
  const agentWith = (resources: string) => `minimesos {\n  agent {\n    resources {\n${resources}\n    }\n  }\n}`;

  it('reads cpu, mem and disk values written as strings, as minimesos does ("1", "0.5", "512M")', () => {
    const spec = parseMinimesosFile(
      agentWith(
        '      cpu {\n        role = "logstash"\n        value = "0.5"\n      }\n      mem {\n        value = "512M"\n      }\n      disk {\n        value = "4096"\n      }',
      ),
    );
    expect(resourcesString(spec.agents[0]!)).toBe('ports(*):[31000-32000]; cpus(*):4; cpus(logstash):0.5; mem(*):512; disk(*):4096');
  });

  it('refuses "5G", which minimesos would read as 5 MB, with the megabytes to write', () => {
    expect(() => parseMinimesosFile(agentWith('      disk {\n        value = "5G"\n      }'))).toThrow(
      'line 5, column 9: disk value "5G" has a unit; disk is in megabytes, and minimesos would read only the number (5 MB): write value = 5120',
    );
    expect(() => parseMinimesosFile(agentWith('      cpu {\n        value = "two"\n      }'))).toThrow(
      'cpu value must be a number, like 2 or 0.5, not "two"',
    );
  });

  it('reads an unquoted mesosVersion or imageTag as the text written, as Groovy does (mesosVersion = 0.28)', () => {
    const spec = parseMinimesosFile('minimesos {\n  mesosVersion = 0.28\n  agent {\n  }\n  zookeeper {\n    imageTag = 3.4\n  }\n}');
    expect(spec.mesosVersion).toBe('0.28');
    expect(spec.agents[0]!.image).toBe('containersol/mesos-agent:0.28-0.1.0');
    expect(spec.zookeeper.image).toBe('jplock/zookeeper:3.4');
  });

  it('accepts the Marathon cmd `minimesos init` writes, and refuses another one instead of dropping it', () => {
    const withCmd = (cmd: string) => `minimesos {\n  agent {\n  }\n  marathon {\n    cmd = "${cmd}"\n  }\n}`;
    const spec = parseMinimesosFile(withCmd('--master zk://minimesos-zookeeper:2181/mesos  --zk zk://minimesos-zookeeper:2181/marathon'));
    expect(spec.marathon!.image).toBe('mesosphere/marathon:v1.3.5');
    expect(() =>
      parseMinimesosFile(
        withCmd('--master zk://minimesos-zookeeper:2181/mesos --zk zk://minimesos-zookeeper:2181/marathon --enable_features gpu_resources'),
      ),
    ).toThrow(
      /line 5, column 5: the bot starts Marathon with minimesos' own command \("--master zk:.*"\) and cannot run one of yours: delete this cmd line/,
    );
  });

  it('warns before the build that a marathonJson path (es.json) cannot be read, and says how to install it', () => {
    const spec = parseMinimesosFile(
      'minimesos {\n  agent {\n  }\n  marathon {\n    app {\n      marathonJson = "https://example.com/weave-scope.json"\n    }\n    app {\n      marathonJson = "es.json"\n    }\n    group {\n      marathonJson = "apps/group.json"\n    }\n  }\n}',
    );
    expect(specWarnings(spec)).toEqual([
      'marathonJson "es.json", "apps/group.json" are files on your machine, which the bot cannot read, so they are not installed with the cluster: once it is ready, send each file to the bot with the words `cluster install` (or use a URL in the minimesosFile).',
    ]);
    expect(specWarnings(specFromFlags({ agents: 1 }))).toEqual([]);
  });
});
