// What the browser tests share: opening the map and waiting for it, screenshots, counts from
// the server's own API, the outlet markers.
import { expect, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import * as path from 'node:path';

const shotDir = path.join(__dirname, '..', 'test-results', 'screenshots');

/** Saves `<project>-<name>.png` under end2end/test-results/screenshots/. */
export async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: path.join(shotDir, `${info.project.name}-${name}.png`) });
}

/** Opens the map and waits until it is drawn; returns the page errors seen meanwhile. */
export async function openMap(page: Page, url = '/') {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  await expect(page.getByTestId('map-ready')).toBeAttached();
  return problems;
}

/** How many outlets `/api/outlets` returns for a query. */
export async function apiCount(request: APIRequestContext, query = ''): Promise<number> {
  const r = await request.get(`/api/outlets${query}`);
  expect(r.status()).toBe(200);
  return (await r.json()).features.length;
}

export const markers = (page: Page) => page.locator('.outlet-marker');
export const clusters = (page: Page) => page.locator('.cluster-marker');

/** Outlets on the map: single markers plus the outlets inside cluster markers. */
export async function onMapCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const singles = document.querySelectorAll('.outlet-marker').length;
    const inClusters = Array.from(document.querySelectorAll('.cluster-marker')).reduce(
      (n, c) => n + Number(c.getAttribute('data-count') ?? 0),
      0,
    );
    return singles + inClusters;
  });
}

/** Waits until the map shows exactly `n` outlets, clustered or not. */
export async function expectOnMap(page: Page, n: number) {
  await expect.poll(() => onMapCount(page), { timeout: 10_000 }).toBe(n);
}

/** Every category code on the map: single markers' and those inside clusters. */
export async function categoriesOnMap(page: Page): Promise<Set<string>> {
  const codes = await page.evaluate(() => [
    ...Array.from(document.querySelectorAll('.outlet-marker')).map((m) => m.getAttribute('data-category') ?? ''),
    ...Array.from(document.querySelectorAll('.cluster-marker')).flatMap((c) =>
      (c.getAttribute('data-categories') ?? '').split(' '),
    ),
  ]);
  return new Set(codes.filter((c) => c));
}

/** Opens the bottom sheet's list (rows are only rendered while it is open). */
export async function openList(page: Page) {
  const toggle = page.getByTestId('sheet-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** Page errors and console errors, collected for a test to check at its end. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  return problems;
}
