import { performance } from 'node:perf_hooks';
import { HttpClient, type HttpResponse, type RequestOptions } from '../src/clients/http.js';

/** One HTTP call the bot made, timed. */
export interface Call {
  url: string;
  start: number;
  end: number;
}

/** Where the calls of the run being recorded go (undefined: not recording). */
export const recorder: { calls: Call[] | undefined } = { calls: undefined };

/** The bot's HTTP clients, noting every call while `recorder.calls` is set: the floor of a bench makes the same calls. */
export class RecordingHttpClient extends HttpClient {
  override async request(url: string, options?: RequestOptions): Promise<HttpResponse> {
    const start = performance.now();
    try {
      return await super.request(url, options);
    } finally {
      recorder.calls?.push({ url, start, end: performance.now() });
    }
  }
}

/** Calls grouped as they overlapped: a call that started after some call of the current wave had ended waited for it. */
export function inWaves(calls: Call[]): string[][] {
  const waves: Array<{ urls: string[]; firstEnd: number }> = [];
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    const current = waves.at(-1);
    if (current && call.start < current.firstEnd) {
      current.urls.push(call.url);
      current.firstEnd = Math.min(current.firstEnd, call.end);
    } else waves.push({ urls: [call.url], firstEnd: call.end });
  }
  return waves.map((wave) => wave.urls);
}
