import { imageBehaviour } from './images/index.js';
import type { TaskRuntime } from './master-model.js';

interface PortMapping {
  containerPort?: number;
  hostPort?: number;
}

interface AppContainer {
  type?: string;
  docker?: { image?: string; network?: string; portMappings?: PortMapping[] };
}

/**
 * What Marathon 1.3.5 asks Mesos for an app's task, and where its process answers:
 * - BRIDGE/USER with `portMappings`: one offer port per mapping (hostPort 0 = any, else exactly it);
 *   the image answers on the hostPorts whose containerPort is its own port.
 * - BRIDGE without portMappings: no ports from the offer; the image's own port on the agent's address
 *   (the workshop's MySQL is "accessible on the IP of the Mesos Agent" on 3306).
 * - HOST (Docker's default, and the Mesos containerizer): the portDefinitions' ports (one dynamic port
 *   by default; exactly these with requirePorts) are allocated, but the image listens on its own port.
 */
export function appTaskPorts(app: Record<string, unknown>): { ports: number[]; runtime: TaskRuntime } {
  const container = (app.container ?? undefined) as AppContainer | undefined;
  const image = container?.docker?.image;
  const network = container?.docker?.network ?? 'HOST';
  const behaviour = imageBehaviour(image);
  const ownPorts = behaviour?.ports ?? [];
  const env = Object.fromEntries(
    Object.entries((app.env ?? {}) as Record<string, unknown>).filter(([, value]) => typeof value === 'string'),
  ) as Record<string, string>;
  const runtime: TaskRuntime = {
    ...(image ? { image, network } : {}),
    env,
    args: Array.isArray(app.args) ? app.args.map(String) : [],
  };
  if (network === 'BRIDGE' || network === 'USER') {
    const mappings = container?.docker?.portMappings ?? [];
    if (mappings.length === 0) return { ports: [], runtime: { ...runtime, listen: ownPorts.map((port) => ({ fixed: port })) } };
    return {
      ports: mappings.map((mapping) => mapping.hostPort ?? 0),
      runtime: {
        ...runtime,
        listen: mappings.flatMap((mapping, index) => (ownPorts.includes(mapping.containerPort ?? 0) ? [{ allocated: index }] : [])),
      },
    };
  }
  const definitions = Array.isArray(app.portDefinitions)
    ? (app.portDefinitions as Array<{ port?: number }>).map((definition) => definition.port ?? 0)
    : Array.isArray(app.ports)
      ? (app.ports as number[])
      : [0];
  return {
    ports: app.requirePorts === true ? definitions : definitions.map(() => 0),
    runtime: { ...runtime, listen: ownPorts.map((port) => ({ fixed: port })) },
  };
}
