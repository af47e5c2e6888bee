// The coverage gap map (覆盖缺口) at phone size, on both datasets: with one category chosen,
// the streets farther than its ring from every outlet of it, computed in Wasm on the phone and
// checked against the server's own `/api/coverage` (same engine, native vs Wasm).
import { expect, test, type Page } from '@playwright/test';
import { apiCount, markers, openMap, shot, expectOnMap } from './helpers';

const gapPaths = (page: Page) => page.locator('path.coverage-gap');
const toggle = (page: Page) => page.getByTestId('gap-toggle');
const summary = (page: Page) => page.getByTestId('gap-summary');

/** The percentage the summary shows ("约 26% 的街道…"). */
async function shownPercent(page: Page): Promise<number> {
  const text = (await summary(page).textContent()) ?? '';
  const m = text.match(/约\s*(\d+)%/);
  expect(m, `a percentage in "${text}"`).not.toBeNull();
  return Number(m![1]);
}

test('breakfast gaps: drawn on the phone, the same as the server', async ({ page, request }, info) => {
  const problems = await openMap(page);

  // No toggle for all categories.
  await expect(toggle(page)).toHaveCount(0);
  await page.getByTestId('chip-breakfast').click();
  await expectOnMap(page, await apiCount(request, '?category=breakfast'));
  await expect(toggle(page)).toBeVisible();
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle(page)).toHaveText(/显示缺口/);

  await toggle(page).click();
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle(page)).toHaveText(/隐藏缺口/);
  await expect(summary(page)).toBeVisible();
  await expect(summary(page)).toContainText('早餐');
  await expect(summary(page)).toContainText('分钟内到不了');
  expect(new URL(page.url()).searchParams.get('gaps')).toBe('1');

  const r = await request.get('/api/coverage?category=breakfast');
  expect(r.status()).toBe(200);
  const cov = await r.json();
  const pct = await shownPercent(page);
  expect(pct).toBe(Math.round(cov.gap_share * 100));
  await expect(summary(page)).toContainText(`${cov.minutes} 分钟`);
  expect(cov.features.length).toBeGreaterThan(0);
  await expect(gapPaths(page)).toHaveCount(cov.features.length);
  const ms = Number(await summary(page).getAttribute('data-ms'));
  console.log(`${info.project.name}: breakfast gaps ${pct}% (server ${cov.gap_share}), ` +
    `${cov.features.length} stretches, ${ms} ms in Wasm`);

  // The lines lie under the markers.
  const z = await page.evaluate(() => {
    const pane = (name: string) =>
      Number(getComputedStyle(document.querySelector(`.leaflet-${name}-pane`)!).zIndex);
    return { gaps: pane('gaps'), markers: pane('marker') };
  });
  expect(z.gaps).toBeLessThan(z.markers);
  await shot(page, info, 'gaps');

  // Off: the lines and the summary go, and so does the URL's flag.
  await toggle(page).click();
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'false');
  await expect(gapPaths(page)).toHaveCount(0);
  await expect(summary(page)).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('gaps')).toBeNull();

  // On again, then another chip: the lines go; 全部 has no toggle.
  await toggle(page).click();
  await expect(gapPaths(page)).toHaveCount(cov.features.length);
  await page.getByTestId('chip-all').click();
  await expect(gapPaths(page)).toHaveCount(0);
  await expect(toggle(page)).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('gaps')).toBeNull();

  expect(problems).toEqual([]);
});

test('a shared link with gaps=1 restores the gap map', async ({ page, request }) => {
  const problems = await openMap(page, '/?category=breakfast&gaps=1');
  const cov = await (await request.get('/api/coverage?category=breakfast')).json();
  await expect(toggle(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(gapPaths(page)).toHaveCount(cov.features.length);
  expect(await shownPercent(page)).toBe(Math.round(cov.gap_share * 100));
  // Not on the repair map.
  await page.goto('/repair?gaps=1');
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(toggle(page)).toHaveCount(0);
  await expect(gapPaths(page)).toHaveCount(0);
  expect(problems).toEqual([]);
});
