import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvaluationSets, trainingQuestions } from '../../src/faq/labelled.js';

describe('labelled question sets', () => {
  const expected = [
    { q: 'how do i "nuke" my cluster \\ fast', topic: 'minimesos-destroy' },
    { q: 'what is the wifi password', topic: null },
  ];

  it('reads a set written a question a line exactly as the same set written in any other YAML form', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'labelled-'));
    await writeFile(
      join(dir, 'one-line.yaml'),
      [
        '# a comment',
        'questions:',
        '  - {q: "how do i \\"nuke\\" my cluster \\\\ fast", topic: minimesos-destroy}',
        '  # off-topic',
        '  - {q: "what is the wifi password", topic: null}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'block.yaml'),
      [
        'questions:',
        '  - q: how do i "nuke" my cluster \\ fast',
        '    topic: minimesos-destroy',
        "  - q: 'what is the wifi password'",
        '    topic: null',
        '',
      ].join('\n'),
    );
    // A YAML escape JSON does not know: read by the YAML parser, not mangled.
    await writeFile(join(dir, 'escape-heldout.yaml'), 'questions:\n  - {q: "caf\\xe9 wifi?", topic: null}\n');
    const sets = Object.fromEntries(loadEvaluationSets(dir).map((set) => [set.name, set]));
    expect(sets['one-line']!.questions).toEqual(expected);
    expect(sets.block!.questions).toEqual(expected);
    expect(sets['escape-heldout']!.questions).toEqual([{ q: 'café wifi?', topic: null }]);
    expect(sets['escape-heldout']!.heldOut).toBe(true);
    // Held-out sets never teach.
    expect(trainingQuestions(dir)).toEqual([...expected, ...expected]);
  });

  it('names the file that has no questions list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'labelled-'));
    await writeFile(join(dir, 'broken.yaml'), 'question: [oops]\n');
    expect(() => loadEvaluationSets(dir)).toThrow(`${join(dir, 'broken.yaml')}: needs a "questions" list of {q, topic}`);
  });
});
