import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { collectErrors, screenshotDir } from './helpers';

// Embeds (issue 12, issue 11 item 7): the example post drives two embeds
// from its text and hears their events; the facade loads the iframe only
// on click; a message from a foreign origin is ignored; "Open in Raftlab"
// carries the run; the page and the kit work under a sub-path.

const dist = path.resolve(__dirname, '../../dist');

test('the embedding kit is at most 3 KB gzipped', () => {
  const js = fs.readFileSync(path.resolve(__dirname, '../embed/raftlab-embed.js'));
  expect(zlib.gzipSync(js, { level: 9 }).length).toBeLessThanOrEqual(3 * 1024);
});

/** Waits until `box` (an events list in the post) has a line matching `re`. */
async function line(page: Page, box: string, re: RegExp) {
  await expect(page.getByTestId(box).locator('li').filter({ hasText: re }).first()).toBeVisible({ timeout: 20_000 });
}

test('the example post drives two embeds from its text and shows their events', async ({ page }) => {
  const errors = collectErrors(page);
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/examples/index.html');
  // The facade: posters, no iframe, no wasm fetched.
  await expect(page.getByTestId('raftlab-poster')).toHaveCount(2);
  await expect(page.locator('raftlab-embed iframe')).toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'example-post-posters-1280x800.png'), fullPage: true });
  expect(wasm).toEqual([]);

  // Embed 1: loaded by a click on its poster, then driven from the text.
  await page.getByTestId('embed-election').getByTestId('raftlab-poster').click();
  await expect(page.locator('[data-testid="embed-election"] iframe')).toHaveCount(1);
  await expect(page.locator('[data-testid="embed-partition"] iframe')).toHaveCount(0);
  await line(page, 'events-election', /embed ready/);
  await line(page, 'events-election', /leader elected: n\d in term \d+/);
  // Sized to its content by its height messages.
  await expect
    .poll(async () => page.locator('[data-testid="embed-election"] iframe').evaluate((f) => parseInt((f as HTMLElement).style.height)))
    .toBeGreaterThan(300);
  await page.getByTestId('crash-leader').click();
  await line(page, 'events-election', /you crashed n\d/);
  const crashed = (await page.getByTestId('events-election').locator('li').filter({ hasText: /you crashed/ }).first().textContent())!.match(/n\d/)![0];
  // A new leader, not the crashed one, reported into the text.
  await expect(page.getByTestId('leader-election')).toHaveText(new RegExp(`leader (?!${crashed})n\\d \\(term \\d+\\)`), { timeout: 30_000 });
  await page.getByTestId('restart-crashed').click();
  await line(page, 'events-election', new RegExp(`you restarted ${crashed}`));

  // Embed 2: loaded by a button in the text; independent of embed 1.
  await page.getByTestId('partition-leader').click();
  await expect(page.locator('[data-testid="embed-partition"] iframe')).toHaveCount(1);
  await line(page, 'events-partition', /embed ready/);
  // Its first leader may come a moment after it loads: the post says so
  // and the reader clicks again.
  await line(page, 'events-partition', /leader elected/);
  await page.getByTestId('partition-leader').click();
  await line(page, 'events-partition', /you cut n\d off/);
  await page.getByTestId('put-key').click();
  await line(page, 'events-partition', /you sent put x=1/);
  await expect(page.getByTestId('commit-partition')).toHaveText(/committed up to index \d+/, { timeout: 30_000 });
  await page.getByTestId('heal').click();
  await line(page, 'events-partition', /you healed the partition/);
  // Each embed is its own run.
  const seeds = await page.evaluate(async () => {
    const [a, b] = Array.from(document.querySelectorAll('raftlab-embed')) as any[];
    return [(await a.getState()).link, (await b.getState()).link];
  });
  expect(seeds[0]).not.toBe(seeds[1]);
  await page.screenshot({ path: path.join(screenshotDir, 'example-post-1280x800.png'), fullPage: true });
  // Narrower: the embeds reflow and their iframes follow their height,
  // shrinking as well as growing.
  const frame = page.locator('[data-testid="embed-partition"] iframe');
  const wide = await frame.evaluate((f) => parseInt((f as HTMLElement).style.height));
  await page.setViewportSize({ width: 375, height: 812 });
  await expect.poll(async () => frame.evaluate((f) => parseInt((f as HTMLElement).style.height))).not.toBe(wide);
  const inner = await frame.evaluate((f) => (f as HTMLIFrameElement).contentDocument!.querySelector('.playground')!.getBoundingClientRect().height);
  await expect.poll(async () => frame.evaluate((f) => parseInt((f as HTMLElement).style.height))).toBeLessThanOrEqual(Math.ceil(inner) + 2);
  await page.getByTestId('embed-partition').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'example-post-375x812.png') });
  expect(errors).toEqual([]);
});

/** Posts `msg` to the page itself, then a marker; resolves with the
 * replies seen by the time the marker arrives (the page's listener,
 * registered first, has handled `msg` by then). */
async function postToSelf(page: Page, msg: object) {
  return page.evaluate(
    (msg) =>
      new Promise<any[]>((resolve) => {
        const replies: any[] = [];
        const done = () => {
          removeEventListener('message', on);
          resolve(replies);
        };
        function on(e: MessageEvent) {
          if (e.data?.type === 'reply') {
            replies.push(e.data);
            done();
          }
          // The page has handled `msg` by now; give a reply time to come.
          if (e.data === 'marker') setTimeout(done, 1_000);
        }
        addEventListener('message', on);
        postMessage(msg, '*');
        postMessage('marker', '*');
      }),
    msg,
  );
}

const crashN1 = { raftlab: 1, id: 7, cmd: 'act', action: 'crash', node: 'n1' };
const status = (page: Page, id: number) =>
  page.evaluate((id) => (window as any).raftlab.snapshot().nodes.find((n: any) => n.id === id).status, id);

test('a message from a foreign origin is ignored; one from the allowed origin is obeyed', async ({ page }) => {
  const errors = collectErrors(page);
  // Allowed: only blog.example. This page's own messages are foreign.
  await page.goto('/?embed=1&seed=3&origin=https://blog.example');
  await page.waitForFunction(() => (window as any).raftlab?.pause);
  await page.evaluate(() => (window as any).raftlab.pause());
  expect(await postToSelf(page, crashN1)).toEqual([]);
  expect(await status(page, 1)).not.toBe('Crashed');

  // Allowed by default: the page's own origin. The same message crashes n1.
  await page.goto('/?embed=1&seed=3');
  await page.waitForFunction(() => (window as any).raftlab?.pause);
  await page.evaluate(() => (window as any).raftlab.pause());
  const replies = await postToSelf(page, crashN1);
  expect(replies).toEqual([{ raftlab: 1, type: 'reply', id: 7, cmd: 'act', ok: true, result: undefined }]);
  expect(await status(page, 1)).toBe('Crashed');
  // A newer protocol version is refused by name.
  const newer = await postToSelf(page, { raftlab: 2, id: 8, cmd: 'play' });
  expect(newer[0].ok).toBe(false);
  expect(newer[0].error).toContain('speaks version 1');
  expect(errors).toEqual([]);
});

test('an embed has a caption and an "Open in Raftlab" link that carries the run', async ({ page, context }) => {
  await page.setViewportSize({ width: 600, height: 400 });
  await page.goto('/?embed=1&seed=4');
  await page.waitForFunction(() => (window as any).raftlab?.snapshot().leader != null, null, { timeout: 20_000 });
  await page.evaluate(() => {
    const r = (window as any).raftlab;
    r.pause();
    r.act({ action: 'crash', node: 'leader' });
  });
  const fingerprint = await page.evaluate(() => (window as any).raftlab.fingerprint());
  await expect(page.getByTestId('embed-footer')).toContainText('Raft consensus, live');
  await page.screenshot({ path: path.join(screenshotDir, 'embed-600x400.png') });
  const [popup] = await Promise.all([context.waitForEvent('page'), page.getByTestId('embed-open').click()]);
  await popup.waitForFunction(() => (window as any).raftlab?.fingerprint);
  expect(popup.url()).toMatch(/\?run=/);
  expect(popup.url()).not.toMatch(/embed=1/);
  expect(await popup.evaluate(() => (window as any).raftlab.fingerprint())).toBe(fingerprint);
});

test('the page and the kit work under a sub-path (/raftlab/)', async ({ browser }) => {
  // A static server with dist/ at /raftlab/ only.
  const types: Record<string, string> = {
    '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json',
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/raftlab/')) {
      res.writeHead(404).end();
      return;
    }
    let file = path.join(dist, decodeURIComponent(url.pathname.slice('/raftlab/'.length)));
    if (!file.startsWith(dist)) return res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as any).port;
  try {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`http://127.0.0.1:${port}/raftlab/`);
    await expect(page.getByTestId('node')).toHaveCount(5);
    const link = await page.evaluate(() => (window as any).raftlab.link());
    expect(link).toMatch(new RegExp(`^http://127.0.0.1:${port}/raftlab/\\?run=`));
    await page.goto(`http://127.0.0.1:${port}/raftlab/examples/`);
    await page.getByTestId('embed-election').getByTestId('raftlab-poster').click();
    await line(page, 'events-election', /embed ready/);
    expect(errors).toEqual([]);
  } finally {
    server.close();
  }
});

test('through the kit a host starts a tour, and hears the violation it ends on', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/examples/index.html');
  await page.getByTestId('embed-election').getByTestId('raftlab-poster').click();
  await line(page, 'events-election', /embed ready/);
  // The kit's request id must not replace the tour's id (`startTour` sent
  // both as `id` once, and the embed answered "`tour` needs `id`").
  await page.evaluate(() => (document.getElementById('election') as any).startTour('reads', 3));
  // The tours' texts are fetched first; the tour starts when they come.
  await expect
    .poll(() => page.evaluate(async () => (await (document.getElementById('election') as any).getState()).tour))
    .toEqual({ id: 'reads', stop: 3 });
  // Tours play at 1/10x; the host speeds it up.
  await page.evaluate(() => (document.getElementById('election') as any).setSpeed(100));
  // The reads tour's last stop ends on the stale read its bug switch lets
  // through; the linearizability checker stops the run and the host hears it.
  await line(page, 'events-election', /violation: .*[Ll]inearizab/);
  const frame = page.frameLocator('[data-testid="embed-election"] iframe');
  // The checker badge is page chrome, hidden in an embed; the reader sees
  // why the run stopped under the drawing.
  await expect(frame.getByTestId('violation-message')).toBeHidden();
  await frame.getByTestId('embed-violation').scrollIntoViewIfNeeded();
  await expect(frame.getByTestId('embed-violation')).toBeVisible();
  await expect(frame.getByTestId('embed-violation')).toContainText(/[Ll]inearizab/);
  await page.getByTestId('embed-election').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'example-post-violation-1280x800.png') });
  expect(errors).toEqual([]);
});
