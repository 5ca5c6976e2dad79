import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';



const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'mobile', width: 375, height: 812 },
];

for (const viewport of viewports) {
  test(`page loads with the title and five nodes (${viewport.name} ${viewport.width}x${viewport.height})`, async ({
    page,
  }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.goto('/');

    await expect(page).toHaveTitle('Raftlab — Raft consensus, live in your browser');
    await expect(page.getByTestId('app-title')).toHaveText('Raftlab');
    const nodes = page.getByTestId('node');
    await expect(nodes).toHaveCount(5);
    await expect(nodes.first()).toHaveAttribute('aria-label', /^node n1, \w+, term \d+$/);

    await page.screenshot({
      path: path.join(screenshotDir, `${viewport.name}-${viewport.width}x${viewport.height}.png`),
      fullPage: true,
    });
    expect(errors, 'console and page errors').toEqual([]);
  });
}
