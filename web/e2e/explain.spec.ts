import { test, expect, type Page } from '@playwright/test';

// Words explained where they stand (issue 11): hovering, focusing or tapping
// a label shows what it means, in the page's language; the first-visit hint
// says what the page shows and leads to the first tour.

async function open(page: Page, query = '?seed=7') {
  await page.goto('/' + query);
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect.poll(() => page.evaluate(() => (window as any).raftlab.snapshot().leader)).not.toBeNull();
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
}

const tip = (page: Page) => page.getByTestId('explain-tip');

test('hovering the checker badge, a node and a log row head explains them', async ({ page }) => {
  await open(page);
  await expect(tip(page)).toHaveCount(0);
  await page.getByTestId('checker-badge').hover();
  await expect(tip(page)).toContainText('safety properties');
  const s = await page.evaluate(() => (window as any).raftlab.snapshot());
  await page.locator(`[data-testid=node][data-node=n${s.leader}]`).hover();
  await expect(tip(page)).toContainText('The leader');
  await expect(tip(page)).toContainText('“T1” is its term');
  await page.locator('[data-testid=log-row][data-node=n2] .row-head').hover();
  await expect(tip(page)).toContainText('commit index');
  await page.getByTestId('app-title').hover();
  await expect(tip(page)).toHaveCount(0);
});

test('keyboard focus on a node explains it, in Chinese, and names the bubble as its description', async ({ page }) => {
  await open(page, '?seed=7&lang=zh');
  const node = page.locator('[data-testid=node][data-node=n3]');
  await node.focus();
  await expect(tip(page)).toContainText('任期');
  await expect(tip(page)).not.toContainText('term');
  await expect(node).toHaveAttribute('aria-describedby', 'explain-tip');
  await page.keyboard.press('Escape');
  await expect(tip(page)).toHaveCount(0);
  await expect(node).not.toHaveAttribute('aria-describedby', /./);
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true, viewport: { width: 375, height: 812 } });

  test('tapping a node’s term label or a log cell explains it', async ({ page }) => {
    await open(page);
    await page.locator('.node-labels .node-term').first().tap();
    await expect(tip(page)).toContainText('is its term');
    // A log cell has a title (shown by a mouse on its own): a tap shows it.
    // (The newest: on a phone the log view follows it, so it is in sight.)
    await page.locator('[data-testid=log-row][data-node=n1] .cell.entry').last().tap();
    await expect(tip(page)).toContainText(/index \d+, term 1/);
  });
});

test('the first-visit hint is off under automation, on when asked, and leads to the first tour', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('first-hint')).toHaveCount(0);
  await page.goto('/?seed=7&hint=1');
  const hint = page.getByTestId('first-hint');
  await expect(hint).toContainText('What am I looking at?');
  await page.getByTestId('first-hint-tour').click();
  await expect(hint).toHaveCount(0);
  await expect(page.getByTestId('tour-card')).toHaveAttribute('data-stop', '0');
  expect(await page.evaluate(() => localStorage.getItem('raftlab.hint'))).toBe('seen');
  // Dismissed with its own button, in Chinese.
  await page.goto('/?seed=7&hint=1&lang=zh');
  await expect(hint).toContainText('这里显示的是什么');
  await page.getByTestId('first-hint-dismiss').click();
  await expect(hint).toHaveCount(0);
  // Never in an embed unless asked.
  await page.goto('/?embed=1');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect(hint).toHaveCount(0);
});
