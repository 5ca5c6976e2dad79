import { test, expect, type Page } from '@playwright/test';
import { collectErrors } from './helpers';

// The two time views (issue 14): the space-time diagram and the client
// history. Each opens, follows the scrubber (its window ends where the
// clock stands), and seeks on click; the diagram is worked by keyboard too.
// The run is paused before anything is measured.

type Snap = { now: number; messages: { id: number }[] };
const snapshot = (page: Page): Promise<Snap> => page.evaluate(() => (window as any).raftlab.snapshot());

const toUs = async (page: Page, testid: string) =>
  Number(await page.getByTestId(testid).getAttribute('data-to-us'));

async function openPaused(page: Page, query = '/?seed=3&speed=1') {
  await page.goto(query);
  await expect(page.getByTestId('node')).toHaveCount(5);
  // Let some history build up (at 1x: a few simulated seconds).
  await expect.poll(async () => (await snapshot(page)).now, { timeout: 20_000 }).toBeGreaterThan(3_000_000);
  await page.getByTestId('spacetime-toggle').click();
  await page.getByTestId('history-toggle').click();
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
  // Settled: both views drawn for the paused instant.
  const now = (await snapshot(page)).now;
  await expect.poll(() => toUs(page, 'spacetime')).toBe(now);
  await expect.poll(() => toUs(page, 'history')).toBe(now);
}

test('both panels open and end where the clock stands, before and after scrubbing', async ({ page }) => {
  const errors = collectErrors(page);
  await openPaused(page);
  const arrows = async () => Number(await page.getByTestId('spacetime').getAttribute('data-arrows'));
  await expect.poll(arrows).toBeGreaterThan(20);
  await expect(page.getByTestId('op-bar').first()).toBeVisible();
  await expect(page.getByTestId('hi-verdict')).toContainText('Linearizable');
  await expect(page.getByTestId('st-summary')).toContainText(/messages/);
  await expect(page.getByTestId('hi-summary')).toContainText(/answered/);

  const now = (await snapshot(page)).now;
  expect(await toUs(page, 'spacetime')).toBe(now);
  expect(await toUs(page, 'history')).toBe(now);
  // The present is marked on the diagram (the canvas says where it drew it).
  await expect(page.getByTestId('st-canvas')).toHaveAttribute('data-now-at', /^\d/);

  // Scrub 1.2 s back with the keyboard: both views follow.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(async () => (await snapshot(page)).now).toBeLessThan(now - 1_000_000);
  const back = (await snapshot(page)).now;
  await expect.poll(() => toUs(page, 'spacetime')).toBe(back);
  await expect.poll(() => toUs(page, 'history')).toBe(back);
  expect(errors).toEqual([]);
});

/** The canvas's box on screen and how many CSS pixels a diagram unit is, across and down. */
async function canvasBox(page: Page) {
  const canvas = page.getByTestId('st-canvas');
  const box = (await canvas.boundingBox())!;
  const [w, h] = (await canvas.getAttribute('data-frame'))!.split(' ').map(Number);
  return { box, sx: box.width / w, sy: box.height / h };
}

/** The selected arrow (as the canvas drew it) and where its middle is on screen. */
async function selectedMidpoint(page: Page): Promise<{ id: number; x: number; y: number; line: number[] }> {
  const canvas = page.getByTestId('st-canvas');
  const id = Number(await canvas.getAttribute('data-selected'));
  const line = (await canvas.getAttribute('data-selected-line'))!.split(' ').map(Number);
  const [x0, y0, x1, y1] = line;
  const { box, sx, sy } = await canvasBox(page);
  return { id, line, x: box.x + ((x0 + x1) / 2) * sx, y: box.y + ((y0 + y1) / 2) * sy };
}

/** Whether the canvas shows the focus colour along the middle of a line (diagram units). */
async function drawnInFocusColour(page: Page, line: number[]): Promise<boolean> {
  const { sx, sy } = await canvasBox(page);
  return page.getByTestId('st-canvas').evaluate((c: HTMLCanvasElement, [line, sx, sy]) => {
    const ctx = c.getContext('2d')!;
    const dpr = c.width / c.getBoundingClientRect().width;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(c).getPropertyValue('--focus').trim();
    probe.fillRect(0, 0, 1, 1);
    const want = probe.getImageData(0, 0, 1, 1).data;
    const [x0, y0, x1, y1] = line as number[];
    // Most of the points along its middle (a mark may cross it).
    let hits = 0;
    for (const f of [0.3, 0.4, 0.5, 0.6, 0.7]) {
      const x = Math.floor((x0 + (x1 - x0) * f) * (sx as number) * dpr);
      const y = Math.floor((y0 + (y1 - y0) * f) * (sy as number) * dpr);
      const got = ctx.getImageData(x, y, 1, 1).data;
      if ([0, 1, 2].every((i) => Math.abs(got[i] - want[i]) < 40)) hits++;
    }
    return hits >= 3;
  }, [line, sx, sy] as const);
}

test('clicking an arrow seeks to that message in flight and selects it', async ({ page }) => {
  const errors = collectErrors(page);
  await openPaused(page);
  const before = (await snapshot(page)).now;
  const canvas = page.getByTestId('st-canvas');
  // Pick an arrow that ended well before the present (by keyboard, to
  // learn where it is), then a later one, clear the pick, then point at
  // the first one and click it.
  await page.getByTestId('spacetime').focus();
  await page.getByTestId('spacetime').scrollIntoViewIfNeeded();
  for (let i = 0; i < 12; i++) await page.keyboard.press(']');
  const { id, x, y, line } = await selectedMidpoint(page);
  // The pick is painted: thick, in the focus colour, along its line.
  await expect.poll(() => drawnInFocusColour(page, line)).toBe(true);
  for (let i = 0; i < 15; i++) await page.keyboard.press(']');
  const later = (await canvas.getAttribute('data-selected'))!;
  expect(later).not.toBe(String(id));
  await expect(page.getByTestId('st-hover')).toHaveAttribute('data-msg', later);
  await expect.poll(() => drawnInFocusColour(page, line)).toBe(false);
  await page.keyboard.press('Escape');
  await expect(canvas).not.toHaveAttribute('data-selected');
  // Hovering names the arrow the view model finds nearest the pointer:
  // the first one, or one that crosses it there (not the later one, which
  // the keyboard named last).
  await page.mouse.move(x, y);
  await expect(page.getByTestId('st-hover')).not.toHaveAttribute('data-msg', later);
  await expect(page.getByTestId('st-hover')).toContainText('→');
  const named = Number(await page.getByTestId('st-hover').getAttribute('data-msg'));
  expect(Number.isInteger(named)).toBe(true);
  if (named !== id) console.log(`the pointer at arrow ${id}'s midpoint names the crossing arrow ${named}`);
  await page.mouse.click(x, y);
  await expect.poll(async () => (await snapshot(page)).now).toBeLessThan(before);
  // The click picks that same arrow: the run now stands with that message
  // in flight, and it is the one selected.
  await expect(canvas).toHaveAttribute('data-selected', String(named));
  const snap = await snapshot(page);
  expect(snap.messages.map((m) => m.id)).toContain(named);
  // Selected: drawn thick on the diagram and open in the inspector.
  const picked = await selectedMidpoint(page);
  await expect.poll(() => drawnInFocusColour(page, picked.line)).toBe(true);
  await expect(page.getByTestId('message-inspector')).toBeVisible();
  expect(errors).toEqual([]);
});

test('clicking an operation seeks to its answer', async ({ page }) => {
  await openPaused(page);
  const bars = page.locator('[data-testid=op-bar]');
  await expect.poll(() => bars.count()).toBeGreaterThan(3);
  const bar = bars.first();
  const target = Number(await bar.getAttribute('data-seek-us'));
  const op = await bar.getAttribute('data-op');
  await bar.click();
  await expect.poll(async () => (await snapshot(page)).now).toBe(target);
  // The history now ends at that answer, with the operation in it.
  await expect.poll(() => toUs(page, 'history')).toBe(target);
  await expect(page.locator(`[data-testid=op-bar][data-op="${op}"]`)).toBeVisible();
});

test('the diagram is worked by keyboard: zoom, pan, pick and go', async ({ page }) => {
  await openPaused(page);
  const diagram = page.getByTestId('spacetime');
  await diagram.focus();
  const span = page.getByTestId('st-span');
  const first = await span.textContent();
  await page.keyboard.press('-');
  await expect(span).not.toHaveText(first!);
  // Pan into the past, then follow again.
  const end = await toUs(page, 'spacetime');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => toUs(page, 'spacetime')).toBeLessThan(end);
  await expect(page.getByTestId('st-follow')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('End');
  await expect.poll(() => toUs(page, 'spacetime')).toBe(end);
  // `[` picks the newest arrow, Enter goes there.
  const canvas = page.getByTestId('st-canvas');
  await page.keyboard.press('[');
  await expect(canvas).toHaveAttribute('data-selected', /^\d+$/);
  await expect(page.getByTestId('st-hover')).not.toBeEmpty();
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(canvas).toHaveAttribute('data-selected', (await page.getByTestId('st-hover').getAttribute('data-msg'))!);
  const picked = await canvas.getAttribute('data-selected');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await snapshot(page)).messages.map((m) => String(m.id))).toContain(picked);
});

test('the panels are worded in Chinese', async ({ page }) => {
  await openPaused(page, '/?seed=3&speed=1&lang=zh');
  await expect(page.getByTestId('spacetime-toggle')).toHaveText('时空图');
  await expect(page.getByTestId('history-toggle')).toHaveText('客户端历史');
  await expect(page.getByTestId('hi-verdict')).toContainText('可线性化');
  await expect(page.getByTestId('st-summary')).toContainText('条消息');
});
