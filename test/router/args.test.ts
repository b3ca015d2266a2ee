import { describe, expect, it } from 'vitest';
import { parseArgs, tokenize } from '../../src/router/args.js';

describe('argument parsing', () => {
  it('splits words and keeps quoted strings, including Slack smart quotes', () => {
    expect(tokenize(`install "my app" 'x y' “smart quoted”`)).toEqual(['install', 'my app', 'x y', 'smart quoted']);
  });

  it('refuses an unclosed quote with a fix', () => {
    expect(() => tokenize('say "hello')).toThrow('A quote (") is not closed.');
  });

  const spec = { agents: { type: 'integer', min: 1, max: 10 }, raw: { type: 'boolean' }, mesos: { type: 'string' } } as const;

  it('reads flags, key=value pairs and positionals', () => {
    expect(parseArgs('--agents 3 --raw master=http://m:5050 extra --mesos=1.0.0', spec, 'usage')).toEqual({
      positional: ['extra'],
      flags: { agents: 3, raw: true, mesos: '1.0.0' },
      pairs: { master: 'http://m:5050' },
    });
  });

  it('says what is wrong with a flag, and the usage', () => {
    expect(() => parseArgs('--agents 0', spec, '/cluster up [--agents N]')).toThrow('--agents must be between 1 and 10; you gave 0.');
    expect(() => parseArgs('--agents many', spec, 'u')).toThrow('--agents must be a whole number, not "many".');
    expect(() => parseArgs('--colour red', spec, 'u')).toThrow('Unknown option "--colour". Options here: --agents, --raw, --mesos.');
    expect(() => parseArgs('--mesos', spec, 'u')).toThrow('--mesos needs a value.');
  });

  it('reads an option whose -- a phone or macOS turned into an em or en dash, and leaves other dashes alone', () => {
    expect(parseArgs('—agents 3 –raw —-mesos 1.0.0', spec, 'u').flags).toEqual({ agents: 3, raw: true, mesos: '1.0.0' });
    expect(() => parseArgs('—colour red', spec, 'u')).toThrow('Unknown option "--colour".');
    expect(parseArgs('— –3 a—b', spec, 'u').positional).toEqual(['—', '–3', 'a—b']);
  });
});
