import { errorMessage } from '../src/errors.js';
import type { Faq, FaqResult } from '../src/faq/faq.js';
import { IN_ENGLISH, OUTPUT_ONLY } from '../src/faq/render-text.js';
import type { FaqTopic } from '../src/faq/topics-loader.js';
import { actions, type Block, button, context, divider, type Message, section } from '../src/render/blocks.js';
import { escapeMrkdwn } from '../src/render/mrkdwn.js';
import type { ActionContext, CommandContext, CommandSpec } from '../src/router/types.js';
import type { CommandServices } from '../src/services.js';
import { appBlocks, clusterTotals, frameworkBlocks, mesosLeaderLine, resourceTable, taskBlocks } from './render/cluster-views.js';

async function ask({ args, request, services, out, log }: CommandContext): Promise<void> {
  if (args === '') {
    await out.reply(topicIndex(services.faq));
    return;
  }
  const result = services.faq.ask(args);
  if (!result.topic) {
    await out.reply(dontKnow(args, result));
    return;
  }
  // A course question that matches no topic well still gets the closest answer, and the next ones to pick from.
  const alternatives = result.sure ? [] : result.suggestions;
  const message = await answerMessage(result.topic, services, request.user, log, alternatives);
  // Asked in another language: the answer says first that it is in English.
  if (result.language) message.blocks = [context(IN_ENGLISH.answer), ...(message.blocks ?? [])];
  await out.reply(message);
}

/**
 * The answer, its related topics and links, and — when the attendee has a cluster — its live view;
 * with "did you mean" alternatives when the answer was not a sure match.
 */
async function answerMessage(
  topic: FaqTopic,
  services: CommandServices,
  user: string,
  log: CommandContext['log'],
  alternatives: FaqTopic[] = [],
): Promise<Message> {
  const related = services.faq.related(topic);
  const blocks: Block[] = [];
  if (alternatives.length) blocks.push(context("I'm not sure this is what you asked — the closest answer first, other topics below."));
  blocks.push(section(`*${topic.title}*\n${topic.answer}`));
  if (topic.live) blocks.push(...(await liveView(topic.live, services, user, log)));
  const footer = [
    related.length ? `Related: ${related.map((entry) => entry.title).join(' · ')}` : '',
    topic.links.length ? topic.links.join('  ') : '',
  ]
    .filter(Boolean)
    .join('\n');
  if (footer) blocks.push(context(footer));
  if (related.length) blocks.push(actions(related.slice(0, 3).map((entry) => button(entry.title, 'faq.show', entry.id))));
  if (alternatives.length) {
    blocks.push(section('*Did you mean…*'));
    blocks.push(actions(alternatives.map((entry) => button(entry.title, 'faq.show', entry.id))));
  }
  return { text: topic.title, blocks };
}

/** The attendee's own cluster, seen the way the topic talks about it. Never fails the answer. */
async function liveView(
  view: NonNullable<FaqTopic['live']>,
  services: CommandServices,
  user: string,
  log: CommandContext['log'],
): Promise<Block[]> {
  // No record (or no Redis): the attendee has no cluster to show; the answer stands on its own.
  const record = await services.clusters.get(user).catch(() => null);
  if (record?.status !== 'ready' || !record.endpoints) return [];
  const cluster = { kind: record.kind, endpoints: record.endpoints };
  try {
    const title = '*On your cluster right now:*';
    if (view === 'apps') return [divider(), section(title), ...appBlocks(await services.access.marathon(cluster).apps()).slice(0, 5)];
    const state = await services.access.mesos(cluster).state();
    switch (view) {
      case 'resources': {
        const { total, used, free } = clusterTotals(state);
        return [
          divider(),
          section(`${title} (${state.agents.length} agent${state.agents.length === 1 ? '' : 's'})\n${resourceTable(total, used, free)}`),
        ];
      }
      case 'tasks':
        return [divider(), section(title), ...taskBlocks(state).slice(0, 5)];
      case 'frameworks':
        return [divider(), section(title), ...frameworkBlocks(state.frameworks).slice(0, 5)];
      case 'leader': {
        const masters = cluster.endpoints.zookeeper
          ? await services.access.withZookeeper(cluster, async (zk) => (await zk.mesosMasters('/mesos')).masters)
          : [];
        return [
          divider(),
          section(
            `${title}\n${masters.length ? mesosLeaderLine(masters) : `*Leading Mesos master:* ${escapeMrkdwn(state.leader ?? 'none known')}`}`,
          ),
        ];
      }
    }
  } catch (error) {
    log.info({ err: error }, 'live view unavailable');
    return [context(`(I couldn't read your cluster for a live view: ${escapeMrkdwn(errorMessage(error).slice(0, 200))})`)];
  }
}

function dontKnow(question: string, result: FaqResult): Message {
  const askInstructor = button('Ask the instructor', 'faq.ask-instructor', question, 'primary');
  if (result.outputOnly)
    return { text: OUTPUT_ONLY.said, blocks: [section(`:mag: ${OUTPUT_ONLY.said}`), actions([askInstructor]), context(OUTPUT_ONLY.todo)] };
  const buttons = [...result.suggestions.slice(0, 3).map((topic) => button(topic.title, 'faq.show', topic.id)), askInstructor];
  const closest = result.suggestions.length ? ' These are the closest topics:' : '';
  const said = result.language ? IN_ENGLISH.unclear(result.language) : "I don't know that one yet.";
  return {
    text: said,
    blocks: [
      section(`:thinking_face: ${said}${closest}`),
      actions(buttons),
      context(result.language ? IN_ENGLISH.todo : 'Or try other words — `/faq` alone lists every topic.'),
    ],
  };
}

function topicIndex(faq: Faq): Message {
  const blocks: Block[] = [section('*Workshop FAQ* — ask in your own words: `/faq how do I scale my app?`')];
  for (const faqSection of faq.sections()) {
    blocks.push(section(`*${faqSection.title}*\n${faqSection.topics.map((topic) => `• ${topic.title}`).join('\n')}`));
  }
  return { text: 'Workshop FAQ topics', blocks };
}

async function show({ action, services, out, log }: ActionContext): Promise<void> {
  const topic = services.faq.topic(action.value);
  if (!topic) {
    await out.reply({ text: 'That topic is gone', blocks: [section('That topic no longer exists. `/faq` lists the current ones.')] });
    return;
  }
  await out.reply(await answerMessage(topic, services, action.user, log));
}

async function askInstructor({ action, services, out }: ActionContext): Promise<void> {
  const channel = services.config.instructorChannel;
  if (!channel) {
    await out.reply({
      text: 'Ask the instructor',
      blocks: [section(`No instructor channel is set up, so please ask the instructor directly: _"${escapeMrkdwn(action.value)}"_`)],
    });
    return;
  }
  await services.notifier.post(channel, {
    text: `Question from <@${action.user}>`,
    blocks: [
      // The question as the attendee typed it, escaped: a `<!channel>` in it must not ping the instructors' channel.
      section(`:raising_hand: <@${action.user}> asks (in <#${action.channel}>):\n>${escapeMrkdwn(action.value).replace(/\n/g, '\n>')}`),
      context('The FAQ had no answer for it.'),
    ],
  });
  await out.reply({
    text: 'Question sent',
    blocks: [section(':incoming_envelope: I passed your question on to the instructors; someone will come to you.')],
  });
}

export const faq: CommandSpec = {
  name: 'faq',
  summary: 'Answers questions about Mesos, Marathon, ZooKeeper and minimesos.',
  description:
    'Ask in your own words (typos are fine): `/faq how do I scale my app?`. `/faq` alone lists every topic by section. When you have a cluster, answers show what it looks like right now. Mention me in a thread to ask there.',
  usage: '/faq <question>',
  readOnly: true,
  examples: ['/faq how much resources are left?', '/faq why does elasticsearch not scale?', '/faq'],
  run: ask,
  actions: { show, 'ask-instructor': askInstructor },
};
