import { parseArgs } from 'node:util';
import { runShell } from '../adapters/terminal/shell.js';
import { createApp } from '../app.js';
import { startRedisServer } from '../local/redis-server.js';
import { createLogger } from '../logger.js';
import { createProcessors } from '../queue/processors.js';
import { startWorkers } from '../queue/queues.js';
import { configOrExplain } from './runtime.js';

/** The whole bot on one terminal: a private Redis child, in-process workers, and the shell. */
export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { user: { type: 'string', default: 'U_DEMO' } } });
  process.stdout.write('Starting a private Redis for the demo…\n');
  const redis = await startRedisServer();
  const config = configOrExplain('local', { REDIS_URL: redis.url });
  if (!config) {
    await redis.stop();
    return 2;
  }
  const bot = createApp(config, { log: createLogger('warn', { destination: 2 }) });
  const workers = startWorkers(config.redisUrl, config.keyPrefix, createProcessors(bot), bot.services.log);
  try {
    await runShell(bot, { user: values.user, banner: `mesos-workshop-bot demo (Redis ${redis.url})` });
    return 0;
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await bot.close();
    await redis.stop();
  }
}
