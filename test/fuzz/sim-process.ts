import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SIM_MODULE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'sim', 'cluster.js');
export const simBuilt = existsSync(SIM_MODULE);

export interface SimulatedClusterProcess {
  masterUrl: string;
  marathonUrl: string;
  agentUrls: string[];
  stop(): Promise<void>;
}

const START = `
const { startSimulatedCluster } = await import(process.argv[1]);
const cluster = await startSimulatedCluster({ zookeeper: process.argv[2], agents: 2, taskStartDelayMs: 50 });
process.stdout.write(JSON.stringify({ masterUrl: cluster.masterUrl, marathonUrl: cluster.marathonUrl, agentUrls: cluster.agentUrls }) + '\\n');
process.once('SIGTERM', () => cluster.stop().finally(() => process.exit(0)));
`;

/**
 * A simulated cluster (compiled, `npm run build`) in its own process, so the fuzz suite measures
 * only the bot's event loop, and whatever hostile apps it installs cannot stall the bot's process.
 */
export async function startSimulatedClusterProcess(zookeeper: string): Promise<SimulatedClusterProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', START, pathToFileURL(SIM_MODULE).href, zookeeper], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls = await new Promise<Omit<SimulatedClusterProcess, 'stop'>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as Omit<SimulatedClusterProcess, 'stop'>);
    });
    child.once('exit', (code) => reject(new Error(`simulated cluster exited with ${code} before starting`)));
  });
  return {
    ...urls,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
