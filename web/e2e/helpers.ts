import * as path from 'node:path';
import type { Page } from '@playwright/test';

/** Screenshots to look at (gitignored): <repo>/artifacts/screenshots/. */
export const screenshotDir = path.resolve(__dirname, '../../artifacts/screenshots');

/** Collects console errors and uncaught page errors; the test fails on any. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  return errors;
}
