import { test, expect } from '@playwright/test';
import { collectErrors } from './helpers';

// Page weight (issue 16): the tours' texts are no part of the first load.
// The page fetches them from tours/ beside itself when the tour menu first
// opens (or the address names a tour), and says so when it cannot.

test('the first load fetches no tour; opening the menu fetches them once', async ({ page }) => {
  const errors = collectErrors(page);
  const tours: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.includes('/tours/')) tours.push(r.url());
  });
  await page.goto('/');
  await expect(page.getByTestId('node')).toHaveCount(5);
  // A leader is elected (the simulation runs) and still no tour was fetched.
  await expect(page.getByTestId('leader-line')).toContainText(/n\d/, { timeout: 10_000 });
  expect(tours).toEqual([]);

  await page.getByTestId('tour-button').click();
  await expect(page.locator('[data-testid^=tour-start-]').first()).toBeVisible();
  const count = await page.locator('[data-testid^=tour-start-]').count();
  expect(count).toBeGreaterThan(0);
  expect(tours.length).toBe(count);
  // Every request is relative to the page (works under any sub-path).
  for (const url of tours) expect(new URL(url).pathname).toMatch(/^\/tours\/\d\d_[a-z_]+\.txt$/);

  // Closing and opening again fetches nothing more.
  await page.getByTestId('tour-menu-close').click();
  await page.getByTestId('tour-button').click();
  await expect(page.locator('[data-testid^=tour-start-]')).toHaveCount(count);
  expect(tours.length).toBe(count);
  expect(errors).toEqual([]);
});

test('a tour named in the address starts once its text has arrived', async ({ page }) => {
  await page.goto('/?tour=election');
  await expect(page.getByTestId('tour-card')).toBeVisible();
  await expect(page.getByTestId('tour-progress')).toContainText('1');
});

test('tours that cannot be fetched are reported in the menu, not a blank list', async ({ page }) => {
  await page.route('**/tours/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await page.getByTestId('tour-button').click();
  const bad = page.getByTestId('tour-menu').locator('li.bad');
  await expect(bad).toBeVisible();
  await expect(bad).toContainText('could not be loaded');
  await expect(bad).toContainText('HTTP 404');
  await expect(page.locator('[data-testid^=tour-start-]')).toHaveCount(0);
});
