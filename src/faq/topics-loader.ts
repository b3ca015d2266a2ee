import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';

export const LIVE_VIEWS = ['resources', 'tasks', 'leader', 'frameworks', 'apps'] as const;
export type LiveView = (typeof LIVE_VIEWS)[number];

export interface FaqTopic {
  id: string;
  title: string;
  section: string;
  sectionTitle: string;
  /** Other ways attendees ask it. */
  phrasings: string[];
  keywords: string[];
  related: string[];
  links: string[];
  /** The live view of the attendee's cluster that goes with the answer. */
  live?: LiveView;
  /** Slack mrkdwn, a few sentences and a command or link. */
  answer: string;
}

export interface FaqSection {
  id: string;
  title: string;
  order: number;
  topics: FaqTopic[];
}

/** The course's sections, one YAML file each under src/faq/topics (content as data). */
export function loadSections(dir = join(packageRoot(), 'src/faq/topics')): FaqSection[] {
  const sections = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => readSection(join(dir, file)));
  const ids = new Map<string, string>();
  for (const topic of sections.flatMap((section) => section.topics)) {
    if (ids.has(topic.id)) throw new Error(`FAQ topic id "${topic.id}" is used twice (${ids.get(topic.id)} and ${topic.section})`);
    ids.set(topic.id, topic.section);
  }
  for (const topic of sections.flatMap((section) => section.topics)) {
    for (const related of topic.related)
      if (!ids.has(related)) throw new Error(`FAQ topic "${topic.id}" names related topic "${related}", which does not exist`);
  }
  return sections.sort((a, b) => a.order - b.order);
}

function readSection(path: string): FaqSection {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const where = (detail: string) => new Error(`${path}: ${detail}`);
  if (typeof raw?.section !== 'string' || typeof raw.title !== 'string' || typeof raw.order !== 'number' || !Array.isArray(raw.topics)) {
    throw where('needs section (id), title, order (number) and topics (a list)');
  }
  const section = raw.section;
  const topics = raw.topics.map((entry: unknown, index) => {
    const topic = entry as Record<string, unknown>;
    const text = (field: string) => {
      if (typeof topic[field] !== 'string' || (topic[field] as string).trim() === '')
        throw where(`topic ${index + 1} needs a non-empty "${field}"`);
      return (topic[field] as string).trim();
    };
    const list = (field: string) => {
      const value = topic[field] ?? [];
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
        throw where(`topic "${topic.id}": "${field}" must be a list of strings`);
      return value as string[];
    };
    const live = topic.live;
    if (live !== undefined && !(LIVE_VIEWS as readonly unknown[]).includes(live))
      throw where(`topic "${topic.id}": live must be one of ${LIVE_VIEWS.join(', ')}`);
    return {
      id: text('id'),
      title: text('title'),
      section,
      sectionTitle: raw.title as string,
      phrasings: list('phrasings'),
      keywords: list('keywords'),
      related: list('related'),
      links: list('links'),
      ...(live ? { live: live as LiveView } : {}),
      answer: text('answer'),
    };
  });
  return { id: section, title: raw.title, order: raw.order, topics };
}
