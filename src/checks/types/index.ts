import { agentsCheck } from './agents.js';
import { clusterCheck } from './cluster.js';
import { frameworkCheck } from './framework.js';
import { httpCheck } from './http.js';
import { marathonAppCheck } from './marathon-app.js';
import { marathonAppAbsentCheck } from './marathon-app-absent.js';
import { sandboxFileCheck } from './sandbox-file.js';
import { taskCheck } from './task.js';
import { tcpCheck } from './tcp.js';
import { znodeCheck } from './znode.js';

/** Every check type an exercise step may use; a step's `check.type` picks one. */
export const CHECK_TYPES = [
  clusterCheck,
  agentsCheck,
  frameworkCheck,
  taskCheck,
  marathonAppCheck,
  marathonAppAbsentCheck,
  sandboxFileCheck,
  httpCheck,
  tcpCheck,
  znodeCheck,
] as const;
