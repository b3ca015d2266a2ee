import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { resultMessage } from '../../commands/check/render.js';
import { createApp } from '../app.js';
import type { Exercise } from '../checks/exercise.js';
import { DEFAULT_EXERCISES_DIR, ExerciseFileError, loadExercises } from '../checks/loader.js';
import type { ExerciseResult } from '../checks/service.js';
import { parseAttachEndpoints } from '../clusters/attach.js';
import type { ClusterEndpoints } from '../clusters/cluster-record.js';
import { errorMessage, UserError } from '../errors.js';
import { messageToText } from '../render/text.js';
import { isRedisUnavailable } from '../store/redis.js';
import { configOrExplain, stderrLogger } from './runtime.js';

const USAGE = `Usage:
  workshop-bot check lint [<folder> | <file>]
  workshop-bot check list [--json]
  workshop-bot check run <exercise> [--user ID | --master URL [--marathon URL] [--zookeeper host:port]] [--json]
`;

/**
 * `workshop-bot check`: the exercises, and one exercise checked against an attendee's cluster
 * (\`--user\`: recorded in Redis, like /check) or any cluster by its endpoints (no Redis, no
 * history). Exit 0 when every step passes, 1 when some do not, 2 on bad input — and exercise files
 * that do not load are bad input: \`check lint\` says so of a folder without Redis or Slack settings.
 */
export async function runCheckCli(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCheckArgs>;
  try {
    parsed = parseCheckArgs(argv);
  } catch (error) {
    process.stderr.write(`workshop-bot check: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [subcommand, exercise, extra] = positionals;
  if ((subcommand !== 'list' && subcommand !== 'run' && subcommand !== 'lint') || (subcommand === 'list' && exercise) || extra) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (subcommand === 'lint' && exercise) return lint(exercise);
  const config = configOrExplain('local');
  if (!config) return 2;
  if (subcommand === 'lint') return lint(config.exercisesDir ?? DEFAULT_EXERCISES_DIR());
  let bot: ReturnType<typeof createApp>;
  try {
    bot = createApp(config, { log: stderrLogger(config) });
  } catch (error) {
    if (!(error instanceof ExerciseFileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  try {
    if (subcommand === 'list') {
      const exercises = bot.services.checks.exercises;
      process.stdout.write(values.json ? `${JSON.stringify(exercises.map(listEntry), null, 2)}\n` : listText(exercises));
      return 0;
    }
    if (!exercise) throw new UserError('Which exercise?', `workshop-bot check list shows them. ${USAGE}`);
    if (values.user && values.master) throw new UserError('Give --user or --master, not both.', USAGE);
    if (!values.user && !values.master)
      throw new UserError(
        "Whose cluster? Give --user <Slack user id>, or the cluster's --master URL (and --marathon, --zookeeper).",
        USAGE,
      );
    const { id } = bot.services.checks.find(exercise, 'workshop-bot check list');
    const result = values.user
      ? await bot.services.checks.checkAttendee(values.user, id)
      : await bot.services.checks.checkCluster(id, endpointsFrom(values));
    process.stdout.write(values.json ? `${JSON.stringify(resultJson(result), null, 2)}\n` : `${resultText(result)}\n`);
    return result.passed === result.total ? 0 : 1;
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`${errorMessage(error)}\n${error.hint ? `${error.hint}\n` : ''}`);
      return 2;
    }
    if (isRedisUnavailable(error)) {
      process.stderr.write(
        `I can't reach Redis at ${config.redisUrl}, where attendees' clusters and progress are kept.\nStart it, or check a cluster by its endpoints with --master.\n`,
      );
      return 2;
    }
    throw error;
  } finally {
    await bot.close();
  }
}

/** Every exercise file of a folder validated as the bot validates them at start-up: what loads, or every problem (exit 2). */
function lint(path: string): number {
  // A file is checked with the rest of its folder: ids and numbers must differ across the files.
  const folder = existsSync(path) && statSync(path).isFile() ? dirname(path) : path;
  let exercises: Exercise[];
  try {
    exercises = loadExercises(folder);
  } catch (error) {
    if (!(error instanceof ExerciseFileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const steps = exercises.reduce((sum, exercise) => sum + exercise.steps.length, 0);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  process.stdout.write(`${listText(exercises)}${count(exercises.length, 'exercise')}, ${count(steps, 'step')}: all valid\n`);
  return 0;
}

/** `--master/--marathon/--zookeeper`, validated as `/cluster attach` validates them. */
function endpointsFrom(values: { master?: string; marathon?: string; zookeeper?: string }): ClusterEndpoints {
  const pairs: Record<string, string> = {};
  for (const name of ['master', 'marathon', 'zookeeper'] as const) if (values[name]) pairs[name] = values[name];
  return parseAttachEndpoints(pairs, [], 'workshop-bot check run <exercise> --master URL [--marathon URL] [--zookeeper host:port]');
}

function parseCheckArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      user: { type: 'string' },
      master: { type: 'string' },
      marathon: { type: 'string' },
      zookeeper: { type: 'string' },
    },
  });
}

/** The `check list --json` contract: `[{id, title, steps: [{id, title}]}]`. */
function listEntry(exercise: Exercise) {
  return { id: exercise.id, title: exercise.title, steps: exercise.steps.map((step) => ({ id: step.id, title: step.title })) };
}

/** The `check run --json` contract. */
export function resultJson(result: ExerciseResult) {
  return {
    exercise: result.exercise.id,
    title: result.exercise.title,
    steps: result.steps.map((step) => ({ id: step.id, title: step.title, status: step.status, detail: step.detail, hint: step.hint })),
    passed: result.passed,
    total: result.total,
  };
}

function listText(exercises: readonly Exercise[]): string {
  return exercises
    .map(
      (exercise) =>
        `${exercise.number}. ${exercise.id} — ${exercise.title}\n${exercise.steps.map((step) => `     ${step.id}: ${step.title}`).join('\n')}\n`,
    )
    .join('');
}

/** The same text /check shows in a terminal, without the buttons (nothing to press here). */
function resultText(result: ExerciseResult): string {
  const message = resultMessage(result);
  return messageToText({ ...message, blocks: message.blocks?.filter((block) => block.type !== 'actions') ?? [] });
}
