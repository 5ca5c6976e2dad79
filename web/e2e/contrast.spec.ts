import { test, expect, type Page } from '@playwright/test';

// WCAG 2.1 AA contrast of the page's real text, measured in both colour
// schemes: every visible element that holds text (HTML and SVG), its colour
// from the computed style (SVG: fill) with the opacity of it and its
// ancestors, against what is painted under its centre (the stack from
// document.elementsFromPoint: SVG shape fills, HTML background colours,
// alpha-blended down to the page). Normal text needs 4.5:1; large text
// (>= 24 px, or >= 18.66 px bold) and UI glyphs (symbols, the letters inside
// message shapes) need 3:1. A failure names the element, its text, both
// colours and the ratio.

type Failure = { where: string; text: string; fg: string; bg: string; ratio: number; need: number };

async function measure(page: Page): Promise<{ checked: number; failures: Failure[] }> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string | null): RGBA | null => {
      if (!c || c === 'none' || c === 'transparent') return null;
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: RGBA, under: RGBA): RGBA => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const lum = (c: RGBA) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
    };
    const ratio = (a: RGBA, b: RGBA) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const opacity = (el: Element | null): number => {
      let o = 1;
      for (let e = el; e; e = e.parentElement) {
        o *= Number(getComputedStyle(e).opacity);
        const attr = e.getAttribute('opacity');
        if (attr !== null) o *= Number(attr);
      }
      return o;
    };
    const name = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && parts.length < 4; e = e.parentElement) {
        const id = e.getAttribute('data-testid');
        const cls = (e.getAttribute('class') || '').trim().split(/\s+/).slice(0, 2).join('.');
        parts.unshift(e.tagName.toLowerCase() + (id ? `[data-testid=${id}]` : '') + (cls ? '.' + cls : ''));
        if (id) break;
      }
      return parts.join(' > ');
    };
    const pageBg = parse(getComputedStyle(document.body).backgroundColor) ?? [255, 255, 255, 1];
    const paintedUnder = (el: Element, x: number, y: number): RGBA => {
      const layers: RGBA[] = [];
      for (const e of document.elementsFromPoint(x, y)) {
        // Its own background counts (HTML); its own fill is the text (SVG).
        if (e !== el && el.contains(e)) continue;
        if (e === el && el instanceof SVGElement) continue;
        const cs = getComputedStyle(e);
        const isSvgShape = e instanceof SVGGeometryElement;
        if (isSvgShape && e.closest('svg') !== el.closest('svg')) continue;
        const c = parse(isSvgShape ? cs.fill : cs.backgroundColor);
        if (!c || c[3] === 0) continue;
        const o = opacity(e) * (isSvgShape ? Number(cs.fillOpacity) : 1);
        layers.push([c[0], c[1], c[2], c[3] * o]);
        if (layers[layers.length - 1][3] >= 0.999) break;
      }
      let bg: RGBA = [pageBg[0], pageBg[1], pageBg[2], 1];
      for (const l of layers.reverse()) bg = over(l, bg);
      return bg;
    };
    const failures: Failure[] = [];
    let checked = 0;
    const all = Array.from(document.querySelectorAll('body *'));
    for (const el of all) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'style', 'title', 'option', 'noscript'].includes(tag)) continue;
      const isField = el instanceof HTMLInputElement || el instanceof HTMLSelectElement;
      if (isField && !['text', 'number', 'select-one'].includes((el as HTMLInputElement).type)) continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      const text = isField ? (el as HTMLInputElement).value : own;
      if (!text) continue;
      // Fading lost-message marks are transient animation, not text to read.
      if (el.closest('.drop')) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility !== 'visible' || cs.display === 'none') continue;
      // Inside a closed <details> (content-visibility: hidden) it has a box but is not drawn.
      if (!el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue; // screen-reader-only text
      const isSvgText = el instanceof SVGElement;
      const fg = parse(isSvgText ? cs.fill : cs.color);
      if (!fg) continue;
      const o = opacity(el) * (isSvgText ? Number(cs.fillOpacity) : 1);
      if (o === 0) continue;
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
      // Scrolled out of its box or under another element (a log cell past the
      // log view's edge, or under its sticky row head): not seen there.
      const top = document.elementFromPoint(x, y);
      if (!isSvgText && (!top || !(top === el || el.contains(top)))) continue;
      const bg = paintedUnder(el, x, y);
      const shown = over([fg[0], fg[1], fg[2], fg[3] * o], bg);
      const scale = isSvgText ? ((el as SVGGraphicsElement).getScreenCTM()?.a ?? 1) : 1;
      const px = parseFloat(cs.fontSize) * scale;
      const bold = Number(cs.fontWeight) >= 700;
      const large = px >= 24 || (bold && px >= 18.66);
      const glyph = !/[\p{L}\p{N}]/u.test(text) || !!el.closest('.msg');
      const need = large || glyph ? 3 : 4.5;
      const got = ratio(shown, bg);
      checked++;
      if (got + 1e-6 < need) {
        const hex = (c: RGBA) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
        failures.push({ where: name(el), text: text.slice(0, 40), fg: hex(shown), bg: hex(bg), ratio: Math.round(got * 100) / 100, need });
      }
    }
    return { checked, failures };
  });
}

/** Sets a range input the way a user dragging it would (input + change events). */
async function setRange(page: Page, testid: string, value: number) {
  await page.getByTestId(testid).evaluate((el: HTMLInputElement, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

const now = (page: Page): Promise<number> => page.evaluate(() => (window as any).raftlab.snapshot().now);

// The moment measured: 1.5 s into seed 7's run, with messages in the air. The
// same seed and no actions give the same world at the same virtual time, so
// the drawing measured is the same on every run; a moment caught by pausing
// on the wall clock was not (a message glyph sometimes passed under a label).
const MOMENT_US = 1_500_000;

/** Opens `query` and stands on seed 7's MOMENT_US, paused at the default
 * speed, with n1 selected. */
async function standOnMoment(page: Page, query: string) {
  await page.goto(query);
  await expect(page.getByTestId('node')).toHaveCount(5);
  // Run fast past the moment, pause, return to the default speed (at
  // which messages in flight are drawn) and stand on the moment itself.
  const defaultSpeed = Number(await page.getByTestId('speed').inputValue());
  await setRange(page, 'speed', 500);
  await expect.poll(() => now(page), { timeout: 15_000 }).toBeGreaterThan(MOMENT_US);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
  await setRange(page, 'speed', defaultSpeed);
  await setRange(page, 'scrubber', MOMENT_US);
  await expect.poll(() => now(page)).toBe(MOMENT_US);
  expect(await page.evaluate(() => (window as any).raftlab.snapshot().leader), 'a leader at the moment').not.toBeNull();
  await expect(page.getByTestId('message').first()).toBeAttached();
  await page.locator('[data-testid=node][data-node=n1]').click();
}

/** Measures the page with each dock tab shown in turn. */
async function measureTabs(page: Page, tabs: string[], what: string) {
  for (const tab of tabs) {
    await page.getByTestId(`dock-tab-${tab}`).click();
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 6000) });
    // Let the panels that follow at reading pace catch up with the moment.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { checked, failures } = await measure(page);
    expect(checked, 'text elements measured').toBeGreaterThan(60);
    expect(failures, `${what}, ${tab} tab: text below WCAG AA`).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`text meets WCAG AA contrast in the ${scheme} scheme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    // Chinese too: its page has other words in other places.
    for (const lang of ['en', 'zh']) {
      await standOnMoment(page, `/?seed=7&lang=${lang}`);
      // The dock shows one panel at a time: measure the page with each.
      await measureTabs(page, ['inspector', 'client', 'network', 'state', 'settings', 'legend'], `${lang}, ${scheme}`);
    }
  });
}

// `theme=` against the reader's system setting: every colour must follow
// the forced theme (white glyphs on a dark theme's light fills failed).
for (const [forced, system] of [['dark', 'light'], ['light', 'dark']] as const) {
  test(`theme=${forced} on a ${system} system meets WCAG AA contrast`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: system });
    await page.setViewportSize({ width: 1280, height: 900 });
    await standOnMoment(page, `/?seed=7&lang=en&theme=${forced}`);
    await measureTabs(page, ['client', 'legend'], `theme=${forced}, system ${system}`);
  });
}
