import { askTcp } from '../local/four-letter-word.js';

/** Polls `check` until it returns a value, `signal` aborts, or the deadline passes (then `describe` says what). */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; signal?: AbortSignal; intervalMs?: number; describe: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${options.describe} did not happen within ${Math.round(options.timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

export async function zookeeperServes(host: string, port: number): Promise<true | undefined> {
  return (await askTcp(port, 'srvr', 1000, host)).includes('Mode: standalone') ? true : undefined;
}

export async function httpJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** How long a Docker host may take to answer before it counts as down (a paused or unreachable engine never answers). */
export const HOST_ANSWER_MS = 5000;
