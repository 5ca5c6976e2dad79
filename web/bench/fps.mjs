// Frames per second of the release page under load (a benchmark, not a
// test: it prints what it measured and fails only if it could not measure).
//
//   node web/bench/fps.mjs            (after `trunk build --release`; `make bench-page` does both)
//   RAFTLAB_BENCH_QUERY='?nodes=9&seed=7' node web/bench/fps.mjs   (another page)
//   RAFTLAB_BENCH_CSS='.logs{display:none}' node web/bench/fps.mjs   (what a panel costs: hide it)
//   RAFTLAB_BENCH_DIST=/tmp/dist-before node web/bench/fps.mjs   (another build, for an A/B comparison)
//   RAFTLAB_BENCH_PANELS=spacetime,history node web/bench/fps.mjs   (with those closed panels opened;
//                                                  `make bench-page PANELS=spacetime` does it)
//
// Serves dist/ on 127.0.0.1, opens the page with 9 nodes at 1x speed and the
// background clients at their maximum (20 ops/s), lets it settle, then
// counts requestAnimationFrame callbacks for 5 s and prints the frame rate,
// the median, 95th-percentile and worst frame times beside the 60 fps
// budget (16.7 ms a frame), and how often a frame came late (a gap over
// 25 ms: at least one frame missed).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.RAFTLAB_BENCH_DIST ?? path.resolve(here, '../../dist');
const port = Number(process.env.RAFTLAB_BENCH_PORT ?? 8191);
const seconds = Number(process.env.RAFTLAB_BENCH_SECONDS ?? 5);
// RAFTLAB_BENCH_QUERY picks another page, e.g. `?nodes=9&seed=7` (default speed).
const query = process.env.RAFTLAB_BENCH_QUERY ?? `?nodes=9&speed=1&seed=7`;
const nodes = Number(new URLSearchParams(query).get('nodes') ?? 5);
// Closed panels to open before measuring, by the test id prefix of their toggle.
const panels = (process.env.RAFTLAB_BENCH_PANELS ?? '').split(',').map((p) => p.trim()).filter(Boolean);

const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], {
  stdio: 'ignore',
});
const stop = () => server.kill();
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/index.html`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`static server on port ${port} did not answer`);
}

/** Seconds of CPU the renderer's main thread and process have used. */
async function cpuTimes(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { thread: get('ThreadTime'), process: get('ProcessTime') };
}

await waitForServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=node]').length === n, nodes);
  // Heaviest background workload the page offers.
  await page.getByTestId('workload').evaluate((el) => {
    el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  for (const p of panels) await page.getByTestId(`${p}-toggle`).click();
  if (process.env.RAFTLAB_BENCH_CSS) await page.addStyleTag({ content: process.env.RAFTLAB_BENCH_CSS });
  await page.waitForTimeout(2000); // settle: elected leader, traffic flowing
  // CPU time of the page's main thread and renderer process (not wall
  // time: the figure holds on a shared, busy machine).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const cpu0 = await cpuTimes(cdp);
  const r = await page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const times = [];
        let messagesSeen = 0;
        let arrowsSeen = 0;
        const start = performance.now();
        const tick = (t) => {
          times.push(t);
          messagesSeen = Math.max(messagesSeen, document.querySelectorAll('[data-testid=message]').length);
          arrowsSeen = Math.max(arrowsSeen, Number(document.querySelector('[data-testid=spacetime]')?.dataset.arrows ?? 0));
          if (t - start < ms) requestAnimationFrame(tick);
          else resolve({ times, messagesSeen, arrowsSeen, events: window.raftlab.snapshot().event_count });
        };
        requestAnimationFrame(tick);
      }),
    seconds * 1000,
  );
  const cpu1 = await cpuTimes(cdp);
  const gaps = r.times.slice(1).map((t, i) => t - r.times[i]).sort((a, b) => a - b);
  if (gaps.length < 2) throw new Error('too few frames to measure');
  const span = r.times[r.times.length - 1] - r.times[0];
  const fps = (gaps.length / span) * 1000;
  const pct = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))];
  const cpu = os.cpus();
  console.log(`page: ${query}, background clients 20 ops/s, ${seconds} s measured, up to ${r.messagesSeen} messages drawn at once`);
  if (panels.length) {
    console.log(`panels opened: ${panels.join(', ')}; up to ${r.arrowsSeen} arrows on the space-time diagram`);
  }
  console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, headless Chromium (${browser.version()}, --disable-gpu)`);
  console.log(`frames: ${gaps.length + 1}  fps: ${fps.toFixed(1)} (budget 60)`);
  console.log(`frame time ms: median ${pct(0.5).toFixed(1)}, p95 ${pct(0.95).toFixed(1)}, worst ${gaps[gaps.length - 1].toFixed(1)} (budget 16.7)`);
  const frames = r.times.length;
  console.log(
    `CPU ms per frame: main thread ${(((cpu1.thread - cpu0.thread) * 1000) / frames).toFixed(1)}, ` +
      `renderer process ${(((cpu1.process - cpu0.process) * 1000) / frames).toFixed(1)} (60 fps needs under 16.7 on the main thread)`,
  );
  // A gap of more than one and a half frames means at least one frame was missed.
  const late = gaps.filter((g) => g > 25).length;
  console.log(`late frames (over 25 ms): ${late} of ${gaps.length} (one in ${late ? Math.round(gaps.length / late) : '∞'})`);
} finally {
  await browser.close();
  stop();
}
