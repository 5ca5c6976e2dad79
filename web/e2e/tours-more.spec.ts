import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';

// The tours of issue 15 (log compaction, PreVote and CheckQuorum, reads,
// leases, leadership transfer, single-server changes, election back-off),
// each played to its end on the page with every check holding, one of them
// in Chinese; and the menu, grouped by topic, saying how long each tour is.
// Their scripts are proven natively (crates/sim/tests/tours.rs).

/** Finishes the running stop at once (the skip button), then waits for rest. */
async function finishStop(page: Page) {
  const card = page.getByTestId('tour-card');
  if ((await card.getAttribute('data-phase')) === 'running') {
    // The stop may come to rest by itself just before the click lands.
    await page.getByTestId('tour-skip').click({ timeout: 3_000 }).catch(() => {});
  }
  await expect(card).not.toHaveAttribute('data-phase', 'running', { timeout: 20_000 });
}

/** Plays the tour on the page from its first stop to its end; returns
 * every stop's outcomes as the card shows them, and how many checks held. */
async function playToEnd(page: Page, stops: number): Promise<{ outcomes: string; held: number }> {
  const card = page.getByTestId('tour-card');
  let outcomes = '';
  let held = 0;
  for (let stop = 0; stop < stops; stop++) {
    await expect(card).toHaveAttribute('data-stop', String(stop));
    await finishStop(page);
    await expect(page.getByTestId('tour-check-failed')).toHaveCount(0);
    outcomes += (await page.getByTestId('tour-outcomes').innerText()) + '\n';
    held += await page.getByTestId('tour-check-ok').count();
    if (stop < stops - 1) await page.getByTestId('tour-next').click();
  }
  await expect(card).toHaveAttribute('data-phase', 'finished');
  await expect(page.getByTestId('tour-done')).toBeVisible();
  return { outcomes, held };
}

// id, stops, the checks (`expect ...`) of the whole tour, all of which must
// hold, and a line of the outcomes that says what the tour ends on.
const tours: [string, number, number, RegExp][] = [
  ['snapshots', 5, 3, /n3: \[snapshot 12\/t1\] 13:t1 put l 12 \| 14:t1 put m 13/],
  ['prevote', 6, 8, /n2: pre-candidate term 14/],
  ['reads', 3, 2, /stopped: Linearizability violated/],
  ['leases', 3, 2, /get x: value 2 from n2 after \d+ ms/],
  ['transfer', 3, 3, /put e 5: ok from n4/],
  ['single-server', 5, 2, /5:t1 add voter n4 \| 6:t1 add learner n5 \| 7:t1 add voter n5/],
  ['backoff', 5, 4, /n1: leader term 17/],
];

for (const [id, stops, checks, end] of tours) {
  test(`the ${id} tour plays to its end with every check holding`, async ({ page }) => {
    test.setTimeout(90_000);
    const errors = collectErrors(page);
    await page.goto('/');
    await page.getByTestId('tour-button').click();
    await page.getByTestId(`tour-start-${id}`).click();
    await expect(page.getByTestId('tour-progress')).toHaveText(`Stop 1 of ${stops}`);
    // The card says how long the whole tour is, as the menu did.
    await expect(page.getByTestId('tour-card-length')).toHaveText(new RegExp(`^${stops} stops · about \\d+ min$`));
    const { outcomes, held } = await playToEnd(page, stops);
    expect(outcomes).toMatch(end);
    expect(held).toBe(checks);
    expect(errors).toEqual([]);
  });
}

test('a new tour runs to its end in Chinese, its outcomes in Chinese too', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  await page.goto('/?tour=transfer&lang=zh');
  await expect(page.getByTestId('tour-progress')).toHaveText('第 1 步，共 3 步');
  await expect(page.getByTestId('tour-card-length')).toHaveText(/^共 3 步 · 约 \d+ 分钟$/);
  await expect(page.getByTestId('tour-say')).toContainText('维护');
  const { outcomes, held } = await playToEnd(page, 3);
  expect(held).toBe(3);
  expect(outcomes).toMatch(/领导者 n5（任期 1）/);
  expect(outcomes).toMatch(/put e 5：n5 拒绝（正在转移领导权）/);
  expect(outcomes).toMatch(/put e 5：n4 返回 成功/);
  expect(outcomes).not.toMatch(/refused|leader n\d \(term/);
  await expect(page.getByTestId('tour-check-ok').first()).toContainText('成立');
  await page.screenshot({ path: path.join(screenshotDir, 'tour-transfer-zh-1280x800.png') });
  expect(errors).toEqual([]);
});

test('the menu groups the tours by topic and says how long each one is', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await page.getByTestId('tour-button').click();
  const menu = page.getByTestId('tour-menu');
  await expect(menu).toBeVisible();
  const topics = menu.locator('[data-testid^=tour-topic-]');
  await expect(topics).toHaveCount(6);
  expect(await topics.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual([
    'tour-topic-election',
    'tour-topic-replication',
    'tour-topic-safety',
    'tour-topic-membership',
    'tour-topic-compaction',
    'tour-topic-clients',
  ]);
  await expect(page.getByTestId('tour-topic-election').locator('h3')).toHaveText('Leader election');
  await expect(page.getByTestId('tour-topic-election').locator('[data-testid^=tour-start-]')).toHaveCount(3);
  await expect(page.getByTestId('tour-topic-election').getByTestId('tour-start-backoff')).toBeVisible();
  await expect(page.getByTestId('tour-topic-clients').getByTestId('tour-start-leases')).toBeVisible();
  // Numbered through, in course order.
  const nums = await menu.locator('.tour-num').allInnerTexts();
  expect(nums).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1)));
  // Each says its stops and about how long it takes.
  await expect(page.getByTestId('tour-length-backoff')).toHaveText(/^5 stops · about \d+ min$/);
  await expect(page.getByTestId('tour-length-split-vote')).toHaveText(/^3 stops · about \d+ min$/);
  for (const len of await menu.locator('[data-testid^=tour-length-]').allInnerTexts()) {
    expect(len).toMatch(/^\d+ stops · about \d+ min$/);
  }
  await page.screenshot({ path: path.join(screenshotDir, 'tours-menu-1280x800.png') });

  // The same in Chinese.
  await page.getByTestId('tour-menu-close').click();
  await page.goto('/?lang=zh');
  await page.getByTestId('tour-button').click();
  await expect(page.getByTestId('tour-topic-compaction').locator('h3')).toHaveText('日志压缩');
  await expect(page.getByTestId('tour-length-snapshots')).toHaveText(/^共 5 步 · 约 \d+ 分钟$/);
  expect(errors).toEqual([]);
});
