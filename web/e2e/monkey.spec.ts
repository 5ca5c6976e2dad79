import { test, expect, type Page } from '@playwright/test';
import { collectErrors } from './helpers';

// A monkey at the controls: a seeded, repeatable sequence of clicks, slider
// moves, menu picks and keys over everything the page offers, at every
// speed. Whatever it does, the page must never panic (the fatal banner),
// log an error, or stop drawing the cluster. A failure prints the seed and
// the step; `RAFTLAB_MONKEY_SEED=N npx playwright test monkey` repeats it.

const SEEDS = process.env.RAFTLAB_MONKEY_SEED ? [Number(process.env.RAFTLAB_MONKEY_SEED)] : [1];
const STEPS = 80;

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['Space', '.', 'ArrowLeft', 'ArrowRight', '1', '2', '3', '4', '5', 'Escape', '?', 'n'];

/** One random act; returns what it did, for the failure message. */
async function act(page: Page, r: () => number): Promise<string> {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const kind = r();
  if (kind < 0.15) {
    const k = pick(KEYS);
    await page.keyboard.press(k);
    return `key ${k}`;
  }
  if (kind < 0.35) {
    const ranges = page.locator('input[type=range]:visible');
    const n = await ranges.count();
    if (n === 0) return 'no slider';
    const i = Math.floor(r() * n);
    const f = r();
    const id = await ranges.nth(i).evaluate((el: HTMLInputElement, f) => {
      const lo = Number(el.min || 0), hi = Number(el.max || 100);
      el.value = String(lo + (hi - lo) * f);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return el.dataset.testid ?? el.id ?? el.className;
    }, f);
    return `slider ${id} at ${(f * 100).toFixed(0)}%`;
  }
  if (kind < 0.5) {
    // Check boxes (settings, bug switches) and menus.
    const boxes = page.locator('input[type=checkbox]:visible, select:visible');
    const n = await boxes.count();
    if (n === 0) return 'no box';
    const i = Math.floor(r() * n);
    const f = r();
    const what = await boxes.nth(i).evaluate((el: HTMLInputElement | HTMLSelectElement, f) => {
      if (el instanceof HTMLSelectElement) el.selectedIndex = Math.floor(f * el.options.length);
      else el.checked = !el.checked;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return `${el.tagName.toLowerCase()} ${el.dataset.testid ?? el.id ?? el.name}`;
    }, f);
    return what;
  }
  if (kind < 0.55) {
    // Fields: numbers in and out of range, and text that is no number.
    const fields = page.locator('input:not([type]):visible, input[type=number]:visible, input[type=text]:visible');
    const n = await fields.count();
    if (n === 0) return 'no field';
    const i = Math.floor(r() * n);
    const v = pick(['0', '1', '3', '-1', '9', '10', '250', '1e9', 'abc', '', '18446744073709551616']);
    const f = fields.nth(i);
    const id = (await f.getAttribute('data-testid')) ?? (await f.getAttribute('name')) ?? '?';
    await f.fill(v, { timeout: 500 }).catch(() => {});
    if (r() < 0.5) await f.press('Enter', { timeout: 500 }).catch(() => {});
    return `field ${id} = ${JSON.stringify(v)}`;
  }
  if (kind < 0.65) {
    const nodes = page.locator('[data-testid=node]');
    const n = await nodes.count();
    if (n === 0) return 'no node';
    const i = Math.floor(r() * n);
    await nodes.nth(i).click({ timeout: 500 }).catch(() => {});
    return `node ${i}`;
  }
  // Any visible, enabled button, except those that leave the page.
  const buttons = page.locator('button:visible:not([disabled]), summary:visible');
  const n = await buttons.count();
  if (n === 0) return 'no button';
  const i = Math.floor(r() * n);
  const b = buttons.nth(i);
  const name = (await b.getAttribute('data-testid').catch(() => null)) ?? (await b.innerText().catch(() => '?')).slice(0, 30);
  await b.click({ timeout: 500 }).catch(() => {});
  return `button ${name}`;
}

// Each seed on a desktop in English, and again on a phone in Chinese.
const RUNS = SEEDS.flatMap((seed) => [
  { seed, name: 'desktop', query: '?seed=7', width: 1280, height: 720 },
  { seed, name: 'phone, zh', query: '?seed=7&lang=zh', width: 375, height: 812 },
]);

for (const { seed, name, query, width, height } of RUNS) {
  test(`a monkey at the controls never breaks the page (seed ${seed}, ${name})`, async ({ page }) => {
    test.setTimeout(150_000);
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await page.goto('/' + query);
    await expect(page.getByTestId('node').first()).toBeVisible();
    const r = rng(seed);
    const done: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      done.push(await act(page, r));
      const where = `seed ${seed}, step ${step} (${done.slice(-5).join(' → ')}); repeat: RAFTLAB_MONKEY_SEED=${seed} npx playwright test monkey`;
      if (step % 10 === 9 || errors.length > 0) {
        expect(errors, where).toEqual([]);
        await expect(page.getByTestId('fatal'), where).toHaveCount(0);
        expect(await page.getByTestId('node').count(), where).toBeGreaterThan(0);
        // The world still answers and holds together.
        const s = await page.evaluate(() => (window as any).raftlab.snapshot());
        expect(s.nodes.length, where).toBeGreaterThan(0);
      }
    }
    expect(errors).toEqual([]);
    if (process.env.RAFTLAB_MONKEY_LOG) console.log(done.join('\n'));
  });
}
