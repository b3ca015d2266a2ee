import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_COMMANDS } from '../../commands/index.js';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { UserError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import type { CommandSpec } from '../../src/router/types.js';

function botWith(commands: readonly CommandSpec[], env: Record<string, string> = {}) {
  const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent', ...env }, 'local');
  return createApp(config, { commands, log: createLogger('silent', { pretty: false }) });
}

async function run(commands: readonly CommandSpec[], command: string, text: string, user = 'U0ATTENDEE', env: Record<string, string> = {}) {
  const bot = botWith(commands, env);
  const events: TerminalEvent[] = [];
  await bot.router.dispatch({ user, channel: 'C1', command, text }, new TerminalResponder('C1', (event) => events.push(event)));
  await bot.close();
  return events.map((event) => messageToText(event.payload)).join('\n');
}

const echo: CommandSpec = {
  name: 'echo',
  summary: 'echoes',
  description: 'test',
  subcommands: [
    {
      name: 'say',
      usage: '/echo say <words>',
      summary: 'says words',
      run: async ({ args, out }) => out.reply({ text: `you said: ${args}` }),
    },
    {
      name: 'secret',
      usage: '/echo secret',
      summary: 'instructors only',
      instructorOnly: true,
      run: async ({ out }) => out.reply({ text: 'the secret' }),
    },
    {
      name: 'refuse',
      usage: '/echo refuse',
      summary: 'refuses',
      run: async () => {
        throw new UserError('That cluster name is taken.', 'Pick another name.');
      },
    },
  ],
};

describe('command router', () => {
  it('dispatches a subcommand with the rest of the text', async () => {
    expect(await run([echo], 'echo', 'say hello   world')).toBe('you said: hello   world');
  });

  it('shows the command help for no subcommand or "help"', async () => {
    const text = await run([echo], 'echo', '');
    expect(text).toContain('/echo say <words>');
    expect(await run([echo], 'echo', 'help')).toBe(text);
  });

  it('keeps instructor subcommands for instructors', async () => {
    expect(await run([echo], 'echo', 'secret')).toContain('/echo secret is for instructors only');
    expect(await run([echo], 'echo', 'secret', 'U0TEACH', { INSTRUCTORS: 'U0TEACH' })).toBe('the secret');
  });

  it("shows a UserError's message and hint, as written", async () => {
    expect(await run([echo], 'echo', 'refuse')).toBe(':warning: That cluster name is taken.\nPick another name.');
  });

  it('names the unknown subcommand and lists the real ones', async () => {
    expect(await run([echo], 'echo', 'shout')).toContain('/echo has no subcommand "shout". It has: say, secret, refuse.');
  });

  it('says which commands exist when /help is asked about an unknown one', async () => {
    const text = await run(ALL_COMMANDS, 'help', 'clusterz');
    expect(text).toContain('There is no command "/clusterz".');
    expect(text).toContain('/cluster, /state');
  });

  it('hides instructor-only commands from attendees in /help, shows them to instructors', async () => {
    expect(await run(ALL_COMMANDS, 'help', '')).not.toContain('/workshop');
    expect(await run(ALL_COMMANDS, 'help', '', 'U0TEACH', { INSTRUCTORS: 'U0TEACH' })).toContain('/workshop');
  });

  it('explains that the database is down when a command needs Redis and it is unreachable', async () => {
    const needsRedis: CommandSpec = {
      name: 'count',
      summary: 'counts',
      description: 'test',
      run: async ({ services, out }) => out.reply({ text: String(await services.clusters.get('U0COUNT')) }),
    };
    expect(await run([needsRedis], 'count', '')).toMatch(/can't reach my database right now.*ref `[0-9a-f]{8}`/);
  });

  describe('when Redis is unreachable, /cluster answers its clear message within 3 s', () => {
    /** A Redis that accepts connections and never answers: stopped (SIGSTOP) or behind a black hole. */
    let silent: Server;
    let silentUrl = '';
    beforeAll(async () => {
      silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentUrl = `redis://127.0.0.1:${(silent.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      silent.close();
    });

    it.each([
      ['refuses connections', () => 'redis://127.0.0.1:1'],
      ['accepts and never answers', () => silentUrl],
    ])('Redis %s', async (_how, url) => {
      const bot = botWith(ALL_COMMANDS, { REDIS_URL: url() });
      for (const text of ['info', 'up']) {
        const started = Date.now();
        let answeredAfter = Number.POSITIVE_INFINITY;
        let reply = '';
        await bot.router.dispatch(
          { user: 'U0ATTENDEE', channel: 'C1', command: 'cluster', text },
          new TerminalResponder('C1', (event) => {
            answeredAfter = Math.min(answeredAfter, Date.now() - started);
            reply += messageToText(event.payload);
          }),
        );
        expect(answeredAfter).toBeLessThan(3000);
        expect(reply).toMatch(/can't reach my database right now/);
      }
      await bot.close();
    });
  });
});

/** A command instructors may run about another attendee; it says whom it ran about, and with what words. */
let ranAbout: string[] = [];
const whose: CommandSpec = {
  name: 'whose',
  summary: 'about an attendee',
  description: 'test',
  subcommands: [
    {
      name: 'info',
      usage: '/whose info [--raw]',
      summary: 'about someone',
      aboutAttendee: true,
      run: async ({ subject, args, out }) => {
        ranAbout.push(subject);
        await out.reply({ text: `about ${subject}: "${args}"` });
      },
    },
    { name: 'plain', usage: '/whose plain <words>', summary: 'words as typed', run: async ({ args, out }) => out.reply({ text: args }) },
  ],
};

describe('command router: a command about another attendee', () => {
  const instructor = { INSTRUCTORS: 'U0TEACH' };

  it("runs an instructor's command about the attendee they name, with the other words", async () => {
    ranAbout = [];
    expect(await run([whose], 'whose', 'info <@U0ALICE|alice> --raw', 'U0TEACH', instructor)).toBe('about U0ALICE: "--raw"');
    expect(await run([whose], 'whose', 'info --raw @U0ALICE', 'U0TEACH', instructor)).toBe('about U0ALICE: "--raw"');
    expect(ranAbout).toEqual(['U0ALICE', 'U0ALICE']);
  });

  it('refuses an attendee who names someone else, and runs nothing', async () => {
    ranAbout = [];
    const text = await run([whose], 'whose', 'info <@U0ALICE>', 'U0BOB');
    expect(text).toContain('Only instructors can run `/whose info` about another attendee.');
    expect(ranAbout).toEqual([]);
  });

  it("refuses an attendee's @name before looking it up: the room's names are not theirs to probe", async () => {
    // This bot's Redis does not answer: a lookup would end in "I can't reach my database".
    const text = await run([whose], 'whose', 'info @alice', 'U0BOB');
    expect(text).toContain('Only instructors can run `/whose info` about another attendee.');
  });

  it('lets anyone name themselves, and is about the invoker when nobody is named', async () => {
    expect(await run([whose], 'whose', 'info <@U0BOB>', 'U0BOB')).toBe('about U0BOB: ""');
    expect(await run([whose], 'whose', 'info', 'U0BOB')).toBe('about U0BOB: ""');
  });

  it('says to name the subcommand before the attendee', async () => {
    ranAbout = [];
    expect(await run([whose], 'whose', '@Ada', 'U0TEACH', instructor)).toBe(
      ':warning: Say what to do first, then whom: `/whose info @ada`.\nThese take an attendee: info. Type /help whose for details.',
    );
    expect(await run([whose], 'whose', '<@U0ALICE>', 'U0TEACH', instructor)).toContain('Say what to do first, then whom');
    expect(ranAbout).toEqual([]);
  });

  it('takes one attendee at a time', async () => {
    const text = await run([whose], 'whose', 'info <@U0ALICE> <@U0CAROL>', 'U0TEACH', instructor);
    expect(text).toContain('That names 2 attendees (<@U0ALICE>, <@U0CAROL>); I look at one at a time.');
    expect(await run([whose], 'whose', 'info @U0ALICE @Carol', 'U0TEACH', instructor)).toContain(
      'That names 2 attendees (<@U0ALICE>, "@Carol")',
    );
  });

  it('leaves the words of other commands alone, and says in help who may name an attendee', async () => {
    expect(await run([whose], 'whose', 'plain hi <@U0ALICE>')).toBe('hi <@U0ALICE>');
    expect(await run([whose], 'whose', 'help')).toContain('Instructors: name an attendee (`@ada`) with `info` to run it on their cluster.');
  });
});
