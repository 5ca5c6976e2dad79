import { test, expect } from '@playwright/test';
import { collectErrors } from './helpers';

// The first paint (issue 11): index.html draws the first screen's words
// (header, the first-visit hint) before the wasm arrives; the page replaces
// them when it mounts. The wasm is requested only after that first paint.

test('without the wasm the first screen has its words, in the browser language', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto('/?hint=1');
  const shell = page.getByTestId('boot-shell');
  await expect(shell.locator('h1')).toHaveText('Raftlab');
  await expect(shell.locator('.tagline')).toContainText('break it and watch it recover');
  await expect(shell.getByTestId('boot-hint')).toContainText('Each circle is a server running Raft');
  await expect(shell.getByText('这里显示的是什么？')).toBeHidden();

  await page.goto('/?hint=1&lang=zh');
  await expect(shell.getByTestId('boot-hint')).toContainText('每个圆圈是一台运行 Raft 的服务器');
  await expect(shell.getByText('What am I looking at?')).toBeHidden();
});

test('the first paint shows the hint only when the page will', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort());
  // Playwright is automated (navigator.webdriver): no hint, as the page decides.
  await page.goto('/');
  await expect(page.getByTestId('boot-shell').locator('h1')).toBeVisible();
  await expect(page.getByTestId('boot-hint')).toBeHidden();
  // An embed or a tour opens without the static header.
  for (const q of ['?embed=1', '?tour=election']) {
    await page.goto('/' + q);
    await expect(page.getByTestId('boot-shell')).toBeHidden();
  }
  // "Got it" before the wasm arrives is remembered as the page's own.
  await page.goto('/?hint=1');
  await page.getByTestId('boot-hint').getByRole('button').click();
  await expect(page.getByTestId('boot-hint')).toBeHidden();
  expect(await page.evaluate(() => localStorage.getItem('raftlab.hint'))).toBe('seen');
});

test('the page replaces the first paint when it mounts', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?hint=1');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect(page.getByTestId('boot-shell')).toHaveCount(0);
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.getByTestId('first-hint')).toBeVisible();
  expect(errors).toEqual([]);
});

test('the wasm is requested after the first frame', async ({ page }) => {
  // The first animation frame comes once the stylesheets are in and the
  // static first screen is laid out; a preloaded wasm starts long before.
  await page.addInitScript(() => {
    requestAnimationFrame(() => ((window as any).__frame = performance.now()));
  });
  await page.goto('/');
  await expect(page.getByTestId('node')).toHaveCount(5);
  const [frame, wasm] = await page.evaluate(() => [
    (window as any).__frame as number,
    performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))!.startTime,
  ]);
  expect(frame).toBeGreaterThan(0);
  expect(wasm).toBeGreaterThanOrEqual(frame);
});

test('a download that takes long is no failure', async ({ page }) => {
  // A request held forever: the download never ends, and nothing failed.
  await page.route(/\.wasm$/, () => {});
  await page.goto('/?lang=en');
  await expect(page.getByTestId('boot-shell').locator('h1')).toBeVisible();
  await expect(page.getByTestId('boot-failed')).toBeHidden();
});

test('a wasm that cannot be fetched says so and why, in the page language, embeds included', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort());
  for (const [q, words] of [
    ['?lang=en', 'The simulator could not be loaded. Reload the page to try again.'],
    ['?lang=zh', '模拟器加载失败。请刷新页面重试。'],
    ['?lang=en&embed=1', 'The simulator could not be loaded.'],
  ]) {
    await page.goto('/' + q);
    const failed = page.getByTestId('boot-failed');
    await expect(failed).toBeVisible();
    await expect(failed.getByText(words)).toBeVisible();
    // The browser's own reason follows.
    await expect(failed.locator('code')).not.toBeEmpty();
  }
});

test('a page that loads never shows the failure line', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?lang=en');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect(page.getByTestId('boot-failed')).toBeHidden();
  expect(errors).toEqual([]);
});
