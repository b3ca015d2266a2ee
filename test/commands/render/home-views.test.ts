import { describe, expect, it } from 'vitest';
import { homeViews } from '../../../commands/render/home-views.js';
import type { AttendeeHome } from '../../../src/board/home.js';
import type { BoardRow, RoomSnapshot } from '../../../src/board/room.js';
import { loadExercises } from '../../../src/checks/loader.js';
import { messageToText } from '../../../src/render/text.js';
import { homeViewProblems } from '../../support/block-kit.js';

const exercises = loadExercises();
const frameworks = exercises.find((exercise) => exercise.id === 'frameworks')!;
const now = Date.UTC(2026, 10, 29, 10, 42);

function attendee(overrides: Partial<AttendeeHome> = {}): AttendeeHome {
  return {
    user: 'U0ADA',
    cluster: null,
    current: frameworks,
    progress: exercises.map((exercise) => ({ exercise, progress: {} })),
    now,
    ...overrides,
  };
}

/** A room of 500 with long names, half of them stuck. */
function bigRoom(): RoomSnapshot {
  const rows: BoardRow[] = Array.from({ length: 500 }, (_unused, index) => ({
    user: `U0P${String(index).padStart(3, '0')}`,
    name: `${'Very Long Display Name '.repeat(4)}${index}`,
    cluster: index % 3 === 0 ? 'ready' : 'queued',
    marks: frameworks.steps.map((_step, step) => (step < index % 5 ? 'pass' : step === index % 5 ? 'fail' : 'todo')),
    passed: index % 5,
    ...(index % 2 === 0 ? { stuck: { since: now - index * 60_000, step: frameworks.steps[index % 5]!.title } } : {}),
  }));
  return {
    exercise: {
      id: frameworks.id,
      number: frameworks.number,
      title: frameworks.title,
      steps: frameworks.steps.map(({ id, title }) => ({ id, title })),
    },
    source: 'most',
    rows,
    clusters: { ready: 167, provisioning: 0, queued: 333, failed: 0, removing: 0, none: 0 },
    finished: 0,
    stuck: rows.filter((row) => row.stuck).reverse(),
    takenAt: now,
  };
}

describe('App Home views are valid Block Kit for any room', () => {
  it("an instructor's view of a room of 500 stays within Slack's limits, naming the ten stuck longest", () => {
    const view = homeViews.instructor({ room: bigRoom(), boardUrl: 'https://workshop.example.org/board/abc', own: attendee() });
    expect(homeViewProblems(view)).toEqual([]);
    const text = messageToText({ text: '', blocks: view.blocks });
    expect(text).toContain('*Stuck longest*\n• <@U0P498> on');
    expect(text).toContain('for 8 h 18 min');
    // Where the 250 stuck are, step by step; everyone else is a click away.
    expect(text).toContain(`1. ${frameworks.steps[0]!.title}: *400* of 500 · 50 stuck here`);
    expect(text).toContain(`5. ${frameworks.steps[4]!.title}: *0* of 500 · 50 stuck here`);
    expect(text).toContain("and 240 more: <https://workshop.example.org/board/abc|the board> shows each one's steps");
  });

  it("an attendee's view with every field at its longest stays within the limits", () => {
    const failed = attendee({
      cluster: {
        attendee: 'U0ADA',
        kind: 'provisioned',
        status: 'failed',
        clusterId: '1',
        step: 'master',
        error: 'x'.repeat(20_000),
        createdAt: now,
        updatedAt: now,
      },
    });
    expect(homeViewProblems(homeViews.attendee(failed))).toEqual([]);
    const ready = attendee({
      cluster: {
        attendee: 'U0ADA',
        kind: 'provisioned',
        status: 'ready',
        clusterId: '1',
        clusterName: 'n'.repeat(500),
        endpoints: {
          master: 'http://10.0.0.1:5050',
          agents: Array.from({ length: 50 }, (_unused, index) => `http://10.0.0.${index}:5051`),
        },
        exports: Array.from({ length: 200 }, (_unused, index) => `export MINIMESOS_AGENT_${index}=http://10.0.0.${index}:5051`),
        createdAt: now,
        updatedAt: now,
      },
    });
    expect(homeViewProblems(homeViews.attendee(ready))).toEqual([]);
  });
});
