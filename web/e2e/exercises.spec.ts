import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectErrors, screenshotDir } from './helpers';

// Classroom exercises as a student and a teacher meet them: pick one from
// the list, solve it by clicking (hand-driven delivery included), see the
// goal turn ✓ and the score; a phone in Chinese; a teacher's exercise
// opened from a link and from a file, and a malformed one refused with its
// line. The exercises themselves are proven sound natively
// (crates/sim/tests/exercises.rs).

const exerciseFile = (name: string) =>
  fs.readFileSync(path.resolve(__dirname, '../../crates/sim/exercises', name), 'utf8');

/** Delivers the oldest held message of `kind` from `from` in `to`'s queue. */
async function deliver(page: Page, to: string, kind: string, from: string) {
  const row = page
    .getByTestId(`hand-queue-${to}`)
    .locator(`li.hand-msg[data-kind="${kind}"][data-from="${from}"]`)
    .first();
  await row.locator('button.hand-deliver').click();
}

test('a student elects n3 by hand and solves the exercise, in English', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?lang=en');
  await page.getByTestId('exercise-button').click();
  await expect(page.getByTestId('exercise-menu')).toBeVisible();
  await expect(page.locator('[data-testid^=exercise-start-]')).toHaveCount(12);
  await page.getByTestId('exercise-start-vote-by-hand').click();
  await expect(page.getByTestId('exercise-menu')).toHaveCount(0);
  await expect(page.getByTestId('exercise-title')).toHaveText('Elect n3 by hand');
  const goal = page.getByTestId('exercise-goal-0');
  await expect(goal).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('hand-panel')).toBeVisible();

  // Nothing happens by itself: no timer fires while we look.
  await page.waitForTimeout(600);
  await expect(page.locator('li.hand-msg')).toHaveCount(0);

  // A hint, then the election, one message at a time.
  await page.getByTestId('exercise-hint').click();
  await expect(page.getByTestId('exercise-hint-0')).toContainText("Fire n3's election timer");
  await page.getByTestId('hand-fire-n3').click();
  await expect(page.locator('li.hand-msg[data-kind="vote"]')).toHaveCount(4);
  await page.screenshot({ path: path.join(screenshotDir, 'exercise-hand-1280x800-en.png') });
  await deliver(page, 'n1', 'vote', 'n3');
  await deliver(page, 'n3', 'vote-reply', 'n1');
  await expect(goal).toHaveAttribute('data-ok', 'false');
  await deliver(page, 'n2', 'vote', 'n3');
  await deliver(page, 'n3', 'vote-reply', 'n2');
  await expect(goal).toHaveAttribute('data-ok', 'true');
  const solved = page.getByTestId('exercise-solved');
  await expect(solved).toContainText('Goal reached with 5 actions');
  await expect(solved).toContainText('The reference solution takes 5 actions');
  await page.getByTestId('exercise-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'exercise-solved-1280x800-en.png') });

  // The solution link replays the student's run, inside the exercise, to
  // the goal: what a teacher checking it sees.
  const href = await page.getByTestId('exercise-solution-link').getAttribute('href');
  expect(href).toMatch(/\?exercise=vote-by-hand&run=/);
  const teacher = await page.context().newPage();
  const teacherErrors = collectErrors(teacher);
  await teacher.goto(href!);
  await expect(teacher.getByTestId('exercise-title')).toHaveText('Elect n3 by hand');
  await expect(teacher.getByTestId('exercise-goal-0')).toHaveAttribute('data-ok', 'true');
  await expect(teacher.getByTestId('exercise-solved')).toContainText('Goal reached with 5 actions');
  expect(teacherErrors).toEqual([]);
  await teacher.close();

  // The list remembers it, across a reload.
  await page.reload();
  await page.getByTestId('exercise-button').click();
  await expect(page.getByTestId('exercise-start-vote-by-hand')).toHaveAttribute('data-solved', 'true');
  await expect(page.getByTestId('exercise-start-figure8')).toHaveAttribute('data-solved', 'false');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('exercise-menu')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a student commits with two servers down, with time running', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?lang=en&speed=2&exercise=two-down');
  await expect(page.getByTestId('exercise-title')).toHaveText('Commit with two servers down');
  // It opens paused, so the task can be read before time runs.
  const clock = await page.getByTestId('clock').textContent();
  await page.waitForTimeout(500);
  await expect(page.getByTestId('clock')).toHaveText(clock!);
  await expect(page.getByTestId('exercise-goal-0')).toHaveAttribute('data-ok', 'false');
  await page.getByTestId('client-op').selectOption('put');
  await page.getByTestId('client-key').fill('x');
  await page.getByTestId('client-value').fill('1');
  await page.getByTestId('client-send').click();
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('exercise-solved')).toContainText('Goal reached with 1 actions', { timeout: 15_000 });
  await expect(page.getByTestId('exercise-goal-0')).toHaveAttribute('data-ok', 'true');
  expect(errors).toEqual([]);
});

test('a tool the exercise does not allow is refused', async ({ page }) => {
  await page.goto('/?lang=en&exercise=vote-by-hand');
  await expect(page.getByTestId('exercise-title')).toHaveText('Elect n3 by hand');
  // Crashing is not among this exercise's tools: the inspector's button is refused.
  await page.keyboard.press('1');
  await page.keyboard.press('c');
  await expect(page.getByTestId('action-error')).toContainText('this exercise does not allow this: crash');
  const s = await page.evaluate(() => (window as any).raftlab.snapshot());
  expect(s.nodes[0].status).toBe('Up');
});

test('a student splits the vote on a phone, in Chinese', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/?lang=zh&exercise=split-vote');
  await expect(page.getByTestId('exercise-title')).toHaveText('选票瓜分');
  await expect(page.getByTestId('exercise-text')).toContainText('瓜分选票');
  await page.getByTestId('hand-fire-n1').click();
  await page.getByTestId('hand-fire-n2').click();
  await deliver(page, 'n3', 'vote', 'n1');
  await deliver(page, 'n1', 'vote-reply', 'n3');
  await deliver(page, 'n4', 'vote', 'n2');
  await page.getByTestId('exercise-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'exercise-375x812-zh.png') });
  await expect(page.getByTestId('exercise-goal-1')).toHaveAttribute('data-ok', 'false');
  await deliver(page, 'n2', 'vote-reply', 'n4');
  for (const i of [0, 1, 2]) {
    await expect(page.getByTestId(`exercise-goal-${i}`)).toHaveAttribute('data-ok', 'true');
  }
  await expect(page.getByTestId('exercise-solved')).toContainText('目标达成');
  await page.getByTestId('exercise-solved').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(screenshotDir, 'exercise-solved-375x812-zh.png') });
  // Nothing spills sideways on the phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  expect(errors).toEqual([]);
});

test("a teacher's exercise opens from a link; a malformed one names its line", async ({ page }) => {
  const errors = collectErrors(page);
  const mine = exerciseFile('03_vote_by_hand.txt').replace(
    'exercise en Elect n3 by hand',
    'exercise en Our class election',
  );
  await page.goto(`/?lang=en&exercise-file=${Buffer.from(mine).toString('base64url')}`);
  await expect(page.getByTestId('exercise-title')).toHaveText('Our class election');
  await expect(page.getByTestId('exercise-share')).toHaveAttribute('href', /exercise-file=/);

  const broken = mine.replace('allow fire deliver', 'allow fyre deliver');
  await page.goto(`/?lang=en&exercise-file=${Buffer.from(broken).toString('base64url')}`);
  await expect(page.getByTestId('exercise-problem-text')).toHaveText(
    /^Line 7, column 7: this line cannot be read \(unknown tool "fyre"/,
  );
  await expect(page.getByTestId('exercise-panel')).toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'exercise-problem-1280x800-en.png') });
  await page.goto(`/?lang=zh&exercise-file=${Buffer.from(broken).toString('base64url')}`);
  await expect(page.getByTestId('exercise-problem-text')).toHaveText(/^第 7 行第 7 列：这一行无法解析/);

  // Sound in form, unsound in substance: the starting state already wins.
  const trivial = mine.replace('goal leader == n3', 'goal no leader');
  await page.goto(`/?lang=en&exercise-file=${Buffer.from(trivial).toString('base64url')}`);
  await expect(page.getByTestId('exercise-problem-text')).toHaveText(
    'the starting state already reaches the goal without any action',
  );
  // Not base64url at all.
  await page.goto('/?lang=en&exercise-file=%%%');
  await expect(page.getByTestId('exercise-problem')).toBeVisible();
  // An unknown built-in id.
  await page.goto('/?lang=en&exercise=no-such-thing');
  await expect(page.getByTestId('exercise-not-found')).toHaveText('There is no built-in exercise no-such-thing.');
  expect(errors).toEqual([]);
});

test("a teacher imports an exercise file", async ({ page }) => {
  await page.goto('/?lang=en');
  await page.getByTestId('exercise-button').click();
  const text = exerciseFile('11_split_vote.txt').replace('exercise en A split vote', 'exercise en Imported split');
  await page.getByTestId('exercise-import').setInputFiles({
    name: 'split.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  await expect(page.getByTestId('exercise-title')).toHaveText('Imported split');
  await expect(page.getByTestId('hand-panel')).toBeVisible();
});

test('the exercises are fetched when the list opens; a failed fetch says which file and is tried again', async ({ page }) => {
  const errors = collectErrors(page);
  // The page ships without the exercises' texts: nothing is asked for
  // until the list opens.
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/exercises/')) asked.push(r.url());
  });
  let fail = true;
  await page.route('**/exercises/08_figure8.txt', (route) =>
    fail ? route.fulfill({ status: 404, body: 'gone' }) : route.fallback(),
  );
  await page.goto('/?lang=en');
  await expect(page.getByTestId('playground')).toHaveAttribute('data-mounted', '');
  expect(asked).toEqual([]);
  await page.getByTestId('exercise-button').click();
  await expect(page.getByTestId('exercise-load-failed')).toHaveText(
    'The exercises could not be loaded: exercises/08_figure8.txt: HTTP 404',
  );
  await expect(page.getByTestId('exercise-start-two-down')).toHaveCount(0);
  await page.getByTestId('exercise-menu-close').click();
  fail = false;
  await page.getByTestId('exercise-button').click();
  await expect(page.getByTestId('exercise-start-two-down')).toBeVisible();
  await expect(page.getByTestId('exercise-load-failed')).toHaveCount(0);
  expect(asked.filter((u) => u.endsWith('/exercises/08_figure8.txt')).length).toBe(2);
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});
