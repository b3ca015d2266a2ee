import { describe, expect, it } from 'vitest';
import { describeEvery, nudgeMessage, sweepSummaryMessage } from '../../../commands/render/checkin-messages.js';
import { loadExercises } from '../../../src/checks/loader.js';
import type { ExerciseResult, StepResult } from '../../../src/checks/service.js';
import { messageToText } from '../../../src/render/text.js';
import type { NudgeFate, SweepSummary } from '../../../src/workshop/checkins.js';
import { blockKitProblems } from '../../support/block-kit.js';

const exercise = loadExercises().find((candidate) => candidate.id === 'mesos-ui')!;
const users = (from: number, count: number) => Array.from({ length: count }, (_, i) => `U0W${String(from + i).padStart(5, '0')}`);
const FATES: NudgeFate[] = ['sent', 'earlier', 'quiet', 'failed'];

describe('check-in messages are valid Block Kit, even for a room of 500', () => {
  it('the summary of a sweep of 500: stuck on every step, some without a cluster, some not checkable', () => {
    const summary: SweepSummary = {
      id: 'now-1',
      by: 'U0TEACH',
      exercise: { id: exercise.id, number: exercise.number, title: exercise.title },
      total: 500,
      done: users(0, 30),
      working: users(30, 20),
      // 300 on the first step, 25 on each other one.
      stuck: exercise.steps.map((step, index) => ({
        step: { id: step.id, title: step.title },
        attendees: (index === 0 ? users(50, 300) : users(325 + index * 25, 25)).map((user, i) => ({
          user,
          since: i,
          nudge: FATES[i % FATES.length]!,
        })),
      })),
      noCluster: users(450, 40).map((user) => ({ user })),
      errors: users(490, 10).map((user) => ({ user, reason: 'Redis went away' })),
      startedAt: 0,
      stuckMs: 5 * 60_000,
    };
    const message = sweepSummaryMessage(summary);
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.text).toBe('Check-in: 2. Mesos UI & Weave Scope: 30 of 460 done, 400 stuck');
    const text = messageToText(message);
    expect(text).toContain('460 clusters checked: 30 done, 20 moving on, 400 stuck · 40 without a ready cluster');
    expect(text).toContain(
      `Stuck on *${exercise.steps[0]!.title}*, 300 (75 nudged now, 75 asked not to be nudged, 75 could not be DMed): <@U0W00050>`,
    );
    // Everyone stuck, without a cluster or not checkable is named: none is cut off for space.
    for (const user of users(50, 450)) expect(text).toContain(`<@${user}>`);
    expect(text).toContain(`Stuck on *${exercise.steps[1]!.title}*, 25 (7 nudged now, 6 asked not to be nudged, 6 could not be DMed)`);
    expect(text).toContain('*Could not be checked*, 10: <@U0W00490>');
    expect(text).toContain('Stuck: no step passed for 5 minutes (CHECKIN_STUCK_MINUTES).');
  });

  it('a room too big to name in one message: each group says how many it could not name, and where to see them', () => {
    // Slack ids as long as real ones (U + 10), 900 of them: more than one message can hold.
    const many = Array.from({ length: 900 }, (_, i) => `U01ABC${String(i).padStart(5, '0')}`);
    const summary: SweepSummary = {
      id: 'now-2',
      by: 'U0TEACH',
      exercise: { id: exercise.id, number: exercise.number, title: exercise.title },
      total: 900,
      done: [],
      working: [],
      stuck: [{ step: exercise.steps[2]!, attendees: many.slice(0, 700).map((user) => ({ user, since: 0, nudge: 'sent' as const })) }],
      noCluster: many.slice(700).map((user) => ({ user })),
      errors: [],
      startedAt: 0,
      stuckMs: 5 * 60_000,
    };
    const message = sweepSummaryMessage(summary);
    expect(blockKitProblems(message)).toEqual([]);
    const text = messageToText(message);
    const named = many.filter((user) => text.includes(`<@${user}>`)).length;
    const counted = [...text.matchAll(/ and (\d+) more \(everyone is on the board/g)].map((match) => Number(match[1]));
    const uncounted = /\*Without a ready cluster\*, 200: everyone is on the board/.test(text) ? 200 : 0;
    expect(named).toBeGreaterThan(400);
    expect(named + counted.reduce((a, b) => a + b, 0) + uncounted).toBe(900);
  });

  it('a nudge: the step, what to do, its hint, and buttons that name their attendee', () => {
    const step: StepResult = {
      id: 'scope-running',
      title: 'Weave Scope runs as a task',
      do: 'Find the task.',
      status: 'fail',
      detail: 'no task',
      hint: `Look at /cluster ps. ${'x'.repeat(2800)}`,
      hintNumber: 1,
      hintCount: 2,
    };
    const result = { exercise, attendee: 'U0ADA', steps: [step], passed: 3, total: 5, next: step } as ExerciseResult;
    const message = nudgeMessage({ user: 'U0ADA', exercise, step, result, stuckForMs: 12 * 60_000 });
    expect(blockKitProblems(message)).toEqual([]);
    const text = messageToText(message);
    expect(text).toContain('Still on *Weave Scope runs as a task* (2. Mesos UI & Weave Scope, 3 of 5 steps done)');
    expect(text).toContain('No step has passed for about 12 minutes');
    const buttons = message.blocks!.flatMap((block) => (block.type === 'actions' ? block.elements : []));
    expect(buttons.map((button) => [button.action_id, JSON.parse(button.value!)])).toEqual([
      ['check.again', { o: 'U0ADA', e: 'mesos-ui' }],
      ['check.hint', { o: 'U0ADA', e: 'mesos-ui', s: 'scope-running' }],
      ['check.quiet', { o: 'U0ADA', e: 'mesos-ui' }],
    ]);
  });

  it('says how often in words', () => {
    expect([1, 10, 60, 90, 120].map((minutes) => describeEvery(minutes * 60_000))).toEqual([
      'every 1 minute',
      'every 10 minutes',
      'every hour',
      'every 1 h 30 min',
      'every 2 hours',
    ]);
  });
});
