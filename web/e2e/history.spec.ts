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
  await expect(page.getByTestId('st-now')).toBeAttached();

  // Scrub 1.2 s back with the keyboard: both views follow.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(async () => (await snapshot(page)).now).toBeLessThan(now - 1_000_000);
  const back = (await snapshot(page)).now;
  await expect.poll(() => toUs(page, 'spacetime')).toBe(back);
  await expect.poll(() => toUs(page, 'history')).toBe(back);
  expect(errors).toEqual([]);
});

/** The selected arrow's midpoint on screen, from its path and the SVG's box. */
async function selectedMidpoint(page: Page): Promise<{ id: number; x: number; y: number }> {
  const sel = page.getByTestId('st-selected');
  const id = Number(await sel.getAttribute('data-msg'));
  const d = (await sel.getAttribute('d'))!;
  const [x0, y0, x1, y1] = d.match(/-?[\d.]+/g)!.map(Number);
  const svg = page.locator('[data-testid=spacetime] svg');
  const box = (await svg.boundingBox())!;
  const [, , w, h] = (await svg.getAttribute('viewBox'))!.split(' ').map(Number);
  const scale = Math.min(box.width / w, box.height / h);
  return { id, x: box.x + ((x0 + x1) / 2) * scale, y: box.y + ((y0 + y1) / 2) * scale };
}

test('clicking an arrow seeks to that message in flight and selects it', async ({ page }) => {
  const errors = collectErrors(page);
  await openPaused(page);
  const before = (await snapshot(page)).now;
  // Pick an arrow that ended well before the present (by keyboard, to
  // learn where it is), clear the pick, then click it with the pointer.
  await page.getByTestId('spacetime').focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press(']');
  const { id, x, y } = await selectedMidpoint(page);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('st-selected')).toHaveCount(0);
  await page.mouse.move(x, y);
  await expect(page.getByTestId('st-hover')).toContainText('→');
  await page.mouse.click(x, y);
  await expect.poll(async () => (await snapshot(page)).now).toBeLessThan(before);
  // The click picks the arrow nearest the pointer: this one, or one that
  // crosses it there. Whichever it is, the run now stands with that message
  // in flight, and it is the one selected.
  const picked = page.getByTestId('st-selected');
  await expect(picked).toHaveCount(1);
  const pickedId = Number(await picked.getAttribute('data-msg'));
  expect(Number.isInteger(pickedId)).toBe(true);
  if (pickedId !== id) console.log(`the click at arrow ${id}'s midpoint picked the crossing arrow ${pickedId}`);
  const snap = await snapshot(page);
  expect(snap.messages.map((m) => m.id)).toContain(pickedId);
  // Selected: drawn thick on the diagram and open in the inspector.
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
  await page.keyboard.press('[');
  await expect(page.getByTestId('st-selected')).toHaveCount(1);
  await expect(page.getByTestId('st-hover')).not.toBeEmpty();
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  const picked = await page.getByTestId('st-selected').getAttribute('data-msg');
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
