import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { collectErrors, screenshotDir } from './helpers';

// Run links and trace files (issue 12): a copied link reopens the same run
// at the same place; a trace exported from the page reopens the same run;
// a damaged link opens the default page with a banner, never another run.

async function ready(page: Page) {
  await page.waitForFunction(() => (window as any).raftlab?.link !== undefined);
}

/** Several actions on a paused, settled run: crash the leader, run on,
 * partition, send a put, heal; then step back into the past. */
async function makeRun(page: Page) {
  await page.goto('/?seed=5');
  await ready(page);
  await page.waitForFunction(() => (window as any).raftlab.snapshot().leader !== null, null, { timeout: 20_000 });
  await page.evaluate(() => {
    const r = (window as any).raftlab;
    const on = (ms: number) => r.seek(r.snapshot().now / 1000 + ms);
    r.pause();
    r.act({ action: 'crash', node: 'leader' });
    on(900);
    r.act({ action: 'partition', groups: [['n1', 'n2']] });
    on(400);
    r.act({ action: 'put', key: 'x', value: '42' });
    on(600);
    r.act({ action: 'heal' });
    on(500);
    // Stand in the past: the link keeps the whole run and where we stand.
    on(-700);
  });
}

test('a copied link reopens the same run at the same place, paused', async ({ page, context }) => {
  const errors = collectErrors(page);
  await makeRun(page);
  const before = await page.evaluate(() => {
    const r = (window as any).raftlab;
    const s = r.snapshot();
    return { fingerprint: r.fingerprint(), now: s.now, events: s.event_count };
  });
  await page.getByTestId('share-button').click();
  await page.getByTestId('share-copy').click();
  const link = page.getByTestId('share-link');
  await expect(link).toHaveValue(/\?run=[A-Za-z0-9_-]+$/);
  const url = await link.inputValue();
  expect(url.length).toBeLessThan(2000);
  expect(await page.evaluate(() => (window as any).raftlab.link())).toBe(url);

  const other = await context.newPage();
  const otherErrors = collectErrors(other);
  await other.goto(url);
  await ready(other);
  await expect(other.getByTestId('link-banner')).toHaveAttribute('data-kind', 'info');
  const after = await other.evaluate(() => {
    const r = (window as any).raftlab;
    const s = r.snapshot();
    return { fingerprint: r.fingerprint(), now: s.now, events: s.event_count, state: r.getState() };
  });
  expect(after.fingerprint).toBe(before.fingerprint);
  expect(after.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  expect(after.now).toBe(before.now);
  expect(after.events).toBe(before.events);
  expect(after.state.playing).toBe(false);
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test('the link carries the language and the open panels', async ({ page, context }) => {
  await page.goto('/?seed=3');
  await ready(page);
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('dock-tab-settings').click();
  await expect(page.getByTestId('dock-tab-settings')).toHaveAttribute('aria-selected', 'true');
  await page.locator('[data-testid="spacetime-panel"] > summary').click();
  await expect(page.getByTestId('spacetime-panel')).toHaveAttribute('open', '');
  const url = await page.evaluate(() => (window as any).raftlab.link());
  const other = await context.newPage();
  await other.goto(url);
  await ready(other);
  await expect(other.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(other.getByTestId('dock-tab-settings')).toHaveAttribute('aria-selected', 'true');
  await expect(other.getByTestId('spacetime-panel')).toHaveAttribute('open', '');
});

test('a link made during a tour opens the tour at its stop', async ({ page, context }) => {
  await page.goto('/');
  await ready(page);
  await page.evaluate(() => (window as any).raftlab.startTour('election', 2));
  await expect(page.getByTestId('tour-card')).toBeVisible();
  const state = await page.evaluate(() => (window as any).raftlab.getState());
  expect(state.tour).toEqual({ id: 'election', stop: 2 });
  const other = await context.newPage();
  await other.goto(await page.evaluate(() => (window as any).raftlab.link()));
  await ready(other);
  await expect(other.getByTestId('tour-card')).toBeVisible();
  expect((await other.evaluate(() => (window as any).raftlab.getState())).tour).toEqual({ id: 'election', stop: 2 });
});

for (const [name, mangle, words] of [
  ['damaged', (l: string) => l.slice(0, 30) + (l[30] === 'A' ? 'B' : 'A') + l.slice(31), /checksum does not match/],
  ['cut short', (l: string) => l.slice(0, l.length - 12), /cut short/],
  ['future-version', (_: string) => 'Ag' + 'A'.repeat(10), /newer Raftlab/],
] as const) {
  test(`a ${name} link opens the default page with a banner saying so`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('/?seed=5');
    await ready(page);
    const url: string = await page.evaluate(() => (window as any).raftlab.link());
    const link = url.split('run=')[1];
    await page.goto('/?run=' + mangle(link));
    await ready(page);
    const banner = page.getByTestId('link-banner');
    await expect(banner).toHaveAttribute('data-kind', 'error');
    await expect(banner).toContainText(words);
    await expect(banner).toContainText('the default page is shown');
    // The default run: seed 1, five nodes, no actions.
    const trace = JSON.parse(await page.evaluate(() => (window as any).raftlab.trace()));
    expect(trace.config.seed).toBe(1);
    expect(trace.actions).toEqual([]);
    // And in Chinese.
    await page.getByTestId('lang-toggle').click();
    await expect(banner).toContainText('默认页面');
    expect(errors).toEqual([]);
  });
}

test('a trace exported from the page imports back by file picker, paste and drop', async ({ page }) => {
  // Four pages, each replaying the run for its fingerprint.
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  await makeRun(page);
  const fingerprint = await page.evaluate(() => (window as any).raftlab.fingerprint());
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('share-button').click().then(() => page.getByTestId('share-export').click()),
  ]);
  expect(download.suggestedFilename()).toMatch(/^raftlab-seed5-\d+ms\.json$/);
  const file = path.join(screenshotDir, '..', 'exported-trace.json');
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  const trace = JSON.parse(text);
  expect(trace.format).toBe('raftlab-trace');
  expect(trace.actions.length).toBe(4);

  // A fresh page, another run; then the file picker.
  await page.goto('/?seed=9');
  await ready(page);
  expect(await page.evaluate(() => (window as any).raftlab.fingerprint())).not.toBe(fingerprint);
  await page.getByTestId('share-button').click();
  await page.getByTestId('share-import').click();
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(screenshotDir, 'share-import-1280x800.png') });
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('link-banner')).toContainText('Opened the trace: 4 actions');
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).raftlab.fingerprint())).toBe(fingerprint);
  // Fully scrubbable: back to the start and forward again.
  await page.evaluate(() => (window as any).raftlab.seek(0));
  expect(await page.evaluate(() => (window as any).raftlab.snapshot().now)).toBeLessThan(1000);
  await page.evaluate((ms) => (window as any).raftlab.seek(ms), trace.until / 1000);
  expect(await page.evaluate(() => (window as any).raftlab.fingerprint())).toBe(fingerprint);

  // Paste.
  await page.goto('/?seed=9');
  await ready(page);
  await page.getByTestId('share-button').click();
  await page.getByTestId('share-import').click();
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-open').click();
  await expect(page.getByTestId('link-banner')).toContainText('Opened the trace');
  expect(await page.evaluate(() => (window as any).raftlab.fingerprint())).toBe(fingerprint);

  // Drag and drop, anywhere on the page.
  await page.goto('/?seed=9');
  await ready(page);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'run.json', { type: 'application/json' }));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByTestId('link-banner')).toContainText('Opened the trace');
  expect(await page.evaluate(() => (window as any).raftlab.fingerprint())).toBe(fingerprint);
  expect(errors).toEqual([]);
});

test('a bad trace says where and what, in both languages', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await page.getByTestId('share-button').click();
  await page.getByTestId('share-import').click();
  await page.getByTestId('import-text').fill('{"format": "raftlab-trace", "version": 2, "config": {"nodes": "five"}}');
  await page.getByTestId('import-open').click();
  const err = page.getByTestId('import-error');
  await expect(err).toContainText('This trace could not be opened');
  await expect(err).toContainText('config.nodes');
  await expect(err).toContainText('line 1');
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: path.join(screenshotDir, 'share-import-error-375x812.png') });
  await page.getByTestId('import-text').fill('{"format": "raftlab-trace", "version": 99}');
  await page.getByTestId('import-open').click();
  await expect(err).toContainText('version 99');
  await page.evaluate(() => (window as any).raftlab.setState({ lang: 'zh' }));
  await expect(err).toContainText('无法打开这个轨迹');
});

for (const vp of [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
]) {
  test(`the share bar and a copied link at ${vp.width}x${vp.height}`, async ({ page }) => {
    await page.setViewportSize(vp);
    await page.goto('/?seed=5');
    await ready(page);
    await page.evaluate(() => (window as any).raftlab.pause());
    await page.keyboard.press('s');
    await expect(page.getByTestId('share-link')).toHaveValue(/run=/);
    await page.screenshot({ path: path.join(screenshotDir, `share-${vp.width}x${vp.height}.png`) });
    await page.evaluate(() => (window as any).raftlab.setState({ lang: 'zh' }));
    await page.screenshot({ path: path.join(screenshotDir, `share-zh-${vp.width}x${vp.height}.png`) });
  });
}
