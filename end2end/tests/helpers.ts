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
