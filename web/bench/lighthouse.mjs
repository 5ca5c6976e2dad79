// Lighthouse 12.2.3 on the release page, mobile (its default: a Moto G
// Power-sized screen, 4x CPU slowdown, slow 4G), served gzip-compressed as
// any real host would (a benchmark, not a test: it prints what it measured).
//
//   node web/bench/lighthouse.mjs          (after `trunk build --release`; `make lighthouse` does both)
//   RAFTLAB_LH_RUNS=5 node web/bench/lighthouse.mjs
//   RAFTLAB_LH_FORM=desktop node web/bench/lighthouse.mjs
//   RAFTLAB_BENCH_DIST=/tmp/dist-before node web/bench/lighthouse.mjs   (another build, A/B)
//   RAFTLAB_LH_JSON=/tmp/lh.json node web/bench/lighthouse.mjs   (keep the full report)
//
// Serves dist/ on 127.0.0.1 with `Content-Encoding: gzip` (level 9, the
// size budget's measure), runs Lighthouse's performance category RUNS times
// (default 3) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium,
// --headless --no-sandbox), and prints each run's score, TBT, LCP, FCP,
// Speed Index, CLS, the bytes transferred and the longest main-thread
// task, then the median score.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.RAFTLAB_BENCH_DIST ?? path.resolve(here, '../../dist');
const port = Number(process.env.RAFTLAB_LH_PORT ?? 8193);
const runs = Number(process.env.RAFTLAB_LH_RUNS ?? 3);
const form = process.env.RAFTLAB_LH_FORM ?? 'mobile';
const query = process.env.RAFTLAB_BENCH_QUERY ?? '';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};
const cache = new Map();
const server = createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(dist, path.normalize(rel));
  if (!file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  if (!cache.has(file)) cache.set(file, gzipSync(readFileSync(file), { level: 9 }));
  res.writeHead(200, {
    'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Content-Encoding': 'gzip',
    'Cache-Control': 'no-cache',
  });
  res.end(cache.get(file));
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const ms = (v) => `${Math.round(v)} ms`.padStart(8);
const results = [];
try {
  const config = {
    extends: 'lighthouse:default',
    settings: {
      onlyCategories: ['performance'],
      ...(form === 'desktop'
        ? { formFactor: 'desktop', screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
            throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1, requestLatencyMs: 0, downloadThroughputKbps: 0, uploadThroughputKbps: 0 } }
        : {}),
    },
  };
  console.log(`Lighthouse ${form}, ${runs} run(s), http://127.0.0.1:${port}/${query} served gzip -9`);
  for (let i = 0; i < runs; i++) {
    const out = await lighthouse(`http://127.0.0.1:${port}/${query}`, { port: chrome.port, output: 'json', logLevel: 'error' }, config);
    const lhr = out.lhr;
    // RAFTLAB_LH_JSON=file keeps the last run's full report.
    if (process.env.RAFTLAB_LH_JSON) writeFileSync(process.env.RAFTLAB_LH_JSON, out.report);
    const a = (id) => lhr.audits[id]?.numericValue ?? NaN;
    const tasks = lhr.audits['long-tasks']?.details?.items ?? [];
    const longest = tasks.reduce((m, t) => Math.max(m, t.duration ?? 0), 0);
    const score = Math.round((lhr.categories.performance.score ?? 0) * 100);
    results.push(score);
    console.log(
      `run ${i + 1}: performance ${String(score).padStart(3)}  TBT${ms(a('total-blocking-time'))}  LCP${ms(a('largest-contentful-paint'))}` +
        `  FCP${ms(a('first-contentful-paint'))}  SI${ms(a('speed-index'))}  CLS ${a('cumulative-layout-shift').toFixed(3)}` +
        `  transfer ${Math.round(a('total-byte-weight') / 1000)} KB  longest task${ms(longest)} (${tasks.length} over 50 ms)`,
    );
  }
} finally {
  await chrome.kill();
  server.close();
}
const sorted = [...results].sort((a, b) => a - b);
console.log(`median performance (${form}): ${sorted[Math.floor(sorted.length / 2)]} (goal >= 90)`);
