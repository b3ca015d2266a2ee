import type { AgentSpec, ClusterSpec } from '../cluster-spec.js';
import { DEFAULT_CLUSTER_NAME, DEFAULT_MESOS_VERSION, WEAVE_SCOPE_APP } from './defaults.js';
import { parseMinimesosFile } from './spec.js';

/** Writes a spec back as a minimesosFile, in the layout `minimesos init` uses (blocks alphabetically). */
export function renderMinimesosFile(spec: ClusterSpec): string {
  const lines: string[] = ['minimesos {'];
  const property = (indent: number, name: string, value: string | number | boolean | null) =>
    lines.push(`${' '.repeat(indent)}${name} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  const image = (indent: number, full: string) => {
    const at = full.lastIndexOf(':');
    property(indent, 'imageName', full.slice(0, at));
    property(indent, 'imageTag', full.slice(at + 1));
  };
  property(4, 'clusterName', spec.clusterName);
  property(4, 'mapPortsToHost', spec.mapPortsToHost);
  property(4, 'loggingLevel', spec.loggingLevel);
  property(4, 'mapAgentSandboxVolume', spec.mapAgentSandboxVolume);
  property(4, 'mesosVersion', spec.mesosVersion);
  property(4, 'timeout', spec.timeout);
  for (const agent of spec.agents) {
    lines.push('', '    agent {');
    image(8, agent.image);
    property(8, 'portNumber', agent.portNumber);
    if (agent.attributes) property(8, 'attributes', agent.attributes);
    lines.push('', '        resources {');
    for (const [block, key] of [
      ['cpu', 'cpus'],
      ['disk', 'disk'],
      ['mem', 'mem'],
      ['ports', 'ports'],
    ] as const) {
      for (const entry of agent.resources[key] as Array<{ role: string; value: number | string }>) {
        lines.push('', `            ${block} {`);
        property(16, 'role', entry.role);
        property(16, 'value', entry.value);
        lines.push('            }');
      }
    }
    lines.push('        }', '    }');
  }
  const simple = (name: string, value: { image: string } | null) => {
    if (!value) return;
    lines.push('', `    ${name} {`);
    image(8, value.image);
    lines.push('    }');
  };
  simple('consul', spec.consul);
  if (spec.marathon) {
    lines.push('', '    marathon {');
    image(8, spec.marathon.image);
    for (const app of spec.marathon.apps) lines.push('        app {', `            marathonJson = ${JSON.stringify(app)}`, '        }');
    for (const group of spec.marathon.groups)
      lines.push('        group {', `            marathonJson = ${JSON.stringify(group)}`, '        }');
    lines.push('    }');
  }
  lines.push('', '    master {');
  property(8, 'aclJson', spec.master.aclJson);
  property(8, 'authenticate', spec.master.authenticate);
  image(8, spec.master.image);
  lines.push('    }');
  simple('mesosdns', spec.mesosdns);
  simple('registrator', spec.registrator);
  simple('zookeeper', spec.zookeeper);
  lines.push('}', '');
  return lines.join('\n');
}

/** What `minimesos init` writes: one agent, Marathon with Weave Scope, consul, registrator, mesos-dns. */
export const DEFAULT_MINIMESOS_FILE: string = renderMinimesosFile({
  ...parseMinimesosFile('minimesos {\n agent {\n }\n marathon {\n }\n consul {\n }\n registrator {\n }\n mesosdns {\n }\n}'),
  clusterName: DEFAULT_CLUSTER_NAME,
  mesosVersion: DEFAULT_MESOS_VERSION,
  marathon: { image: 'mesosphere/marathon:v1.3.5', apps: [WEAVE_SCOPE_APP], groups: [] },
});

/** MESOS_RESOURCES as minimesos builds it: `ports(*):[31000-32000]; cpus(*):4; mem(*):1024; disk(*):2000`. */
export function resourcesString(agent: AgentSpec): string {
  const parts: string[] = [];
  for (const entry of agent.resources.ports) parts.push(`ports(${entry.role}):${entry.value}`);
  for (const [name, key] of [
    ['cpus', 'cpus'],
    ['mem', 'mem'],
    ['disk', 'disk'],
  ] as const) {
    for (const entry of agent.resources[key]) parts.push(`${name}(${entry.role}):${formatScalar(entry.value)}`);
  }
  return parts.join('; ');
}

/** minimesos formats scalars with `#.##`. */
function formatScalar(value: number): string {
  return String(Math.round(value * 100) / 100);
}
