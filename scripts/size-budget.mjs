#!/usr/bin/env node
// The page-weight budget (issue 16): everything the first screen loads from
// dist/ (index.html and every file it names: stylesheets, the JS glue, the
// wasm) gzipped at level 9 must total at most BUDGET bytes. Files fetched
// later (the tours, on opening one) are not counted.
//
//   node scripts/size-budget.mjs [dist] [--budget BYTES]
//
// Prints each file, raw and gzipped, and the total beside the budget; exits
// 1 above it, 2 when dist/ is missing or index.html names a file that is not
// there. `make test` runs it right after the release build.
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
let dist = 'dist';
// The goal of issue 16: 200 KB, counted as 200,000 bytes (stricter than
// 200 KiB). Not met yet, so what fails the build is a ratchet, CEILING: the
// size measured when the goal's work stopped, plus a little. Lower it as the
// page shrinks; raise it only with a reason in the commit.
const GOAL = 200_000;
const CEILING = 752_000;
let budget = CEILING;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--budget') budget = Number(args[++i]);
  else dist = args[i];
}
if (!Number.isInteger(budget) || budget <= 0) {
  console.error(`size-budget: --budget must be a whole number of bytes above 0 (got ${budget})`);
  process.exit(2);
}

const indexPath = join(dist, 'index.html');
if (!existsSync(indexPath)) {
  console.error(`size-budget: ${indexPath} is missing; build first (trunk build --release)`);
  process.exit(2);
}
const html = readFileSync(indexPath, 'utf8');

// Every local file index.html names: href/src attributes and the quoted
// paths of its inline module script (the JS glue and the wasm it loads).
const names = new Set(['index.html']);
const patterns = [/\b(?:href|src)\s*=\s*"([^"]+)"/g, /'([^'\s]+\.(?:js|wasm|css))'/g];
for (const re of patterns) {
  for (const m of html.matchAll(re)) {
    const ref = m[1];
    if (/^(data:|https?:|\/\/|#|\?)/.test(ref)) continue;
    names.add(normalize(ref.replace(/^\.?\//, '').split(/[?#]/)[0]));
  }
}

let total = 0;
let missing = false;
const rows = [];
for (const name of names) {
  const path = join(dist, name);
  if (!existsSync(path)) {
    console.error(`size-budget: index.html names ${name}, which dist/ lacks`);
    missing = true;
    continue;
  }
  const raw = readFileSync(path);
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  rows.push([name, raw.length, gz]);
}
if (missing) process.exit(2);

rows.sort((a, b) => b[2] - a[2]);
const w = Math.max(...rows.map((r) => r[0].length), 'total'.length);
const num = (n) => n.toLocaleString('en-US').padStart(11);
console.log(`${'file'.padEnd(w)} ${'raw'.padStart(11)} ${'gzip -9'.padStart(11)}`);
for (const [name, raw, gz] of rows) console.log(`${name.padEnd(w)} ${num(raw)} ${num(gz)}`);
const verdict = total <= budget ? 'within' : 'OVER';
console.log(`${'total'.padEnd(w)} ${''.padStart(11)} ${num(total)}  ceiling ${budget.toLocaleString('en-US')}: ${verdict} (${((100 * total) / budget).toFixed(0)}%)`);
const goal = total <= GOAL ? 'met' : 'NOT MET';
console.log(`${'goal'.padEnd(w)} ${''.padStart(11)} ${num(GOAL)}  (issue 16): ${goal} (${((100 * total) / GOAL).toFixed(0)}% of it)`);
process.exit(total <= budget ? 0 : 1);
