import { test, expect, type Page, type Locator } from '@playwright/test';
import { collectErrors } from './helpers';

// The first screen (issue 11): what a newcomer sees without scrolling. The
// cluster, every node's log and the time controls fit a 1280×800 screen; a
// tour on a phone keeps the drawing and the log in sight above its card; an
// embed scales the drawing to its frame; the dock's panels never push each
// other around.

type Box = { x: number; y: number; width: number; height: number };

/** Each log row as a reader sees it: its head (the node's name and commit
 *  index) and the scrolled view its cells sit in. */
const logRows = (page: Page) => page.locator('[data-testid=log-row] .row-head');

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  expect(b, 'element has a box').not.toBeNull();
  return b!;
}

/** Every element of `l` lies inside the rectangle [0, w] × [top, bottom]. */
async function allInside(l: Locator, w: number, top: number, bottom: number, what: string) {
  const n = await l.count();
  expect(n, `some ${what}`).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const b = await box(l.nth(i));
    const where = `${what} #${i + 1} at x=${b.x.toFixed(0)} y=${b.y.toFixed(0)} w=${b.width.toFixed(0)} h=${b.height.toFixed(0)}`;
    expect(b.x, where).toBeGreaterThanOrEqual(-0.5);
    expect(b.x + b.width, where).toBeLessThanOrEqual(w + 0.5);
    expect(b.y, where).toBeGreaterThanOrEqual(top - 0.5);
    expect(b.y + b.height, where).toBeLessThanOrEqual(bottom + 0.5);
  }
}

for (const nodes of [5, 9]) {
  test(`at 1280×800 the cluster, all ${nodes} logs and the time controls are on the first screen`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/?seed=7&nodes=${nodes}`);
    await expect(page.getByTestId('node')).toHaveCount(nodes);
    await expect(page.getByTestId('log-row')).toHaveCount(nodes);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await allInside(logRows(page), 1280, 0, 800, 'log row');
    await allInside(page.getByTestId('log-scroll'), 1280, 0, 800, 'log view');
    await allInside(page.getByTestId('node'), 1280, 0, 800, 'node');
    await allInside(page.getByTestId('play-pause'), 1280, 0, 800, 'play button');
    await allInside(page.getByTestId('scrubber'), 1280, 0, 800, 'scrubber');
    await allInside(page.getByTestId('speed'), 1280, 0, 800, 'speed slider');
    expect(errors).toEqual([]);
  });
}

/** Waits until the tour's current stop has come to rest. */
async function atRest(page: Page) {
  const card = page.getByTestId('tour-card');
  if ((await card.getAttribute('data-phase')) === 'running') {
    await page.getByTestId('tour-skip').click({ timeout: 3_000 }).catch(() => {});
  }
  await expect(card).not.toHaveAttribute('data-phase', 'running', { timeout: 10_000 });
}

test('at 375×812 the drawing and the log stay in sight above the tour card, and Next never scrolls', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?seed=7');
  await expect(page.getByTestId('node')).toHaveCount(5);
  // "New to Raft?" starts the first tour at once.
  await page.getByTestId('tour-invite').click();
  const card = page.getByTestId('tour-card');
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-stop', '0');
  for (let stop = 0; stop < 3; stop++) {
    await atRest(page);
    const c = await box(card);
    expect(c.y + c.height).toBeLessThanOrEqual(812.5);
    await allInside(page.getByTestId('node'), 375, 0, c.y, `node (stop ${stop + 1})`);
    await allInside(logRows(page), 375, 0, c.y, `log row (stop ${stop + 1})`);
    await allInside(page.getByTestId('log-scroll'), 375, 0, c.y, `log view (stop ${stop + 1})`);
    const y = await page.evaluate(() => window.scrollY);
    await page.getByTestId('tour-next').click();
    await expect(card).toHaveAttribute('data-stop', String(stop + 1));
    expect(await page.evaluate(() => window.scrollY), 'Next kept the page where it was').toBe(y);
  }
  expect(errors).toEqual([]);
});

test('at 1280×800 a tour card sits beside the drawing with the logs still on screen', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?tour=election');
  const card = page.getByTestId('tour-card');
  await expect(card).toBeVisible();
  await atRest(page);
  const c = await box(card);
  const cluster = await box(page.getByTestId('cluster'));
  expect(c.x, 'card to the right of the drawing').toBeGreaterThanOrEqual(cluster.x + cluster.width);
  await allInside(card, 1280, 0, 800, 'tour card');
  await allInside(page.getByTestId('node'), 1280, 0, 800, 'node');
  await allInside(logRows(page), 1280, 0, 800, 'log row');
    await allInside(page.getByTestId('log-scroll'), 1280, 0, 800, 'log view');
});

for (const [w, h] of [
  [600, 400],
  [320, 240],
]) {
  test(`a ${w}×${h} iframe shows every node, with legible names`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.setContent(
      `<body style="margin:0"><iframe title="Raftlab" src="${baseURL}/?embed=1&seed=7" width="${w}" height="${h}" style="border:0;display:block"></iframe></body>`,
    );
    const frame = page.frameLocator('iframe');
    await expect(frame.getByTestId('node')).toHaveCount(5);
    await expect(frame.getByTestId('play-pause')).toBeVisible();
    await allInside(frame.getByTestId('node'), w, 0, h, 'node');
    await allInside(frame.getByTestId('play-pause'), w, 0, h, 'play button');
    // Each node's name is drawn at least 10 px tall on the screen.
    const ids = frame.locator('.node-labels .node-id');
    for (let i = 0; i < 5; i++) {
      const b = await box(ids.nth(i));
      expect(b.height, `node name ${i + 1} drawn ${b.height.toFixed(1)} px tall`).toBeGreaterThanOrEqual(10);
    }
    // Nothing in the frame scrolls.
    const [sw, sh] = await frame.locator('html').evaluate((e) => [e.scrollWidth, e.scrollHeight]);
    expect(sw).toBeLessThanOrEqual(w);
    expect(sh).toBeLessThanOrEqual(h);
  });
}

test('opening the inspector never moves the partition controls', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?seed=7');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await page.getByTestId('dock-tab-network').click();
  const tool = page.getByTestId('partition-tool');
  const before = await box(tool);
  await page.locator('[data-testid=node][data-node=n2]').click();
  await expect(page.getByTestId('dock-tab-inspector')).toHaveClass(/pending/);
  expect(await box(tool)).toEqual(before);
  // Elsewhere, selecting a node opens the inspector; clearing it comes back.
  await page.getByTestId('dock-tab-client').click();
  await page.locator('[data-testid=node][data-node=n3]').click();
  await expect(page.getByTestId('node-inspector')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('dock-tab-client')).toHaveAttribute('aria-selected', 'true');
});
