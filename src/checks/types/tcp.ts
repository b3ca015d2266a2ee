import type { Socket } from 'node:net';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { defineCheck, StepNotMet } from '../check-type.js';
import { fillTemplate, templateSchema } from '../template.js';

/** Most a greeting is read for: a server's first packet (MySQL's handshake is under 100 bytes). */
const MAX_GREETING_BYTES = 4096;
/** A greeting is complete once the server has been quiet this long after its first bytes. */
const GREETING_QUIET_MS = 300;

/**
 * Something accepts connections at a templated host:port (`{image:mysql:3306}`), and optionally
 * greets with a text (MySQL's handshake names its auth plugin, `mysql_native_password`). The
 * check only reads: it closes the connection without sending a byte.
 */
export const tcpCheck = defineCheck(
  z.strictObject({
    type: z.literal('tcp'),
    address: templateSchema,
    /** A text, or texts of which any will do (MySQL 5.7 names mysql_native_password, 8.0 caching_sha2_password). */
    greetingContains: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((texts) => (typeof texts === 'string' ? [texts] : texts))
      .optional(),
  }),
  async (check, scope) => {
    const address = await fillTemplate(check.address, scope);
    const { host, port } = splitHostPort(address);
    const wanted = check.greetingContains;
    const greeting = await scope.track(address, async () =>
      converse(await scope.open(host, port).catch((error: unknown) => refusedOr(error, host, port)), host, port, wanted),
    );
    if (wanted === undefined) return { pass: true, detail: `${address} accepts connections` };
    const words = wordsOf(greeting);
    const found = wanted.find((text) => greeting.includes(text));
    return found !== undefined
      ? {
          pass: true,
          detail: `${address} answers: ${[...words.filter((word) => word !== found).slice(0, 1), found].join(' … ')}`,
        }
      : {
          pass: false,
          detail: `${address} answers, but its greeting has no ${wanted.map((text) => `"${text}"`).join(' or ')}${words.length > 0 ? ` (${words.join(' ').slice(0, 80)})` : ''}`,
        };
  },
);

/**
 * The words of a binary greeting (a server's version, its auth plugin), without the bytes between
 * them: MySQL's handshake carries a random printable scramble that, shown, reads as garbage and
 * can break the message's markup (`*`, `_`, backticks).
 */
function wordsOf(greeting: string): string[] {
  return greeting.split(/[^\x21-\x7e]+/).filter((piece) => /^[\w.+-]{3,}$/.test(piece));
}

function splitHostPort(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) throw new UserError(`"${address}" is not host:port.`, 'The exercise file has a bad tcp address; tell the instructor.');
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * Resolves with what the server sent first (until `wanted` shows up, the server stops, or the step is
 * over). Through the engine's relay the socket is connected to the relay at once: there a connection
 * closed before a byte or a quiet moment means nothing accepted it.
 */
function converse(
  { socket, relayed }: { socket: Socket; relayed: boolean },
  host: string,
  port: number,
  wanted: string[] | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(received);
    };
    const waitQuietly = () => {
      clearTimeout(quiet);
      quiet = setTimeout(finish, GREETING_QUIET_MS);
    };
    if (relayed) waitQuietly();
    else
      socket.once('connect', () => {
        if (wanted === undefined) finish();
      });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if ((wanted ?? ['']).some((text) => received.includes(text)) || received.length >= MAX_GREETING_BYTES) finish();
      else waitQuietly();
    });
    socket.once('end', () => {
      if (relayed && received === '') {
        clearTimeout(quiet);
        reject(new StepNotMet(`nothing accepts connections at ${host}:${port}`));
      } else finish();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(quiet);
      try {
        refusedOr(error, host, port);
      } catch (described) {
        reject(described);
      }
    });
  });
}

function refusedOr(error: unknown, host: string, port: number): never {
  const failure = error as NodeJS.ErrnoException;
  if (failure.name === 'AbortError') throw failure;
  if (failure.code === 'ECONNREFUSED') throw new StepNotMet(`nothing accepts connections at ${host}:${port}`);
  throw new UserError(`I can't reach ${host}:${port}: ${failure.message}.`, 'Is the cluster running? /cluster info shows it.');
}
