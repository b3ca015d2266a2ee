import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_TURN_MS } from '../../src/board/page.js';
import type { ClusterStatus } from '../../src/clusters/cluster-record.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import type { CheckBot } from '../e2e/exercises/support.js';
import { browserPath, testRedisUrl } from '../support/services.js';
import { launchChromium, openEventStream, startBoardBot } from './support.js';

const INSTRUCTOR = 'U0TEACH';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const EXERCISE = 'minimesos-basics';
const STEPS = ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'];
const STATUSES: ClusterStatus[] = ['ready', 'ready', 'ready', 'provisioning', 'queued', 'failed'];
const users = Array.from({ length: 500 }, (_, i) => `U01ABCDE${String(i).padStart(4, '0')}`);
const nameOf = (i: number) => `Attendee ${String(i).padStart(3, '0')} ${['Lovelace', 'Turing', 'Hopper', 'Knuth', 'Spärck Jones'][i % 5]}`;
const LIVE = users[499]!;

const needs = testRedisUrl() && browserPath();

describe.skipIf(!needs)('the projector board with 500 attendees, in a real browser', () => {
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startBoardBot('board500', INSTRUCTOR);
    const slack = bot.slack;
    const { services } = slack.bot;
    const now = Date.now();
    for (const [i, user] of users.entries()) {
      slack.fake.addUser(user, { display_name: nameOf(i) });
      await services.attendees.register(user);
      if (user === LIVE) continue;
      if (i % 10 !== 9)
        await services.clusters.registry.claim({
          attendee: user,
          kind: 'provisioned',
          status: STATUSES[i % STATUSES.length]!,
          clusterId: user,
        });
      const passed = STEPS.slice(0, i % 5);
      await services.checks.progress.record(user, EXERCISE, { passed, attempted: STEPS.slice(0, (i % 5) + 1) }, now - (i % 40) * 60_000);
    }
    await bot.command('/workshop', `start ${EXERCISE}`, INSTRUCTOR);
    cluster = await startSimulatedCluster({ agents: 1, clusterName: 'live' });
    await services.clusters.attach(LIVE, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await cluster?.stop();
  });

  it('renders all 500, updates one without a reload, and a projector screenshot is readable', async () => {
    const reply = await bot.command('/workshop', 'board', INSTRUCTOR);
    const path = /`(\/board\/[A-Za-z0-9_-]{32})`/.exec(reply.text)![1]!;
    const url = `${bot.slack.baseUrl}${path}`;
    const html = await (await fetch(url)).text();
    const started = performance.now();
    await page.goto(url);
    const firstRender = performance.now() - started;
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 20_000 });
    const live = performance.now() - started;
    expect(await page.locator('tbody tr').count()).toBe(500);
    // The room at a glance: how many passed each step (499 recorded: step k passed by those with i % 5 > k).
    const passedStep = (k: number) => users.slice(0, 499).filter((_user, i) => i % 5 > k).length;
    expect(await page.locator('.legend .count').allTextContents()).toEqual(STEPS.map((_step, k) => `${passedStep(k)}\u2009✅`));
    // A projector screen shows a good part of the room, readable: rows at least 16 px high.
    const onScreen = await page.evaluate<number>(
      `[...document.querySelectorAll('tbody tr')].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight && box.height >= 16;
      }).length`,
    );
    expect(onScreen).toBeGreaterThanOrEqual(150);
    for (const i of [0, 137, 498]) expect(await page.locator('th.name', { hasText: nameOf(i) }).count(), nameOf(i)).toBe(1);

    const stream = await openEventStream(`${url}/events`);
    await stream.next((event) => event.event === 'board');
    const check = await bot.command('/check', EXERCISE, LIVE);
    expect(check.text).toContain('✅');
    // The pass is sent as what it changed: the head (counts) and the one row, not the whole board again.
    const update = await stream.next((event) => event.event === 'rows', 15_000);
    stream.close();
    expect(update.data!.length).toBeLessThan(html.length / 20);
    const row = page.locator('tr', { has: page.locator('th.name', { hasText: nameOf(499) }) });
    await row.locator('td.mark').first().filter({ hasText: '✅' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('tbody tr').count()).toBe(500);
    expect(await page.locator('.legend .count').first().textContent()).toBe(`${passedStep(0) + 1}\u2009✅`);
    console.log(
      `board of 500: page ${Math.round(html.length / 1024)} KiB, first render ${Math.round(firstRender)} ms, live ${Math.round(live)} ms, one pass sends ${update.data!.length} bytes`,
    );
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('board-500.png', ARTIFACTS).pathname });
    await page.screenshot({ path: new URL('board-500-full.png', ARTIFACTS).pathname, fullPage: true });
    // The rest of the room comes on screen by itself.
    await page.waitForFunction(() => (globalThis as unknown as { scrollY: number }).scrollY > 0, undefined, {
      timeout: PAGE_TURN_MS + 5000,
    });
    console.log(`on screen at once: ${onScreen} of 500`);
  }, 120_000);
});
