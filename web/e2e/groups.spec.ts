import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';

// Partitions by dragging nodes (issue 11, item 5): a node dragged out of
// the ring is cut off from the others, one dropped on another joins its
// group, one dragged back heals; G does the same from the keyboard; a click
// still selects. And the phone fixes of item 6.

const snapshot = (page: Page) => page.evaluate(() => (window as any).raftlab.snapshot());
const partition = async (page: Page) => (await snapshot(page)).partition;

/** The page at 1280×800, a leader elected, then paused: nothing moves. */
async function open(page: Page, query = '') {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/?seed=7${query}`);
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect.poll(async () => (await snapshot(page)).leader, { timeout: 15_000 }).not.toBeNull();
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
}

const node = (page: Page, id: number) => page.locator(`[data-testid=node][data-node=n${id}]`);

async function centre(page: Page, id: number) {
  const b = (await node(page, id).locator('.body').boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function drawingCentre(page: Page) {
  const b = (await page.getByTestId('cluster').boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Presses node `id`, moves to `to` in steps, and returns while still held. */
async function pickUp(page: Page, id: number, to: { x: number; y: number }) {
  const from = await centre(page, id);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
}

/** Where node `id` goes when pulled outwards, past the ring's edge. */
async function outside(page: Page, id: number) {
  const [n, c] = [await centre(page, id), await drawingCentre(page)];
  return { x: n.x + (n.x - c.x) * 0.4, y: n.y + (n.y - c.y) * 0.4 };
}

test('a node dragged out of the ring is cut off from the others; dragged back, the network heals', async ({ page }) => {
  const errors = collectErrors(page);
  await open(page);
  const cluster = page.getByTestId('cluster');
  await expect(cluster.locator('.lane.cut')).toHaveCount(0);
  await expect(page.getByTestId('group-halo')).toHaveCount(0);

  await pickUp(page, 3, await outside(page, 3));
  // While dragging: the zone outside the ring is lit, and a line says what a drop does.
  await expect(page.getByTestId('drop-zone')).toHaveClass(/hot/);
  await expect(page.getByTestId('drag-hint')).toHaveText('Drop to cut n3 off from the others');
  await page.screenshot({ path: path.join(screenshotDir, 'groups-dragging.png') });
  await page.mouse.up();
  await expect(page.getByTestId('drag-layer')).toHaveCount(0);

  // One partition, the same the Network panel makes: the rest first.
  expect(await partition(page)).toEqual([[1, 2, 4, 5], [3]]);
  // n3's four links, both ways, each drawn as two pieces.
  await expect(cluster.locator('.lane.cut')).toHaveCount(16);
  await expect(page.getByTestId('link-n1-n3')).toHaveAttribute('aria-label', /cut/);
  await expect(page.getByTestId('link-n1-n2')).not.toHaveAttribute('aria-label', /cut/);
  // Each node's halo says its group.
  await expect(page.locator('[data-testid=group-halo][data-node=n3]')).toHaveAttribute('data-group', '1');
  await expect(page.locator('[data-testid=group-halo][data-node=n1]')).toHaveAttribute('data-group', '0');
  // It is an action in the timeline, like any other.
  await expect(page.getByTestId('recent-events')).toContainText('partition {n1 n2 n4 n5} {n3}');
  // A drag is not a click: nothing was selected.
  await expect(page.getByTestId('node-power')).toHaveCount(0);
  // Time travel carries it: before the drop, whole; back at the present, cut.
  const t = (await snapshot(page)).now;
  await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(async () => (await snapshot(page)).now).toBeLessThan(t);
  expect(await partition(page)).toBeNull();
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => (await snapshot(page)).now).toBe(t);
  expect(await partition(page)).toEqual([[1, 2, 4, 5], [3]]);
  await page.getByTestId('cluster').screenshot({ path: path.join(screenshotDir, 'groups-dropped.png') });

  // n4 dropped on n3: into n3's group.
  await pickUp(page, 4, await centre(page, 3));
  await expect(page.getByTestId('drag-hint')).toHaveText('Drop to cut n3, n4 off from the others');
  await page.mouse.up();
  expect(await partition(page)).toEqual([[1, 2, 5], [3, 4]]);

  // Back into the ring, one after the other: the network heals.
  await pickUp(page, 3, await drawingCentre(page));
  await expect(page.getByTestId('drag-hint')).toHaveText('Drop to bring n3 back to n1, n2, n5');
  await page.mouse.up();
  expect(await partition(page)).toEqual([[1, 2, 3, 5], [4]]);
  await pickUp(page, 4, await drawingCentre(page));
  await expect(page.getByTestId('drag-hint')).toHaveText('Drop to heal the network: n4 rejoins the others');
  await page.mouse.up();
  expect(await partition(page)).toBeNull();
  await expect(cluster.locator('.lane.cut')).toHaveCount(0);
  await expect(page.getByTestId('group-halo')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a click, or a press that barely moves, still selects the node; its power button still works', async ({ page }) => {
  await open(page);
  await node(page, 2).click();
  await expect(page.getByTestId('node-power')).toHaveAttribute('aria-label', 'Crash n2');
  const c = await centre(page, 4);
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  await page.mouse.move(c.x + 3, c.y + 2, { steps: 2 });
  await page.mouse.up();
  await expect(page.getByTestId('node-power')).toHaveAttribute('aria-label', 'Crash n4');
  expect(await partition(page)).toBeNull();
  await page.getByTestId('node-power').click();
  await expect.poll(async () => (await snapshot(page)).nodes[3].status).toBe('Crashed');
  // A stroke from empty space still cuts links (the knife), not a partition.
  const svg = (await page.getByTestId('cluster').boundingBox())!;
  const [n1, n2] = [await centre(page, 1), await centre(page, 2)];
  const x = n1.x + (n2.x - n1.x) * 0.15;
  await page.mouse.move(x, svg.y + 2);
  await page.mouse.down();
  await page.mouse.move(x, svg.y + svg.height - 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('link-n1-n2')).toHaveAttribute('aria-label', /cut/);
  expect(await partition(page)).toBeNull();
});

test('by keyboard: G on a focused node cuts it off, G again brings it back; its explanation says so', async ({ page }) => {
  await open(page);
  const n4 = node(page, 4);
  await expect(n4).toHaveAttribute('data-explain', /press G/);
  await expect(n4).toHaveAttribute('aria-keyshortcuts', 'g');
  await n4.focus();
  await page.keyboard.press('g');
  await expect.poll(() => partition(page)).toEqual([[1, 2, 3, 5], [4]]);
  await expect(page.getByTestId('link-n4-n5')).toHaveAttribute('aria-label', /cut/);
  await page.keyboard.press('g');
  await expect.poll(() => partition(page)).toBeNull();
  // The page's G acts on the selected node, as c, p, t and l do; the help lists it.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('2');
  await page.keyboard.press('g');
  await expect.poll(() => partition(page)).toEqual([[1, 3, 4, 5], [2]]);
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('cut the focused or selected node off from the others');
});

test('on a phone: a cell badge clears the command, the tour ✕ stays on the title line, the first-visit hint leaves the drawing clear', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?seed=7&hint=1');
  await expect(page.getByTestId('node')).toHaveCount(5);
  // The hint lies below the drawing, not over it.
  const hint = (await page.getByTestId('first-hint').boundingBox())!;
  const drawing = (await page.getByTestId('cluster').boundingBox())!;
  expect(hint.y).toBeGreaterThanOrEqual(drawing.y + drawing.height - 1);
  await page.getByTestId('first-hint-dismiss').click();
  // A cell with a match badge: the badge and the command do not overlap.
  const cell = page.locator('.cell.is-match:has(.l:not(:empty))').first();
  await expect(cell).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('play-pause').click();
  const badge = (await cell.locator('.mark-match').boundingBox())!;
  const label = (await cell.locator('.l').boundingBox())!;
  const term = (await cell.locator('.t').boundingBox())!;
  for (const b of [label, term]) {
    const apart = badge.x >= b.x + b.width || b.x >= badge.x + badge.width
      || badge.y >= b.y + b.height || b.y >= badge.y + badge.height;
    expect(apart, `badge ${JSON.stringify(badge)} overlaps ${JSON.stringify(b)}`).toBe(true);
  }
  await page.screenshot({ path: path.join(screenshotDir, 'groups-phone-logs.png') });
  // The tour card's ✕ on the line of a long title.
  await page.goto('/?tour=reads');
  const close = (await page.getByTestId('tour-end').boundingBox())!;
  const title = (await page.locator('.tour-card h2').boundingBox())!;
  expect(close.y).toBeLessThan(title.y + title.height);
});

test('a tour that stops at a violation says so by name, not "the cluster is yours"', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?tour=reads');
  const card = page.getByTestId('tour-card');
  for (let stop = 0; stop < 3; stop++) {
    await expect(card).toHaveAttribute('data-stop', String(stop));
    if ((await card.getAttribute('data-phase')) === 'running') {
      await page.getByTestId('tour-skip').click({ timeout: 3_000 }).catch(() => {});
    }
    await expect(card).not.toHaveAttribute('data-phase', 'running', { timeout: 20_000 });
    if (stop < 2) await page.getByTestId('tour-next').click();
  }
  const done = page.getByTestId('tour-done');
  await expect(done).toContainText('the world stopped at a violation');
  await expect(done).toContainText('Linearizability violated');
  await expect(done).not.toContainText('yours');
  await done.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'groups-phone-violation.png') });
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true, viewport: { width: 375, height: 812 } });

  test('a finger drags a node out of the ring without scrolling the page, and back', async ({ page }) => {
    await page.goto('/?seed=7&lang=zh');
    await expect(page.getByTestId('node')).toHaveCount(5);
    await expect.poll(async () => (await snapshot(page)).leader, { timeout: 15_000 }).not.toBeNull();
    await page.getByTestId('play-pause').click();
    await node(page, 3).scrollIntoViewIfNeeded();
    const cdp = await page.context().newCDPSession(page);
    const touch = async (type: string, p?: { x: number; y: number }) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
    const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
      await touch('touchStart', from);
      for (let i = 1; i <= 8; i++) {
        await touch('touchMove', { x: from.x + ((to.x - from.x) * i) / 8, y: from.y + ((to.y - from.y) * i) / 8 });
      }
    };
    const scrolled = await page.evaluate(() => window.scrollY);
    // Downwards and outwards: a swipe that would scroll the page elsewhere.
    await drag(await centre(page, 3), await outside(page, 3));
    await expect(page.getByTestId('drag-hint')).toHaveText('松开即可把 n3 与其他节点隔开');
    await touch('touchEnd');
    await expect.poll(() => partition(page)).toEqual([[1, 2, 4, 5], [3]]);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await drag(await centre(page, 3), await drawingCentre(page));
    await touch('touchEnd');
    await expect.poll(() => partition(page)).toBeNull();
    // A tap still selects.
    await node(page, 2).tap();
    await expect(page.getByTestId('node-power')).toHaveAttribute('aria-label', '让 n2 崩溃');
  });
});
