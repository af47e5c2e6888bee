// Finding an outlet on the phone: search in Chinese and pinyin, open-now on the card against a
// fixed clock (each project's phone is in its city's time zone), navigation links with
// converted coordinates, the in-app walking route, elderly mode, English, clusters.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCount, clusters, onMapCount, openMap, shot } from './helpers';

const rows = (page: Page) => page.getByTestId('outlet-row');
/** The sheet's count says exactly `n` ("共 8 个网点"; "92" does not pass for 2). */
const expectCount = (page: Page, n: number, why?: string) =>
  expect(page.getByTestId('outlet-count'), why).toHaveText(new RegExp(`(^|\\D)${n}(\\D|$)`));
const search = (page: Page) => page.getByTestId('search-input');

/** Outlets of the repair kind `kind`, as the server lists them. */
const kindCount = (request: APIRequestContext, kind: string) =>
  apiCount(request, `?category=repair&repair_kind=${kind}`);

test('search finds the shoe repair by Chinese, pinyin and initials', async ({ page, request }, info) => {
  await openMap(page);
  const shoes = await kindCount(request, 'shoe');
  expect(shoes).toBeGreaterThan(0);
  // ("xx" or "xiux" would be ambiguous: 休闲 and 小修 start so too.)
  for (const q of ['修鞋', 'xiuxie', 'XiuXie', 'xiu xie']) {
    await search(page).fill(q);
    await expectCount(page, shoes, q);
    await expect(page).toHaveURL(/q=/);
  }
  await search(page).press('Enter');
  await expect(rows(page)).toHaveCount(shoes);
  await shot(page, info, 'search-xiuxie');

  // 配钥匙 by its initials; every key-cutting outlet is found (the Shanghai demo has them;
  // Helsinki's real data has none).
  const keys = await kindCount(request, 'key');
  if (keys > 0) {
    await search(page).fill('pys');
    await expect(rows(page)).toHaveCount(keys);
  }

  // Nothing found: words for people and a way back.
  await search(page).fill('zzzqqq');
  await expect(page.getByTestId('outlet-list')).toContainText('没有找到');
  await page.getByTestId('sheet-toggle').click();
  await expect(page.getByTestId('search-empty')).toContainText('没有找到');
  await page.getByTestId('search-empty').getByRole('button').click();
  await expect(search(page)).toHaveValue('');
  await expectCount(page, await apiCount(request));
});

test('a link with search words restores the search', async ({ page, request }) => {
  await openMap(page, '/repair?q=xiuxie');
  await expect(search(page)).toHaveValue('xiuxie');
  await expectCount(page, await kindCount(request, 'shoe'));
});

/** One outlet with known real (Helsinki) or sample (Shanghai) hours, and times to check. */
const hoursCase = {
  helsinki: {
    name: 'Mister Minit',
    hours: 'Mo-Fr 09:00-21:00; Sa 09:00-19:00; Su 11:00-18:00',
    // Monday 2026-11-23 in Helsinki (UTC+2 in November).
    checks: [
      ['2026-11-23T10:00:00+02:00', 'open', '营业中 · 21:00 关门'],
      ['2026-11-23T20:45:00+02:00', 'soon', '即将关门 · 21:00 关门'],
      ['2026-11-23T22:00:00+02:00', 'closed', '已关门 · 明天 09:00 开门'],
      ['2026-11-22T08:00:00+02:00', 'closed', '已关门 · 11:00 开门'],
    ],
  },
  shanghai: {
    name: '西康路小修小补',
    hours: 'Mo-Sa 08:30-18:00',
    checks: [
      ['2026-11-23T10:00:00+08:00', 'open', '营业中 · 18:00 关门'],
      ['2026-11-21T17:40:00+08:00', 'soon', '即将关门 · 18:00 关门'],
      ['2026-11-21T19:00:00+08:00', 'closed', '已关门 · 周一 08:30 开门'],
      ['2026-11-23T07:00:00+08:00', 'closed', '已关门 · 08:30 开门'],
    ],
  },
} as const;

async function openCard(page: Page, name: string) {
  await search(page).fill(name);
  await search(page).press('Enter');
  await rows(page).first().click();
  const card = page.getByTestId('outlet-popup');
  await expect(card).toBeVisible();
  await expect(card).toContainText(name);
  return card;
}

test('the card says open now, closes soon or closed for a fixed clock', async ({ page, request }, info) => {
  const c = hoursCase[info.project.name as keyof typeof hoursCase];
  const body = await (await request.get('/api/outlets')).json();
  const outlet = body.features.find((f: any) => f.properties.name === c.name);
  expect(outlet, `${c.name} is in the data`).toBeTruthy();
  expect(outlet.properties.opening_hours).toBe(c.hours);

  for (const [at, state, words] of c.checks) {
    await page.clock.setFixedTime(new Date(at));
    await openMap(page);
    const card = await openCard(page, c.name);
    const open = page.getByTestId('card-open');
    await expect(open, at).toHaveAttribute('data-open', state);
    await expect(open, at).toContainText(words);
    if (state === 'soon') await shot(page, info, 'card-closes-soon');
    await expect(card.getByTestId('card-hours')).not.toBeEmpty();
  }
});

// The published GCJ-02 / BD-09 formulas (as in wandergis/coordtransform), written again here so
// the links are checked against an independent implementation.
function gcj02(lon: number, lat: number): [number, number] {
  const a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI;
  if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) return [lon, lat];
  const x = lon - 105.0, y = lat - 35.0;
  let dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dlat += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  dlat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  dlat += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  let dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dlng += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  dlng += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  dlng += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  const radlat = (lat / 180.0) * PI;
  let magic = Math.sin(radlat);
  magic = 1 - ee * magic * magic;
  const sqrtmagic = Math.sqrt(magic);
  dlat = (dlat * 180.0) / (((a * (1 - ee)) / (magic * sqrtmagic)) * PI);
  dlng = (dlng * 180.0) / ((a / sqrtmagic) * Math.cos(radlat) * PI);
  return [lon + dlng, lat + dlat];
}
function bd09(lon: number, lat: number): [number, number] {
  const xpi = (Math.PI * 3000.0) / 180.0;
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xpi);
  const t = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xpi);
  return [z * Math.cos(t) + 0.0065, z * Math.sin(t) + 0.006];
}

test('navigation links carry converted coordinates; the walking route is drawn in-app', async ({ page, request }, info) => {
  const c = hoursCase[info.project.name as keyof typeof hoursCase];
  const body = await (await request.get('/api/outlets')).json();
  const [lon, lat] = body.features.find((f: any) => f.properties.name === c.name).geometry.coordinates;
  await openMap(page);
  await openCard(page, c.name);
  await expect(page.getByTestId('card-nav')).toBeVisible();
  await page.getByTestId('card-nav').click();
  const close = (got: string, want: number) => expect(Math.abs(Number(got) - want)).toBeLessThan(1.5e-6);

  const [glon, glat] = gcj02(lon, lat);
  const amap = new URL((await page.getByTestId('nav-amap').getAttribute('href'))!);
  expect(amap.host).toBe('uri.amap.com');
  expect(amap.searchParams.get('mode')).toBe('walk');
  const [alon, alat, aname] = amap.searchParams.get('to')!.split(',');
  close(alon, glon);
  close(alat, glat);
  expect(aname).toBe(c.name);
  if (info.project.name === 'shanghai') expect(Math.abs(glon - lon)).toBeGreaterThan(1e-3);
  else expect(glon).toBe(lon);

  const tencent = new URL((await page.getByTestId('nav-tencent').getAttribute('href'))!);
  const [tlat, tlon] = tencent.searchParams.get('tocoord')!.split(',');
  close(tlat, glat);
  close(tlon, glon);

  const [blon, blat] = bd09(glon, glat);
  const baidu = new URL((await page.getByTestId('nav-baidu').getAttribute('href'))!);
  expect(baidu.searchParams.get('coord_type')).toBe('bd09ll');
  const m = /^latlng:([-\d.]+),([-\d.]+)\|name:(.*)$/.exec(baidu.searchParams.get('destination')!);
  expect(m).not.toBeNull();
  close(m![1], blat);
  close(m![2], blon);
  await shot(page, info, 'card-navigation');

  // The fallback: our own walking route along the streets.
  await page.getByTestId('nav-route').click();
  await expect(page.getByTestId('outlet-popup')).toBeHidden();
  await expect(page.locator('path.walk-route')).toBeAttached();
  await expect(page.getByTestId('route-notice')).toContainText('步行路线');
  await shot(page, info, 'walk-route');
  await page.getByTestId('route-notice').getByRole('button').click();
  await expect(page.locator('path.walk-route')).toHaveCount(0);
});

test('elderly mode enlarges text, walks slower and is remembered', async ({ page }, info) => {
  await openMap(page);
  await page.getByTestId('sheet-toggle').click();
  const first = rows(page).first();
  const id = await first.getAttribute('data-outlet-id');
  const before = Number(await first.getAttribute('data-walk-seconds'));
  const fontBefore = await first.locator('.row-name').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));

  await page.getByTestId('elderly-toggle').click();
  await expect(page.getByTestId('elderly-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/elderly/);
  const same = page.locator(`[data-testid=outlet-row][data-outlet-id="${id}"]`);
  await expect
    .poll(async () => Number(await same.getAttribute('data-walk-seconds')))
    .toBeGreaterThan(before);
  const after = Number(await same.getAttribute('data-walk-seconds'));
  // 4.5 km/h → 3.6 km/h: every walk takes 1.25 times as long.
  expect(after / before).toBeGreaterThan(1.2);
  expect(after / before).toBeLessThan(1.3);
  const fontAfter = await same.locator('.row-name').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(fontAfter).toBeGreaterThanOrEqual(20);
  expect(fontAfter).toBeGreaterThan(fontBefore);
  await shot(page, info, 'elderly');

  await page.reload();
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page.getByTestId('elderly-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveClass(/elderly/);
});

test('English is one tap away and is remembered', async ({ page }, info) => {
  await openMap(page);
  await expect(page.getByTestId('tab-circle')).toHaveText('便民生活圈');
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('tab-circle')).toHaveText('Convenience');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page.getByTestId('chip-pharmacy')).toContainText('Pharmacy');
  await shot(page, info, 'english');
  await page.reload();
  await expect(page.getByTestId('tab-circle')).toHaveText('Convenience');
  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('tab-circle')).toHaveText('便民生活圈');
});

test('crowded outlets are clustered; a tapped cluster zooms in', async ({ page, request }, info) => {
  await openMap(page);
  const total = await apiCount(request);
  await expect.poll(() => onMapCount(page)).toBe(total);
  const n = await clusters(page).count();
  expect(n).toBeGreaterThan(0);
  // Far fewer map elements than outlets.
  expect(n + (await page.locator('.outlet-marker').count())).toBeLessThan(total);
  const zoom = Number(await page.locator('#map').getAttribute('data-zoom'));
  const biggest = clusters(page).first();
  await biggest.click();
  await expect
    .poll(async () => Number(await page.locator('#map').getAttribute('data-zoom')))
    .toBeGreaterThan(zoom);
  await shot(page, info, 'cluster-zoomed');
});
