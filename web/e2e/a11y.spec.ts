import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// Accessibility (issue 11): axe-core finds no violation on the default page,
// during a tour, with the inspector open, and on the Chinese phone page; the
// dialogs (help, tour menu) take focus, keep Tab inside, and give focus back
// to what opened them when they close.

/** Runs axe on the page as it stands (paused, so nothing changes under it). */
async function violations(page: Page) {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1] ?? ''}`),
  }));
}

async function pause(page: Page) {
  const play = page.getByTestId('play-pause');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'false');
}

test('no axe violation on the default page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?seed=7');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect.poll(() => page.evaluate(() => (window as any).raftlab.snapshot().leader)).not.toBeNull();
  await pause(page);
  expect(await violations(page)).toEqual([]);
});

test('no axe violation during a tour', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?tour=election');
  const card = page.getByTestId('tour-card');
  await expect(card).toBeVisible();
  await expect(card).not.toHaveAttribute('data-phase', 'running', { timeout: 10_000 });
  expect(await violations(page)).toEqual([]);
});

test('no axe violation with the inspector open on a node, a link and a message', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?seed=7');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect.poll(() => page.evaluate(() => (window as any).raftlab.snapshot().leader)).not.toBeNull();
  await pause(page);
  await page.locator('[data-testid=node][data-node=n1]').click();
  await expect(page.getByTestId('node-inspector')).toBeVisible();
  expect(await violations(page)).toEqual([]);
  await page.getByTestId('link-n1-n2').click({ force: true });
  expect(await violations(page)).toEqual([]);
  for (let i = 0; i < 200 && (await page.getByTestId('flight-item').count()) === 0; i++) await page.keyboard.press('.');
  await page.getByTestId('dock-tab-network').click();
  await page.getByTestId('flight-item').first().click();
  await expect(page.getByTestId('message-inspector')).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('no axe violation on the Chinese phone page, nor in any tab of its dock', async ({ page }) => {
  test.setTimeout(90_000); // six axe runs
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?seed=7&lang=zh');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await pause(page);
  expect(await violations(page)).toEqual([]);
  for (const tab of ['inspector', 'network', 'state', 'settings', 'legend']) {
    await page.getByTestId(`dock-tab-${tab}`).click();
    expect(await violations(page), `${tab} tab`).toEqual([]);
  }
});

/** The data-testid (or tag) of the focused element, and whether it lies in `within`. */
const focused = (page: Page, within: string) =>
  page.evaluate((sel) => {
    const a = document.activeElement;
    return { id: a?.getAttribute('data-testid') ?? a?.tagName ?? '', inside: !!a && !!document.querySelector(sel)?.contains(a) };
  }, within);

for (const [name, opener, dialog, close] of [
  ['help', 'help', 'help-overlay', 'help-close'],
  ['tour menu', 'tour-button', 'tour-menu', 'tour-menu-close'],
] as const) {
  test(`the ${name} dialog takes focus, traps Tab and gives focus back`, async ({ page }) => {
    await page.goto('/?seed=7');
    await expect(page.getByTestId('node')).toHaveCount(5);
    await page.getByTestId(opener).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(dialog)).toBeVisible();
    expect((await focused(page, `[data-testid=${dialog}]`)).inside, 'focus moved into the dialog').toBe(true);
    // More presses each way than it has controls never leave it.
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 14; i++) {
        await page.keyboard.press(key);
        const f = await focused(page, `[data-testid=${dialog}]`);
        expect(f.inside, `${key} #${i + 1} left the dialog for ${f.id}`).toBe(true);
      }
    }
    await page.keyboard.press('Escape');
    await expect(page.getByTestId(dialog)).toHaveCount(0);
    expect((await focused(page, 'body')).id, 'focus back on the opener').toBe(opener);
    // Closing with its button gives focus back too.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(dialog)).toBeVisible();
    await page.getByTestId(close).click();
    await expect(page.getByTestId(dialog)).toHaveCount(0);
    expect((await focused(page, 'body')).id).toBe(opener);
  });
}
