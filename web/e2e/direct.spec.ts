import { test, expect, type Page } from '@playwright/test';

// Direct manipulation on the drawing (issue 11): crash and restart a node
// from the node itself; cut links by dragging a stroke across them.

const snapshot = (page: Page) => page.evaluate(() => (window as any).raftlab.snapshot());

async function open(page: Page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?seed=7');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await expect.poll(async () => (await snapshot(page)).leader, { timeout: 15_000 }).not.toBeNull();
}

test('the selected node carries a button that crashes it, then restarts it', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('node-power')).toHaveCount(0);
  const node = page.locator('[data-testid=node][data-node=n2]');
  await node.click();
  const power = page.getByTestId('node-power');
  await expect(power).toHaveAttribute('aria-label', 'Crash n2');
  await power.click();
  await expect.poll(async () => (await snapshot(page)).nodes[1].status).toBe('Crashed');
  await expect(node).toHaveAttribute('aria-label', /crashed/);
  await expect(power).toHaveAttribute('aria-label', 'Restart n2');
  // By keyboard too.
  await power.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await snapshot(page)).nodes[1].status).toBe('Up');
});

test('a stroke dragged across the drawing cuts the links it crosses', async ({ page }) => {
  await open(page);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('cluster').locator('.lane.cut')).toHaveCount(0);
  const centre = async (id: number) => {
    const b = (await page.locator(`[data-testid=node][data-node=n${id}] .body`).boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const [n1, n2, n3] = [await centre(1), await centre(2), await centre(3)];
  // Top to bottom just right of n1 and left of n2 and n3: n2 and n3 apart from the rest.
  const x = n1.x + (Math.min(n2.x, n3.x) - n1.x) * 0.15;
  const svg = (await page.getByTestId('cluster').boundingBox())!;
  await page.mouse.move(x, svg.y + 2);
  await page.mouse.down();
  await page.mouse.move(x, svg.y + svg.height / 2, { steps: 5 });
  await expect(page.getByTestId('knife')).toBeAttached(); // a vertical line: no width, so never 'visible'
  await page.mouse.move(x, svg.y + svg.height - 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('knife')).toHaveCount(0);
  // Six links, both ways, each drawn as two pieces.
  await expect(page.getByTestId('cluster').locator('.lane.cut')).toHaveCount(24);
  await expect(page.getByTestId('link-n1-n2')).toHaveAttribute('aria-label', /cut/);
  await expect(page.getByTestId('link-n2-n3')).not.toHaveAttribute('aria-label', /cut/);
  await expect(page.getByTestId('link-n1-n4')).not.toHaveAttribute('aria-label', /cut/);
});

test('a put to a leader cut off in a minority says it waits for a majority', async ({ page }) => {
  await open(page);
  const s = await snapshot(page);
  const leader = s.leader;
  const other = s.nodes.find((n: any) => n.id !== leader).id;
  await page.getByTestId('dock-tab-network').click();
  await page.getByTestId('workload').evaluate((el: HTMLInputElement) => {
    el.value = '0';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.getByTestId(`partition-n${leader}`).click();
  await page.getByTestId(`partition-n${other}`).click();
  await page.getByTestId('partition-apply').click();
  await page.getByTestId('dock-tab-client').click();
  await page.getByTestId('client-via').selectOption(`n${leader}`);
  await page.getByTestId('client-send').click();
  await expect(page.getByTestId('client-wait')).toContainText(`Waiting for a majority: 2 of 5 reachable from leader n${leader}`);
  // The leader crashes: the wait is for a node that is down.
  await page.locator(`[data-testid=node][data-node=n${leader}]`).click();
  await page.getByTestId('node-power').click();
  await expect(page.getByTestId('client-wait')).toContainText(`n${leader} is down`);
});
