import { test, expect } from '@playwright/test';

// The settings form words what it refuses in the page's language, and does
// not restart the run with settings the simulator would refuse.

test('settings the simulator would refuse are explained in Chinese and not applied', async ({ page }) => {
  await page.goto('/?seed=7&lang=zh');
  await expect(page.getByTestId('node')).toHaveCount(5);
  await page.getByTestId('dock-tab-settings').click();
  const max = page.getByTestId('set-election-max');
  await max.fill('100');
  await max.dispatchEvent('change');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveText('选举超时最大值（100 毫秒）小于最小值（150 毫秒）');
  await expect(page.getByTestId('action-error')).toHaveCount(0);
  // A valid value clears it and restarts the run with the new timeout.
  await max.fill('400');
  await max.dispatchEvent('change');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(max).toHaveValue('400');
});

test('a tenth node is refused with the limit named, in Chinese', async ({ page }) => {
  await page.goto('/?seed=7&lang=zh&nodes=9');
  await expect(page.getByTestId('node')).toHaveCount(9);
  await page.getByTestId('dock-tab-network').click();
  await page.getByTestId('add-learner').click();
  await expect(page.getByTestId('action-error')).toContainText(
    '这个集群最多容纳 9 个节点（已移除的也算在内），因此不能再添加节点',
  );
  await expect(page.getByTestId('node')).toHaveCount(9);
});
