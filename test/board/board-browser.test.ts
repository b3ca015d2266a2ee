import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_EXERCISE_KEY } from '../../src/checks/service.js';
import type { ClusterStatus } from '../../src/clusters/cluster-record.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import type { CheckBot } from '../e2e/exercises/support.js';
import { browserPath, testRedisUrl } from '../support/services.js';
import { launchChromium, startBoardBot } from './support.js';

const INSTRUCTOR = 'U0TEACH';
const ATTENDEE = 'U0GRACE';
/** Git-ignored: what the test saw, for a person to look at after a run. */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const MINUTE = 60_000;

/** A room in the middle of the first exercise: who passed what, and their clusters. */
const ROOM: Array<{ user: string; name: string; cluster?: ClusterStatus; passed: string[]; failing: string[]; minutesAgo: number }> = [
  {
    user: 'U0ADA',
    name: 'Ada Lovelace',
    cluster: 'ready',
    passed: ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'],
    failing: [],
    minutesAgo: 4,
  },
  {
    user: 'U0ALAN',
    name: 'Alan Turing',
    cluster: 'ready',
    passed: ['cluster-up', 'cluster-name', 'sandbox-volume'],
    failing: ['scope-logs'],
    minutesAgo: 9,
  },
  { user: 'U0BARBARA', name: 'Barbara Liskov', cluster: 'ready', passed: ['cluster-up'], failing: ['cluster-name'], minutesAgo: 31 },
  { user: 'U0DONALD', name: 'Donald Knuth', cluster: 'provisioning', passed: [], failing: ['cluster-up'], minutesAgo: 17 },
  {
    user: 'U0EDSGER',
    name: 'Edsger Dijkstra',
    cluster: 'ready',
    passed: ['cluster-up', 'cluster-name'],
    failing: ['sandbox-volume'],
    minutesAgo: 12,
  },
  { user: 'U0FRAN', name: 'Frances Allen', cluster: 'queued', passed: [], failing: [], minutesAgo: 0 },
  { user: 'U0JOHN', name: 'John Backus', cluster: 'failed', passed: [], failing: ['cluster-up'], minutesAgo: 26 },
  {
    user: 'U0KAREN',
    name: 'Karen Spärck Jones',
    cluster: 'ready',
    passed: ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'],
    failing: [],
    minutesAgo: 2,
  },
  {
    user: 'U0KEN',
    name: 'Ken Thompson',
    cluster: 'ready',
    passed: ['cluster-up', 'cluster-name', 'sandbox-volume'],
    failing: ['scope-logs'],
    minutesAgo: 6,
  },
  { user: 'U0LESLIE', name: 'Leslie Lamport', passed: [], failing: [], minutesAgo: 0 },
  { user: 'U0MARGARET', name: 'Margaret Hamilton', cluster: 'ready', passed: ['cluster-up'], failing: ['cluster-name'], minutesAgo: 3 },
];

const needs = testRedisUrl() && browserPath();

/**
 * The board in a real browser (Debian's chromium through playwright-core): the page as served by
 * the bot behind Bolt's receiver, updated by server-sent events while /check runs through Slack.
 */
describe.skipIf(!needs)('the projector board in a real browser', () => {
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startBoardBot('browser', INSTRUCTOR);
    const slack = bot.slack;
    const { services } = slack.bot;
    const now = Date.now();
    for (const person of [...ROOM, { user: ATTENDEE, name: 'Grace Hopper' }]) {
      slack.fake.addUser(person.user, { display_name: person.name });
      await services.attendees.register(person.user);
    }
    for (const person of ROOM) {
      if (person.cluster)
        await services.clusters.registry.claim({
          attendee: person.user,
          kind: 'provisioned',
          status: person.cluster,
          clusterId: person.user,
        });
      if (person.passed.length + person.failing.length > 0)
        await services.checks.progress.record(
          person.user,
          'minimesos-basics',
          { passed: person.passed, attempted: [...person.passed, ...person.failing] },
          now - person.minutesAgo * MINUTE,
        );
    }
    await services.store.redis.set(CURRENT_EXERCISE_KEY, 'minimesos-basics');
    cluster = await startSimulatedCluster({ agents: 1, clusterName: 'grace' });
    await services.clusters.attach(ATTENDEE, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await cluster?.stop();
  });

  const row = (name: string) => page.locator('tr', { has: page.locator('th.name', { hasText: name }) });

  it('shows the grid, then a pass recorded by /check without a reload, and saves a screenshot', async () => {
    const reply = await bot.command('/workshop', 'board', INSTRUCTOR);
    const path = /`(\/board\/[A-Za-z0-9_-]{32})`/.exec(reply.text)![1]!;
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await page.goto(`${bot.slack.baseUrl}${path}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 10_000 });

    expect(await page.locator('h1').textContent()).toBe('1. Minimesos basics');
    expect(await page.locator('tbody tr').count()).toBe(ROOM.length + 1);
    expect(await row('Ada Lovelace').locator('td.mark').allTextContents()).toEqual(['✅', '✅', '✅', '✅']);
    expect(await row('Donald Knuth').locator('td').allTextContents()).toEqual(['building', '❌', '⏳', '⏳', '⏳']);
    expect(await row('Grace Hopper').locator('td').allTextContents()).toEqual(['ready', '⏳', '⏳', '⏳', '⏳']);
    expect(await page.locator('.stuck li').first().textContent()).toBe('Barbara Liskov on “Give the cluster your name” 31 min');
    expect(await page.locator('.totals').textContent()).toContain('2 of 12 finished');
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // Grace checks her cluster in Slack; the board shows it by itself.
    const check = await bot.command('/check', 'minimesos-basics', ATTENDEE);
    expect(check.text).toContain('✅ *Launch your cluster*');
    await row('Grace Hopper').locator('td.mark').first().filter({ hasText: '✅' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(navigations).toHaveLength(1);
    expect(await page.locator('.totals').textContent()).toContain('8 ready');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('board.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('tells the projector when its link was replaced, instead of showing a stale board', async () => {
    await bot.command('/workshop', 'board --rotate', INSTRUCTOR);
    await page.locator('#status[data-state="closed"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#status').textContent()).toBe('This link no longer works: the instructor made a new one (/workshop board).');
  });
});
