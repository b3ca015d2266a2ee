import { z } from 'zod';
import type { CheckType } from './check-type.js';
import { CHECK_TYPES } from './types/index.js';

type CheckSchemas<Types extends readonly CheckType[]> = { [K in keyof Types]: Types[K]['schema'] };

/** One declarative check per step: `type` picks the check type, the other fields are its own. */
export const checkSchema = z.discriminatedUnion(
  'type',
  CHECK_TYPES.map((type) => type.schema) as unknown as CheckSchemas<typeof CHECK_TYPES>,
);

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected lower-case words joined by dashes, like scale-to-3');
/** Words /check takes in place of an exercise: an exercise with one of them as id could not be named. */
export const RESERVED_EXERCISE_IDS: readonly string[] = ['list', 'progress', 'help'];
/** `/check 3` means the exercise numbered 3, so an id is never only digits. */
const exerciseId = slug.regex(/\D/, 'must not be only digits (/check 3 means the exercise numbered 3): use words, like marathon');
/** A check's deadline: long enough for a slow endpoint, short enough that nobody waits on /check. */
const seconds = z
  .number()
  .min(0.5, 'at least 0.5 seconds: a cluster cannot answer a check faster (without it, 3 s)')
  .max(30, 'at most 30 seconds: an attendee waits for it (without it, 3 s)');
const text = z.string().trim().min(1, 'must not be empty');
/** A path relative to the exercises folder, inside it. */
const relativePath = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, 'expected a path relative to the exercises folder, like files/marathon/nginx.json');

export const stepSchema = z.strictObject({
  id: slug,
  title: text,
  /** What the attendee does, in the workshop's words (Slack mrkdwn). */
  do: text,
  check: checkSchema,
  /** One hint, or several revealed one at a time by "Show hint". */
  hint: z.union([text, z.array(text).min(1, 'give at least one hint')]).transform((hint) => (typeof hint === 'string' ? [hint] : hint)),
  /** Revealed only when the attendee asks for it. */
  solution: text,
  /** The step counts only once this earlier step has passed. */
  after: slug.optional(),
  timeoutSeconds: seconds.optional(),
});

export const exerciseSchema = z.strictObject({
  id: exerciseId,
  title: text,
  goal: text,
  minutes: z.number().int('expected whole minutes').positive('expected minutes, more than 0').optional(),
  /** The minimesosFile and Marathon JSON the exercise uses, relative to the exercises folder. */
  files: z.strictObject({ minimesosFile: relativePath.optional(), marathon: z.array(relativePath).default([]) }).default({ marathon: [] }),
  /** Where the workshop's outline is wrong for the real versions, and what is right. */
  notes: z.array(text).default([]),
  /** Each step's time to answer, unless the step says otherwise (default 3 s). */
  timeoutSeconds: seconds.optional(),
  steps: z.array(stepSchema).min(1, 'add at least one step'),
});

export type Check = z.output<typeof checkSchema>;
export type Step = z.output<typeof stepSchema>;

/** A file the exercise names, read and validated at start-up. */
export interface ExerciseFile {
  /** Relative to the exercises folder. */
  path: string;
  text: string;
}

export interface Exercise extends Omit<z.output<typeof exerciseSchema>, 'files'> {
  /** Its position in the workshop (the file name's number). */
  number: number;
  /** The YAML file it came from, as shown in messages. */
  source: string;
  files: { minimesosFile?: ExerciseFile; marathon: ExerciseFile[] };
}
