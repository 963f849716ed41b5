import { expect, test } from '@playwright/test';

test('the workbench loads, its icon included, with no failed request and no console error', async ({
  page,
}) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') failed.push(m.text());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sift' })).toBeVisible();
  const icon = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? '';
    const res = await fetch(href);
    return { href, status: res.status, type: res.headers.get('content-type') ?? '' };
  });
  expect(icon).toEqual({ href: '/favicon.svg', status: 200, type: expect.stringContaining('image/svg+xml') });
  expect(failed).toEqual([]);
});
