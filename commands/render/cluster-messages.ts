import { PROVISION_STEPS, type ProvisionStep } from '../../src/clusters/backend.js';
import type { ClusterRecord } from '../../src/clusters/cluster-record.js';
import type { ClusterMessages } from '../../src/clusters/provision-job.js';
import type { ReaperMessages } from '../../src/clusters/reaper.js';
import { actions, button, codeBlock, context, type Message, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';

/** How a cluster's life looks in Slack: one message, edited from queued to ready (or failed). */
export const clusterMessages: ClusterMessages = {
  progress(record, step, detail) {
    const title = `<@${record.attendee}>'s cluster ${clusterLabel(record)}: ${step}…`;
    return {
      text: title,
      blocks: [section(`*${title}*\n${progressBar(step)}`), ...(detail ? [context(escapeMrkdwn(detail))] : [])],
    };
  },
  ready(record) {
    // The channel sees that it is ready; where it answers goes to its owner alone (endpoints()).
    const title = `<@${record.attendee}>'s cluster ${clusterLabel(record)} is ready`;
    return {
      text: title,
      blocks: [
        section(`:white_check_mark: *${title}*\n${progressBar('ready')}`),
        context('Its endpoints are in a direct message to its owner; `/cluster info` shows them again.'),
      ],
    };
  },
  endpoints(record) {
    return endpointsMessage(record, `Your cluster ${clusterLabel(record)} is ready`, ':white_check_mark: ');
  },
  failed(record, error) {
    const title = `<@${record.attendee}>'s cluster ${clusterLabel(record)} could not be built`;
    return {
      text: title,
      blocks: [
        section(`:x: *${title}*\n${progressBar(record.step as ProvisionStep | undefined, true)}\nWhat failed: ${escapeMrkdwn(error)}`),
        context(failedHint(record)),
      ],
    };
  },
  removed(record) {
    const title = `<@${record.attendee}>'s cluster ${clusterLabel(record)} was removed${record.status === 'ready' ? '' : ' before it was ready'}`;
    return {
      text: title,
      blocks: [section(`:wastebasket: *${title}*`), context('`/cluster up` builds a new one whenever they want.')],
    };
  },
};

/** What to do about a failed build: what the build said would fix it, else to try once more. */
export function failedHint(record: ClusterRecord, down = '`/cluster down`'): string {
  return record.errorHint
    ? `${record.errorHint} First ${down} clears this one.`
    : `Run ${down} to clean up, then \`/cluster up\` to try again. If it fails again, tell the instructor.`;
}

/** What an attendee does with a ready cluster. */
export const READY_NEXT = 'Next: `/state marathon`, `/cluster ps`, `/cluster install <Marathon JSON>`; `/cluster down` when you are done.';

/** Where a ready cluster answers and the `export` lines: for its owner only (a DM, /cluster info). */
export function endpointsMessage(record: ClusterRecord, title: string, emoji = '', next = READY_NEXT): Message {
  return {
    text: title,
    blocks: [
      section(`${emoji}*${title}*`),
      section(endpointLines(record)),
      ...(record.exports?.length ? [section(`Paste into your terminal:\n${codeBlock(record.exports.join('\n'))}`)] : []),
      ...(record.warnings?.length
        ? [section(`:warning: Your minimesosFile's apps:\n${record.warnings.map((warning) => `• ${escapeMrkdwn(warning)}`).join('\n')}`)]
        : []),
      context(`Only you see these. ${next}`),
    ],
  };
}

export function endpointLines(record: ClusterRecord): string {
  const endpoints = record.endpoints;
  if (!endpoints) return '_no endpoints yet_';
  return [
    `• Mesos master: ${endpoints.master}`,
    endpoints.marathon ? `• Marathon: ${endpoints.marathon}` : '',
    endpoints.zookeeper ? `• ZooKeeper: ${endpoints.zookeeper}` : '',
    ...(endpoints.agents ?? []).map((agent, index) => `• Agent ${index + 1}: ${agent}`),
    endpoints.apps
      ? `• Your apps' ports (e.g. nginx on 80): ${Object.entries(endpoints.apps)
          .map(([port, address]) => `${port} → ${address}`)
          .join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function clusterLabel(record: ClusterRecord): string {
  return record.clusterName ? `"${escapeMrkdwn(record.clusterName)}"` : record.clusterId ? `${record.clusterId}` : '';
}

/** `▰▰▰▱▱▱ 3/7 master`: where the build is, counted over the steps after "queued". */
export function progressBar(step: ProvisionStep | undefined, failed = false): string {
  const steps = PROVISION_STEPS.slice(1);
  const done = step ? Math.max(0, PROVISION_STEPS.indexOf(step)) : 0;
  const bar = `${'▰'.repeat(done)}${'▱'.repeat(steps.length - done)}`;
  return `\`${bar}\` ${done}/${steps.length}${failed ? ' (stopped)' : ''}`;
}

/** What the reaper says before and when it removes a cluster. */
export const reaperMessages: ReaperMessages = {
  expiring(record, minutesLeft) {
    const text = `<@${record.attendee}>, your cluster ${clusterLabel(record)} will be removed in ${minutesLeft} minute${minutesLeft === 1 ? '' : 's'}.`;
    return {
      text,
      blocks: [section(`:hourglass: ${text}`), actions([button('Extend 2 hours', 'cluster.extend', record.clusterId ?? '', 'primary')])],
    };
  },
  expired(record) {
    const text = `<@${record.attendee}>, your cluster ${clusterLabel(record)} reached its time limit and was removed.`;
    return { text, blocks: [section(`:wastebasket: ${text}`), context('`/cluster up` builds a new one whenever you want.')] };
  },
};
