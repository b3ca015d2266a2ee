import type { AttendeeHome, HomeRenderer, InstructorHome } from '../../src/board/home.js';
import { duration } from '../../src/board/page.js';
import { type StepMark, stepMark } from '../../src/board/room.js';
import type { ProvisionStep } from '../../src/clusters/backend.js';
import type { ClusterRecord } from '../../src/clusters/cluster-record.js';
import { actions, type Block, button, codeBlock, confirmed, context, divider, header, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';
import { type ButtonValue, clock } from '../check/render.js';
import { clusterLabel, endpointLines, progressBar } from './cluster-messages.js';

const MARK_ICONS: Record<StepMark, string> = { pass: '✅', fail: '❌', todo: '⏳' };

/** How many of the longest-stuck attendees an instructor's Home names. */
const STUCK_SHOWN = 10;

/** The App Home tab: an attendee's own cluster and progress; for instructors, the room first. */
export const homeViews: HomeRenderer = {
  attendee: (home) => ({ type: 'home', blocks: [header('Your workshop'), ...attendeeBlocks(home)] }),
  instructor: (home) => ({
    type: 'home',
    blocks: [header('The room'), ...roomBlocks(home), divider(), header('Your own cluster and progress'), ...attendeeBlocks(home.own)],
  }),
};

function attendeeBlocks(home: AttendeeHome): Block[] {
  return [...clusterBlocks(home.user, home.cluster), divider(), ...progressBlocks(home), context(`Updated ${clock(home.now)}`)];
}

/** Their cluster as /cluster info shows it (the view is theirs alone), with the buttons that replace /cluster up and down. */
function clusterBlocks(user: string, cluster: ClusterRecord | null): Block[] {
  if (!cluster) {
    return [
      section('*Your cluster*: none yet.'),
      actions([button('Build my cluster', 'cluster.up', user, 'primary')]),
      context('The default cluster (one agent, Marathon). For another one, `/cluster up --agents 3` or a minimesosFile.'),
    ];
  }
  const label = clusterLabel(cluster);
  const title = `*Your cluster${label ? ` ${label}` : ''}*${cluster.kind === 'attached' ? ' (attached)' : ''}: ${cluster.status}`;
  const destroy = confirmed(
    button(cluster.kind === 'attached' ? 'Detach my cluster' : 'Destroy my cluster', 'cluster.down', user, 'danger'),
    {
      title: 'Remove your cluster?',
      text:
        cluster.kind === 'attached'
          ? 'The bot stops reading it; it keeps running.'
          : 'Its containers and everything in them are removed. You can build a new one afterwards.',
      confirm: cluster.kind === 'attached' ? 'Detach' : 'Destroy',
    },
  );
  const body: Block[] = [];
  if (cluster.status === 'ready') {
    body.push(section(`:white_check_mark: ${title}\n${endpointLines(cluster)}`));
    if (cluster.exports?.length) body.push(section(`Paste into your terminal:\n${codeBlock(cluster.exports.join('\n'))}`));
  } else {
    const lines = [title, progressBar(cluster.step as ProvisionStep | undefined, cluster.status === 'failed')];
    if (cluster.error) lines.push(`What failed: ${escapeMrkdwn(cluster.error)}`);
    body.push(section(lines.join('\n')));
  }
  return [...body, actions([destroy])];
}

/** The exercise their Check button checks, step by step, and a line for every exercise. */
function progressBlocks(home: AttendeeHome): Block[] {
  const current = home.progress.find((entry) => entry.exercise.id === home.current.id);
  const steps = home.current.steps.map((step) => ({ step, mark: stepMark(current?.progress[step.id]) }));
  const passed = steps.filter(({ mark }) => mark === 'pass').length;
  const value = JSON.stringify({ o: home.user, e: home.current.id } satisfies ButtonValue);
  const overview = home.progress.map(({ exercise, progress }) => {
    const done = exercise.steps.filter((step) => progress[step.id]?.passedAt !== undefined).length;
    return `${exercise.number}. ${exercise.title} ${done}/${exercise.steps.length}${done === exercise.steps.length ? ' ✅' : ''}`;
  });
  return [
    section(
      [
        `*${home.current.number}. ${home.current.title}*: ${passed} of ${steps.length} steps done`,
        ...steps.map(({ step, mark }) => `${MARK_ICONS[mark]} ${step.title}`),
      ].join('\n'),
    ),
    actions([button('Check my progress', 'check.again', value, 'primary')]),
    context(`Your exercises: ${overview.join(' · ')}`),
  ];
}

function roomBlocks({ room, boardUrl }: InstructorHome): Block[] {
  const steps = room.exercise.steps.length;
  const source = room.source === 'started' ? 'started by an instructor' : 'where most attendees are; `/workshop start` picks one';
  // In a big room the instructor looks for where people are stuck, not who: counts per step, then the longest stuck.
  const stuckOn = (title: string) => room.stuck.filter((row) => row.stuck!.step === title).length;
  const perStep = room.exercise.steps.map((step, index) => {
    const passed = room.rows.filter((row) => row.marks[index] === 'pass').length;
    const stuckHere = stuckOn(step.title);
    return `${index + 1}. ${step.title}: *${passed}* of ${room.rows.length}${stuckHere > 0 ? ` · ${stuckHere} stuck here` : ''}`;
  });
  const counts = room.clusters;
  const stuck = room.stuck
    .slice(0, STUCK_SHOWN)
    .map((row) => `• <@${row.user}> on “${row.stuck!.step}” for ${duration(room.takenAt - row.stuck!.since)}`);
  return [
    section(
      boardUrl
        ? `*The board for the projector:* <${boardUrl}|open it> (a secret link: names, clusters and marks only)`
        : '*The board for the projector* needs PUBLIC_URL (where browsers reach `workshop-bot serve`) to give a link.',
    ),
    section(
      [
        `*${room.exercise.number}. ${room.exercise.title}* (${source}): *${room.finished}* of ${room.rows.length} finished all ${steps} steps`,
        ...perStep,
      ].join('\n'),
    ),
    section(
      `*Clusters:* ${counts.ready} ready · ${counts.provisioning} building · ${counts.queued} queued · ${counts.failed} failed · ${counts.none} none${counts.removing ? ` · ${counts.removing} removing` : ''}`,
    ),
    section(
      stuck.length > 0
        ? `*Stuck longest*\n${stuck.join('\n')}${room.stuck.length > STUCK_SHOWN ? `\nand ${room.stuck.length - STUCK_SHOWN} more: ${boardUrl ? `<${boardUrl}|the board>` : 'the board (`/workshop board`)'} shows each one's steps` : ''}`
        : '*Stuck longest*: nobody is stuck.',
    ),
    actions([button('Refresh', 'workshop.home')]),
  ];
}
