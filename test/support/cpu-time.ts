/**
 * Milliseconds of CPU this process spent since `started` (a `process.cpuUsage()`).
 * Unlike wall-clock time it does not grow while other processes hold the cores, so "this work is
 * cheap" holds on a loaded CI machine as on an idle one. Vitest runs each test file in its own
 * process (the default `forks` pool), so another file's work is not counted.
 */
export function cpuMsSince(started: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}
