import type { CommandSpec } from '../../src/router/types.js';
import type { Prng } from './prng.js';

/** One generated invocation: what an attendee types after the slash, and which attendee types it. */
export interface FuzzCase {
  command: string;
  text: string;
  /** `attached`: has a simulated cluster; `none`: a fresh attendee with no cluster. */
  attendee: 'attached' | 'none';
}

type Piece = (random: Prng) => string;

const HOSTILE_WORDS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then'];
const PLAIN_WORDS = ['nginx', 'mesos', 'marathon', 'zookeeper', 'framework', 'elasticsearch', 'agent', 'task', 'scale', 'resources', 'why'];
const QUESTIONS = [
  'what is a framework?',
  'how do I scale my app?',
  'why does elasticsearch not scale up?',
  'how much resources are left',
  'what is the leading master',
  'waht is marthon',
];

const repeat = (unit: string, random: Prng, max: number) => unit.repeat(1 + random.int(max));

const word: Piece = (random) => {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: 1 + random.int(12) }, () => random.pick(letters.split(''))).join('');
};

const pieces = {
  plain: (random: Prng) => random.pick([...PLAIN_WORDS, word(random)]),
  prototypeKey: (random: Prng) => {
    const key = random.pick(HOSTILE_WORDS);
    return random.pick([key, `--${key}`, `--${key}=1`, `${key}=x`, `${key}.${key}`, `/${key}`]);
  },
  flag: (random: Prng) =>
    random.pick([
      '--agents',
      `--agents ${random.pick(['0', '1', '3', '-1', '1e3', '0x10', 'NaN', 'Infinity', '1.5', '99999999999999999999', '٣'])}`,
      `--agents=${random.int(100)}`,
      `--mesos ${random.pick(['1.0.0', '0.28', '2.0', '../..', '', '1.0.0;rm -rf /'])}`,
      '--mesos',
      `--name ${random.pick(['my-cluster', '"two words"', 'x'.repeat(64), 'x'.repeat(63), '🚀', '"a\u0007b"'])}`,
      '--name',
      '--raw',
      '--raw=yes',
      '--stderr',
      '--update',
      '--group',
      '--',
      '---',
      '--=x',
      `--${word(random)}`,
    ]),
  path: (random: Prng) =>
    random.pick([
      '.',
      '..',
      '//',
      '/',
      '/a/../b',
      '/a/./b',
      'a',
      'mesos',
      '/mesos',
      '/mesos/',
      '/marathon',
      '/zookeeper',
      '../../etc/passwd',
      '/../../etc/passwd',
      '%2e%2e/%2e%2e',
      'file:///etc/passwd',
      '/a\u0000b',
      '/a\u0007b',
      '/\ud83d\ude80',
      `/${'x'.repeat(1 + random.int(12_000))}`,
      `/${Array.from({ length: 1 + random.int(300) }, () => 'd').join('/')}`,
    ]),
  url: (random: Prng) =>
    random.pick([
      'master=http://127.0.0.1:1',
      'master=http://127.0.0.1:1/../../',
      'master=https://127.0.0.1:1',
      'marathon=ftp://127.0.0.1:1',
      'master=javascript:alert(1)',
      'master=http://[::1]:1',
      'master=not a url',
      'master=',
      `master=http://${'h'.repeat(1 + random.int(4000))}:5050`,
      'zookeeper=::::',
      'zookeeper=',
      'master=file:///etc/passwd',
      'master=http://user:pass@127.0.0.1:1',
    ]),
  unicode: (random: Prng) =>
    random.pick([
      '🚀',
      '👨‍👩‍👧‍👦',
      'ü',
      'Ω',
      '集群',
      'مرحبا',
      '\u202eevil',
      'zero\u200bwidth',
      'e\u0301',
      '\ud800',
      '\uffff',
      '\ufeff',
      'Ｆｕｌｌｗｉｄｔｈ',
    ]),
  control: (random: Prng) => random.pick(['\u0000', '\u0007', '\u001b[31mred\u001b[0m', '\r\n', '\t', '\u2028', '\u0085', '\b\b\b']),
  quoting: (random: Prng) => random.pick(['"unclosed', "'x", '“smart”', '‘single’', '```', '"', "''", '"a""b"']),
  slackMarkup: (random: Prng) =>
    random.pick([
      '<!channel>',
      '<!here>',
      '<@U0ADMIN>',
      '<#C0ROOM|room>',
      '*bold*',
      '_it_',
      '~x~',
      '<https://evil.example|click>',
      '&lt;&gt;&amp;',
    ]),
  huge: (random: Prng) =>
    random.pick([
      'a'.repeat(1 + random.int(70_000)),
      repeat('word ', random, 8000),
      'x'.repeat(900),
      '9'.repeat(400),
      repeat('🚀', random, 5000),
      repeat('"', random, 5000),
      repeat('--x ', random, 3000),
    ]),
  json: (random: Prng) => {
    const depth = 1 + random.int(50_000);
    return random.pick([
      '{"id": "/fuzz", "cmd": "sleep 100", "cpus": 0.1, "mem": 16, "instances": 1}',
      `{"id": "/fuzz-${word(random)}", "cmd": "sleep 1", "instances": ${random.pick(['0', '-1', '1.5', '"x"', 'null', '2'])}}`,
      '{"id": "/g", "apps": [{"id": "a", "cmd": "sleep 1"}]}',
      '{"id": 1}',
      '{"id": "x", "__proto__": {"polluted": true}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      'null',
      '[]',
      '"just a string"',
      '{',
      '{"id": "x",}',
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `${'{"a":'.repeat(Math.min(depth, 20_000))}1${'}'.repeat(Math.min(depth, 20_000))}`,
      `[${'1,'.repeat(1 + random.int(30_000))}1]`,
      `{"id": "${'x'.repeat(1 + random.int(60_000))}"}`,
      '{"id": "x", "env": {"A": "${MINIMESOS_MASTER}", "B": "${MINIMESOS_NOPE}"}}',
      '```json\n{"id": "/fenced", "cmd": "sleep 1"}\n```',
    ]);
  },
  minimesosFile: (random: Prng) =>
    random.pick([
      '```minimesos {\n  agent {\n  }\n}```',
      '```minimesos {\n  constructor = 1\n}```',
      '```minimesos {\n  toString {\n  }\n}```',
      '```minimesos {\n  agent {\n    resources {\n      __proto__ {\n      }\n    }\n  }\n}```',
      `\`\`\`minimesos {\n  clusterName = "${'n'.repeat(1 + random.int(200))}"\n  agent {\n  }\n}\`\`\``,
      `\`\`\`minimesos {\n${'  agent {\n'.repeat(1 + random.int(3000))}\`\`\``,
      '```minimesos {\n  mesosVersion = "../../"\n}```',
      '```minimesos {\n  agent { resources { cpu { role = "*"\n value = 1e308 } } }\n}```',
      'minimesos { agent { } }',
    ]),
};

type PieceName = keyof typeof pieces;

/** Which kinds of input each subcommand is most likely to choke on; every kind can still go anywhere. */
const FAVOURITES: Record<string, PieceName[]> = {
  'state zk': ['path', 'path', 'path', 'unicode', 'control'],
  'cluster up': ['flag', 'flag', 'minimesosFile', 'prototypeKey'],
  'cluster install': ['json', 'json', 'json', 'flag'],
  'cluster uninstall': ['plain', 'flag', 'path', 'prototypeKey'],
  'cluster attach': ['url', 'url', 'url', 'prototypeKey'],
  'cluster logs': ['plain', 'flag', 'path'],
  'cluster state': ['flag', 'prototypeKey'],
  faq: ['plain', 'unicode', 'huge', 'prototypeKey', 'slackMarkup'],
  help: ['plain', 'prototypeKey', 'unicode'],
};
const ALL_PIECES = Object.keys(pieces) as PieceName[];

/** A command line for some command (every command and subcommand comes up), hostile in random ways. */
export function generateCase(random: Prng, commands: readonly CommandSpec[]): FuzzCase {
  const attendee = random.chance(0.5) ? 'attached' : 'none';
  if (random.chance(0.04)) {
    return {
      command: random.pick([...HOSTILE_WORDS, word(random), 'x'.repeat(1 + random.int(5000)), 'ÇLUSTER', '🚀']),
      text: '',
      attendee,
    };
  }
  const command = random.pick(commands);
  const words: string[] = [];
  let favourites: PieceName[] = FAVOURITES[command.name] ?? [];
  if (command.subcommands) {
    if (random.chance(0.88)) {
      const subcommand = random.pick(command.subcommands);
      words.push(random.chance(0.1) ? subcommand.name.toUpperCase() : subcommand.name);
      favourites = FAVOURITES[`${command.name} ${subcommand.name}`] ?? favourites;
    } else if (random.chance(0.5)) {
      words.push(pieces[random.pick(ALL_PIECES)](random));
    }
  }
  if (command.name === 'faq' && random.chance(0.5)) words.push(random.pick(QUESTIONS));
  const count = random.int(4);
  for (let i = 0; i < count; i++) {
    const kind = favourites.length > 0 && random.chance(0.7) ? random.pick(favourites) : random.pick(ALL_PIECES);
    words.push(pieces[kind](random));
  }
  const text = words.join(random.chance(0.1) ? random.pick(['  ', '\n', '\t', ' \u00a0 ']) : ' ');
  return { command: command.name, text, attendee };
}

/** A short, printable description of a case, for failure messages (the inputs can be megabytes). */
export function describeCase(fuzzCase: FuzzCase): string {
  const clip = (value: string) => JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…(${value.length} chars)` : value);
  return `/${clip(fuzzCase.command).slice(1, -1)} ${clip(fuzzCase.text)} as the attendee with ${fuzzCase.attendee === 'attached' ? 'a cluster' : 'no cluster'}`;
}
