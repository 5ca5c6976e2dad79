import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';

// End-to-end tests of the playground page. Elements are found by
// data-testid; the world is read through the page's own read-only API
// (window.raftlab.snapshot()); time is driven with the page's own controls
// (speed slider, scrubber, keyboard) — never with long sleeps.


type Node = {
  id: number;
  status: 'Up' | 'Crashed' | 'Paused';
  role: string;
  term: number;
  commit_index: number;
  last_index: number;
  kv: Record<string, string>;
  log: { index: number; term: number; label: string; committed: boolean }[];
};
type Snapshot = { now: number; event_count: number; leader: number | null; nodes: Node[]; committed: number };


const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => (window as any).raftlab.snapshot());

/** Sets a range input the way a user dragging it would (input + change events). */
async function setRange(page: Page, testid: string, value: number) {
  await page.getByTestId(testid).evaluate((el: HTMLInputElement, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Fastest speed (100×; the slider's top end). */
const fast = (page: Page) => setRange(page, 'speed', 500);

async function open(page: Page, query = '?seed=7') {
  await page.goto('/' + query);
  await expect(page.getByTestId('node')).toHaveCount(5);
}

async function waitForLeader(page: Page): Promise<Snapshot> {
  await expect.poll(async () => (await snapshot(page)).leader, { timeout: 15_000 }).not.toBeNull();
  return snapshot(page);
}

test('loads without console errors and elects a leader within seconds at the default speed', async ({ page }) => {
  const errors = collectErrors(page);
  await open(page);
  await expect(page.getByTestId('checker-badge')).toHaveAttribute('data-state', 'ok');
  const s = await waitForLeader(page);
  const leader = s.nodes.find((n) => n.id === s.leader)!;
  expect(leader.role).toBe('Leader');
  await expect(page.locator(`[data-testid=node][data-node=n${s.leader}]`)).toHaveAttribute('aria-label', /leader/);
  await expect(page.getByTestId('leader-line')).toContainText(`n${s.leader}`);
  expect(errors).toEqual([]);
});

test('crashing the leader by clicking elects a new leader with a higher term', async ({ page }) => {
  const errors = collectErrors(page);
  await open(page);
  const before = await waitForLeader(page);
  const old = before.leader!;
  const oldTerm = before.nodes.find((n) => n.id === old)!.term;
  await page.locator(`[data-testid=node][data-node=n${old}]`).click();
  await page.getByTestId('act-crash').click();
  await expect(page.locator(`[data-testid=node][data-node=n${old}]`)).toHaveAttribute('aria-label', /crashed/);
  await fast(page);
  await expect
    .poll(async () => {
      const s = await snapshot(page);
      const l = s.nodes.find((n) => n.id === s.leader);
      return l && l.id !== old && l.term > oldTerm;
    }, { timeout: 20_000 })
    .toBe(true);
  expect(errors).toEqual([]);
});

test('a partition drawn in the UI stops the minority from committing and heals back to one log', async ({ page }) => {
  await open(page);
  const s0 = await waitForLeader(page);
  const old = s0.leader!;
  const other = s0.nodes.find((n) => n.id !== old)!.id;
  // Old leader and one follower in group B: the minority.
  await page.getByTestId('dock-tab-network').click();
  await page.getByTestId(`partition-n${old}`).click();
  await page.getByTestId(`partition-n${other}`).click();
  await page.getByTestId('partition-apply').click();
  const cut = await snapshot(page);
  const minorityCommit = Math.max(...cut.nodes.filter((n) => n.id === old || n.id === other).map((n) => n.commit_index));
  await fast(page);
  // The majority elects a leader of its own and commits beyond the minority.
  await expect
    .poll(async () => {
      const s = await snapshot(page);
      const l = s.nodes.find((n) => n.id === s.leader);
      return !!l && l.id !== old && l.id !== other && l.commit_index > minorityCommit + 2;
    }, { timeout: 20_000 })
    .toBe(true);
  const during = await snapshot(page);
  for (const n of during.nodes.filter((n) => n.id === old || n.id === other)) {
    expect(n.commit_index, `minority node n${n.id} must not commit`).toBeLessThanOrEqual(minorityCommit);
  }
  // Quiet the workload, heal, and wait for one log everywhere.
  await setRange(page, 'workload', 0);
  await page.getByTestId('heal-all').click();
  await expect
    .poll(async () => {
      const s = await snapshot(page);
      const last = s.nodes.map((n) => `${n.last_index}/${n.log.at(-1)?.term}/${n.commit_index}`);
      return new Set(last).size === 1 && s.nodes[0].last_index > 0;
    }, { timeout: 25_000 })
    .toBe(true);
});

test('a client put shows up in every log row and every state machine', async ({ page }) => {
  await open(page);
  await waitForLeader(page);
  // Quiet the background workload first, so the put stays among the newest
  // entries (the log view pages through the newest 20) however long the
  // machine takes to notice it has committed.
  await setRange(page, 'workload', 0);
  await page.getByTestId('client-key').fill('e2e');
  await page.getByTestId('client-value').fill('42');
  await page.getByTestId('client-send').click();
  await fast(page);
  await expect
    .poll(async () => (await snapshot(page)).nodes.every((n) => n.kv['e2e'] === '42'), { timeout: 20_000 })
    .toBe(true);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('client-result')).toContainText('put e2e 42');
  await page.getByTestId('dock-tab-state').click();
  const rows = page.getByTestId('kv-row');
  await expect(rows).toHaveCount(5);
  for (let i = 0; i < 5; i++) await expect(rows.nth(i)).toContainText('42');
  // Each node's log row holds the entry: its label cut to fit the cell, in
  // full in the tooltip. (Nodes compact every 200 entries; the put is among
  // the first few dozen, so no snapshot has swallowed it yet.)
  const s = await snapshot(page);
  for (const n of s.nodes) {
    expect(n.log.some((e) => e.label.includes('put e2e 42')), `n${n.id}'s log holds the put`).toBe(true);
    const cell = page.locator(`[data-testid=log-row][data-node=n${n.id}] .cell[title*="put e2e 42"]`);
    await expect(cell).toHaveCount(1);
    await expect(cell.locator('.l')).toHaveText('put e2e…');
  }
});

test('scrubbing back and forward again shows the same state', async ({ page }) => {
  await open(page);
  await waitForLeader(page);
  await fast(page);
  await expect.poll(async () => (await snapshot(page)).now, { timeout: 15_000 }).toBeGreaterThan(1_500_000);
  await page.getByTestId('play-pause').click();
  // The scrubber moves in whole milliseconds: stand on one first.
  const paused = await snapshot(page);
  await setRange(page, 'scrubber', Math.floor(paused.now / 1000) * 1000);
  const here = await snapshot(page);
  expect(here.now % 1000).toBe(0);
  await setRange(page, 'scrubber', Math.floor(here.now / 2000) * 1000);
  const past = await snapshot(page);
  expect(past.now).toBeLessThan(here.now);
  await expect(page.getByTestId('clock')).toContainText('⟲');
  await setRange(page, 'scrubber', here.now);
  const again = await snapshot(page);
  expect(again.now).toBe(here.now);
  expect(again.nodes).toEqual(here.nodes);
  expect(again.committed).toBe(here.committed);
});

test('keyboard only: play/pause, step, select, crash and restart, help', async ({ page }) => {
  await open(page);
  await waitForLeader(page);
  await page.locator('body').press('Space');
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
  const a = await snapshot(page);
  await page.keyboard.press('.');
  const b = await snapshot(page);
  expect(b.event_count).toBe(a.event_count + 1);
  await page.keyboard.press('1');
  await expect(page.getByTestId('node-inspector')).toContainText('n1');
  await page.keyboard.press('c');
  await expect.poll(async () => (await snapshot(page)).nodes[0].status).toBe('Crashed');
  await page.keyboard.press('c');
  await expect.poll(async () => (await snapshot(page)).nodes[0].status).toBe('Up');
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toHaveCount(0);
  // Tab reaches the nodes; Enter selects one.
  const node = page.locator('[data-testid=node][data-node=n2]');
  await node.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-inspector')).toContainText('n2');
  // Space on a focused button activates it, as everywhere.
  await page.getByTestId('play-pause').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'true');
});

test('a bad address parameter shows a banner instead of a blank page', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?nodes=42&seed=abc');
  await expect(page.getByTestId('param-error')).toContainText('nodes=42');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect(page.getByTestId('param-reset')).toBeVisible();
  expect(errors).toEqual([]);
});

test('embed mode hides the chrome and the JS API reports a version', async ({ page }) => {
  await page.goto('/?embed=1&nodes=3');
  await expect(page.getByTestId('node')).toHaveCount(3);
  await expect(page.getByTestId('settings')).toBeHidden();
  await expect(page.getByTestId('play-pause')).toBeVisible();
  expect(await page.evaluate(() => typeof (window as any).raftlab.version)).toBe('string');
});

/** Whether the log view shows the index `i` (not scrolled away, not under the sticky row heads). */
const logShows = (page: Page, i: number) =>
  page.evaluate((i) => {
    const sc = document.querySelector('[data-testid=log-scroll]')!;
    const head = sc.querySelector('.log-row.header .row-head')!.getBoundingClientRect();
    const idx = [...sc.querySelectorAll('.log-row.header .idx')].find((e) => e.textContent!.trim() === String(i));
    if (!idx) return false;
    const r = idx.getBoundingClientRect();
    return r.left >= head.right - 1 && r.right <= sc.getBoundingClientRect().right + 1;
  }, i);

const newestIndex = async (page: Page) => Math.max(...(await snapshot(page)).nodes.map((n) => n.last_index));

/** Runs fast until `more` entries were added, then pauses. */
async function growLog(page: Page, more: number) {
  const from = await newestIndex(page);
  await fast(page);
  await expect.poll(() => newestIndex(page), { timeout: 15_000 }).toBeGreaterThan(from + more);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
}

test('on a phone the log follows the newest entry until the reader scrolls away', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await open(page);
  await waitForLeader(page);
  // Past the first page, the newest entry sits in the page's right half,
  // beyond a phone's width.
  await growLog(page, 25);
  const scroller = page.getByTestId('log-scroll');
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect.poll(async () => logShows(page, await newestIndex(page))).toBe(true);
  // The reader scrolls back to the start: the view stays there.
  await scroller.evaluate((el) => (el.scrollLeft = 0));
  expect(await logShows(page, await newestIndex(page))).toBe(false);
  await page.getByTestId('play-pause').click();
  await growLog(page, 5);
  await page.waitForTimeout(300);
  expect(await scroller.evaluate((el) => el.scrollLeft)).toBe(0);
  expect(await logShows(page, await newestIndex(page))).toBe(false);
  // They scroll the newest entry back into view: it is followed again.
  const newest = await newestIndex(page);
  await page.locator('[data-testid=log-scroll] .log-row.header .idx', { hasText: new RegExp(`^${newest}$`) }).evaluate((e) =>
    e.scrollIntoView({ inline: 'center', block: 'nearest' }),
  );
  await expect.poll(() => logShows(page, newest)).toBe(true);
  await page.getByTestId('play-pause').click();
  await growLog(page, 12);
  await expect.poll(async () => logShows(page, await newestIndex(page))).toBe(true);
});

for (const vp of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 375, height: 812 },
]) {
  test(`screenshot ${vp.name} ${vp.width}x${vp.height}`, async ({ page }) => {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await open(page);
    await waitForLeader(page);
    // Let a few entries replicate at a watchable speed, then freeze the frame.
    await setRange(page, 'speed', 300);
    await expect.poll(async () => (await snapshot(page)).committed, { timeout: 15_000 }).toBeGreaterThan(3);
    await setRange(page, 'speed', 200);
    await page.getByTestId('play-pause').click();
    await page.screenshot({ path: path.join(screenshotDir, `playground-${vp.name}-${vp.width}x${vp.height}.png`) });
    await page.screenshot({
      path: path.join(screenshotDir, `playground-${vp.name}-${vp.width}x${vp.height}-full.png`),
      fullPage: true,
    });
  });
}
