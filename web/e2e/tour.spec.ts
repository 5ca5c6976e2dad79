import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';

// Guided tours, as a reader takes them: open the menu, start a tour, read a
// stop, go on with Next (or the `n` key), skip a long stop, go back, end it.
// The tours' scripts are proven natively (crates/sim/tests/tours.rs); here
// we check the page plays them and shows their checks.


type Snapshot = { now: number; leader: number | null; nodes: { id: number; status: string; term: number }[] };
const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => (window as any).raftlab.snapshot());


/** Finishes the running stop at once (the skip button), then waits for rest. */
async function finishStop(page: Page) {
  const card = page.getByTestId('tour-card');
  if ((await card.getAttribute('data-phase')) === 'running') {
    // The stop may come to rest by itself just before the click lands.
    await page.getByTestId('tour-skip').click({ timeout: 3_000 }).catch(() => {});
  }
  await expect(card).not.toHaveAttribute('data-phase', 'running');
}

test('the election tour plays stop by stop, with its checks holding', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await page.getByTestId('tour-button').click();
  await expect(page.getByTestId('tour-menu')).toBeVisible();
  await expect(page.locator('[data-testid^=tour-start-]')).toHaveCount(16);
  await page.getByTestId('tour-start-election').click();
  await expect(page.getByTestId('tour-menu')).toHaveCount(0);

  const card = page.getByTestId('tour-card');
  await expect(card).toHaveAttribute('data-stop', '0');
  await expect(page.getByTestId('tour-progress')).toHaveText('Stop 1 of 5');
  await expect(page.getByTestId('tour-say')).toContainText('Every server begins as a follower');
  // The first stop runs by itself at the tour's speed and comes to rest.
  await expect(card).toHaveAttribute('data-phase', 'rest', { timeout: 10_000 });
  expect((await snapshot(page)).leader).toBeNull();

  // Next with the keyboard: the election.
  await page.keyboard.press('n');
  await expect(card).toHaveAttribute('data-stop', '1');
  await finishStop(page);
  const s = await snapshot(page);
  expect(s.leader).not.toBeNull();
  await expect(page.getByTestId('tour-check-ok')).toHaveCount(1);
  await expect(page.getByTestId('tour-check-failed')).toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'tour-1280x800.png') });

  // On to the leader crash, skipping the heartbeat stop.
  await page.getByTestId('tour-next').click();
  await finishStop(page);
  await page.getByTestId('tour-next').click();
  await finishStop(page);
  const after = await snapshot(page);
  const crashed = after.nodes.filter((n) => n.status === 'Crashed');
  expect(crashed.map((n) => n.id)).toEqual([s.leader]);
  expect(after.leader).not.toBe(s.leader);
  await expect(page.getByTestId('tour-check-failed')).toHaveCount(0);

  // Replay runs this stop again from exactly where it began: the same
  // leader crashes once, and the outcome is what it was.
  const firstTime = await page.getByTestId('tour-outcomes').innerText();
  await page.getByTestId('tour-replay').click();
  await expect(card).toHaveAttribute('data-stop', '3');
  await finishStop(page);
  await expect(page.getByTestId('tour-check-failed')).toHaveCount(0);
  expect(await page.getByTestId('tour-outcomes').innerText()).toBe(firstTime);
  const replayed = await snapshot(page);
  expect(replayed.nodes.filter((n) => n.status === 'Crashed').map((n) => n.id)).toEqual([s.leader]);

  // Back replays the previous stop from where it began.
  await page.getByTestId('tour-back').click();
  await expect(card).toHaveAttribute('data-stop', '2');
  await finishStop(page);
  expect((await snapshot(page)).nodes.every((n) => n.status === 'Up')).toBe(true);

  // End: the card goes, the invitation comes back, the cluster keeps running.
  await page.getByTestId('tour-end').click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('tour-invite')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a tour opens from the address, in Chinese, and runs to its end', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?tour=split-vote&lang=zh');
  const card = page.getByTestId('tour-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('tour-progress')).toHaveText('第 1 步，共 3 步');
  await expect(page.getByTestId('tour-say')).toContainText('同时超时');
  let outcomes = '';
  for (let stop = 0; stop < 3; stop++) {
    await expect(card).toHaveAttribute('data-stop', String(stop));
    await finishStop(page);
    outcomes += await page.getByTestId('tour-outcomes').innerText();
    if (stop < 2) await page.getByTestId('tour-next').click();
  }
  // What the script did reads in Chinese too (`leader n2 (term 2)`).
  expect(outcomes).toMatch(/领导者 n\d（任期 2）/);
  expect(outcomes).not.toMatch(/leader n\d \(term/);
  await expect(card).toHaveAttribute('data-phase', 'finished');
  await expect(page.getByTestId('tour-done')).toBeVisible();
  await expect(page.getByTestId('tour-check-failed')).toHaveCount(0);
  await expect(page.getByTestId('tour-check-ok').first()).toContainText('成立');
  await page.getByTestId('tour-finish').click();
  await expect(card).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('an unknown tour in the address is explained, not fatal', async ({ page }) => {
  await page.goto('/?tour=nope');
  await expect(page.getByTestId('param-error')).toContainText('tour=nope');
  await expect(page.getByTestId('tour-card')).toHaveCount(0);
  await expect(page.getByTestId('node')).toHaveCount(5);
});

test('the tour card fits a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?tour=replication');
  const card = page.getByTestId('tour-card');
  await expect(card).toBeVisible();
  const box = await card.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(375);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'tour-375x812.png') });
});
