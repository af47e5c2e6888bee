// Walking times at phone size, on both datasets: the 5/10/15-minute rings around the origin,
// the origin (device, else the circle centre, a tap moves it), the list nearest first, and the
// walking filter checked against the server's own answer (same engine, native vs Wasm).
import { expect, test, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import { apiCount, markers, openList, openMap, shot as saveShot, expectOnMap } from './helpers';

const shot = (page: Page, info: TestInfo, name: string) => saveShot(page, info, `walk-${name}`);

const rows = (page: Page) => page.getByTestId('outlet-row');
const sheet = (page: Page) => page.getByTestId('sheet');

const fromOf = (page: Page) => new URL(page.url()).searchParams.get('from');

/** A chosen origin as the URL has it (`from=lon,lat`, 6 decimals). */
function fromParam(page: Page): string {
  const from = fromOf(page);
  expect(from, 'the URL carries the origin').toMatch(/^-?\d+\.\d{6},-?\d+\.\d{6}$/);
  return from!;
}

/** The origin the page walks from (`lon,lat`, 6 decimals), whatever its kind. */
async function originOf(page: Page): Promise<string> {
  const o = await sheet(page).getAttribute('data-origin');
  expect(o, 'the sheet carries the origin').toMatch(/^-?\d+\.\d{6},-?\d+\.\d{6}$/);
  return o!;
}

type RowInfo = { id: string; seconds: number | null; meters: number | null; text: string };

async function rowInfo(page: Page): Promise<RowInfo[]> {
  return rows(page).evaluateAll((els) =>
    els.map((e) => {
      const num = (name: string) => {
        const v = e.getAttribute(name) ?? '';
        return v === '' ? null : Number(v);
      };
      return {
        id: e.getAttribute('data-outlet-id') ?? '',
        seconds: num('data-walk-seconds'),
        meters: num('data-walk-meters'),
        text: e.textContent ?? '',
      };
    }),
  );
}

async function reach(request: APIRequestContext, from: string, minutes: number) {
  const [lon, lat] = from.split(',');
  const r = await request.get(`/api/reach?lon=${lon}&lat=${lat}&minutes=${minutes}`);
  expect(r.status()).toBe(200);
  return (await r.json()).features as { id: number; properties: { id: number; walk_meters: number; walk_seconds: number } }[];
}

test('rings around the circle centre, a kind notice, and the list nearest first', async ({ page, request }, info) => {
  const problems = await openMap(page);

  for (const m of [5, 10, 15]) {
    await expect(page.locator(`path.isochrone-ring.isochrone-${m}`)).toHaveCount(1);
  }
  // Nearer rings inside farther ones: their drawn areas grow with the minutes.
  const areas = await page.evaluate(() =>
    [5, 10, 15].map((m) => {
      const r = document.querySelector(`path.isochrone-${m}`)!.getBoundingClientRect();
      return r.width * r.height;
    }),
  );
  expect(areas[0]).toBeGreaterThan(0);
  expect(areas[1]).toBeGreaterThan(areas[0]);
  expect(areas[2]).toBeGreaterThan(areas[1]);

  // No geolocation in this browser: the walk starts at the circle centre, and says so.
  const notice = page.getByTestId('origin-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('以生活圈中心为起点');
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'centre');
  await expect(page.locator('.origin-marker')).toHaveCount(1);
  await expect(page.locator('.origin-marker')).toContainText('起点');
  // The centre is not written into the URL: a reload looks for the device again.
  expect(fromOf(page)).toBeNull();
  const circle = (await (await request.get('/api/circles')).json())[0];
  expect(await originOf(page)).toBe(`${circle.centre[0].toFixed(6)},${circle.centre[1].toFixed(6)}`);
  await shot(page, info, 'rings');

  // Every outlet is listed (全部), nearest first, each with its walk.
  const total = await apiCount(request);
  await openList(page);
  await expect(rows(page)).toHaveCount(total);
  const list = await rowInfo(page);
  const known = list.filter((r) => r.seconds !== null);
  expect(known.length, 'most outlets have a walking time').toBeGreaterThan(total * 0.9);
  const firstUnknown = list.findIndex((r) => r.seconds === null);
  if (firstUnknown >= 0) {
    expect(list.slice(firstUnknown).every((r) => r.seconds === null), 'unknown walks come last').toBe(true);
  }
  for (let i = 1; i < known.length; i++) {
    expect(known[i].seconds!, `row ${i} is not nearer than row ${i - 1}`).toBeGreaterThanOrEqual(known[i - 1].seconds!);
  }
  for (const r of known) {
    expect(r.text).toMatch(/步行 \d+ 分钟 · [\d.]+ (米|公里)/);
  }
  for (const r of list.slice(known.length)) {
    expect(r.text).toContain('步行距离未知');
  }

  // Pull the sheet up: the list is on screen, the nearest outlet first.
  await openList(page);
  await expect(rows(page).first()).toBeVisible();
  await expect(rows(page).first()).toBeInViewport();
  await page.waitForTimeout(300); // the sheet's slide
  await shot(page, info, 'list');

  // A row opens the same card as its marker, with the walk on it.
  const first = list[0];
  await rows(page).first().click();
  const card = page.getByTestId('outlet-popup');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('card-walk')).toContainText(/步行 \d+ 分钟 · [\d.]+ (米|公里)/);
  await expect(page.locator('.outlet-icon.is-selected .outlet-marker')).toHaveAttribute('data-id', first.id);
  await page.waitForTimeout(300);
  await shot(page, info, 'card');
  // Closing the card brings the list back.
  await card.getByRole('button', { name: '关闭' }).click();
  await expect(page.getByTestId('sheet-toggle')).toHaveAttribute('aria-expanded', 'true');
  expect(problems).toEqual([]);
});

test('the walking filter shows what the server finds within 5 minutes, with the same metres', async ({ page, request }, info) => {
  const problems = await openMap(page);
  const from = await originOf(page);
  const server = await reach(request, from, 5);

  const walk5 = page.getByTestId('walk-5');
  await walk5.click();
  await expect(walk5).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('walk-all')).toHaveAttribute('aria-pressed', 'false');
  await expect(page).toHaveURL(/[?&]min=5(&|$)/);

  await openList(page);
  await expect(rows(page)).toHaveCount(server.length);
  await expectOnMap(page, server.length);
  await expect(page.getByTestId('outlet-count')).toContainText(String(server.length));
  const list = await rowInfo(page);
  for (const r of list) {
    expect(r.seconds, `outlet ${r.id}`).not.toBeNull();
    expect(r.seconds!).toBeLessThanOrEqual(300);
  }
  // Same outlets as the server, and the same walk to within a metre (Wasm vs native).
  const byId = new Map(list.map((r) => [r.id, r]));
  expect(new Set(byId.keys())).toEqual(new Set(server.map((f) => String(f.properties.id))));
  for (const f of server.slice(0, 8)) {
    const row = byId.get(String(f.properties.id))!;
    expect(Math.abs(row.meters! - f.properties.walk_meters), `outlet ${f.properties.id} metres`).toBeLessThanOrEqual(1);
    expect(Math.abs(row.seconds! - f.properties.walk_seconds), `outlet ${f.properties.id} seconds`).toBeLessThanOrEqual(1);
  }
  if (server.length === 0) {
    await expect(page.getByTestId('walk-empty')).toContainText('附近5分钟内没有找到');
  }
  await shot(page, info, 'filter-5');

  // Combined with a chip: 10 minutes and pharmacies only, again as the server says.
  await page.getByTestId('walk-10').click();
  await page.getByTestId('chip-pharmacy').click();
  const [lon, lat] = from.split(',');
  const r = await request.get(`/api/reach?lon=${lon}&lat=${lat}&minutes=10&category=pharmacy`);
  const pharmacies10 = (await r.json()).features.length;
  await expectOnMap(page, pharmacies10);
  await openList(page);
  await expect(rows(page)).toHaveCount(pharmacies10);
  await expect(page).toHaveURL(/category=pharmacy/);
  await expect(page).toHaveURL(/min=10/);

  await page.getByTestId('walk-all').click();
  await expect(page).not.toHaveURL(/min=/);
  expect(problems).toEqual([]);
});

test('an empty walking filter says so and offers a longer walk', async ({ page, request }, info) => {
  await openMap(page);
  const from = await originOf(page);
  const [lon, lat] = from.split(',');
  // A category with nothing within 5 minutes of the centre, if there is one.
  const rules = await (await request.get('/api/rules')).json();
  let empty: { code: string; name: string } | null = null;
  for (const c of rules.categories as { code: string; name_zh: string }[]) {
    const r = await request.get(`/api/reach?lon=${lon}&lat=${lat}&minutes=5&category=${c.code}`);
    if ((await r.json()).features.length === 0) {
      empty = { code: c.code, name: c.name_zh };
      break;
    }
  }
  test.skip(empty === null, 'every category is within 5 minutes of the centre');
  await page.goto(`/?category=${empty!.code}&min=5&from=${from}`);
  await expect(page.getByTestId('map-ready')).toBeAttached();
  const status = page.getByTestId('walk-empty');
  await expect(status).toContainText(`附近5分钟内没有找到${empty!.name}`);
  await expect(status).toContainText('试试15分钟');
  await shot(page, info, 'empty');
  await status.getByRole('button').click();
  await expect(page.getByTestId('walk-15')).toHaveAttribute('aria-pressed', 'true');
});

/** Screen points on the map with no marker or control on top, some way from the origin pin (but
 *  not so far as to leave the circle's streets), farthest first. */
async function freeMapPoints(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => {
    const map = document.getElementById('map')!.getBoundingClientRect();
    const pin = document.querySelector('.origin-marker .origin-dot')!.getBoundingClientRect();
    const [px, py] = [pin.left + pin.width / 2, pin.top + pin.height / 2];
    const out: [number, number, number][] = [];
    for (let fy = 0.2; fy <= 0.8; fy += 0.05) {
      for (let fx = 0.15; fx <= 0.85; fx += 0.05) {
        const [x, y] = [map.left + map.width * fx, map.top + map.height * fy];
        // Clear of markers by a finger's width on every side.
        const clear = [[0, 0], [-24, 0], [24, 0], [0, -24], [0, 24]].every(([dx, dy]) => {
          const el = document.elementFromPoint(x + dx, y + dy);
          return (
            el !== null &&
            el.closest('#map') !== null &&
            el.closest('.leaflet-marker-icon, .leaflet-control-container') === null
          );
        });
        const dist = Math.hypot(x - px, y - py);
        if (clear && dist > 60 && dist < map.width * 0.3) out.push([x, y, dist]);
      }
    }
    out.sort((a, b) => b[2] - a[2]);
    return out.map(([x, y]) => [x, y] as [number, number]);
  });
}

test('a tap on the map moves the origin and redraws the rings', async ({ page }, info) => {
  const problems = await openMap(page);
  const before = await originOf(page);
  expect(fromOf(page)).toBeNull();
  const ringBefore = await page.locator('path.isochrone-15').getAttribute('d');

  // Fewer markers (one category), so there is open map to tap on.
  await page.getByTestId('chip-pharmacy').click();
  await expect(page).toHaveURL(/category=pharmacy/);

  // A tap on a marker opens its card and leaves the origin alone; the next tap on the map
  // only closes the card.
  const box = (await markers(page).first().boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('outlet-popup')).toBeVisible();
  await page.waitForTimeout(600);
  await expect(page.getByTestId('outlet-popup')).toBeVisible();
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'centre');
  const [cx, cy] = (await freeMapPoints(page))[0];
  await page.mouse.click(cx, cy);
  await expect(page.getByTestId('outlet-popup')).toHaveCount(0);
  await page.waitForTimeout(600);
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'centre');
  let moved = false;
  for (const [x, y] of (await freeMapPoints(page)).slice(0, 10)) {
    await page.mouse.click(x, y);
    try {
      await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'tap', { timeout: 2000 });
      moved = true;
      break;
    } catch {
      // Off the streets: the app said so and kept the origin; try another spot.
      await expect(page.getByTestId('map-toast')).toContainText('不能作为起点');
    }
  }
  expect(moved, 'some tap on the map lands near a street').toBe(true);
  await expect.poll(() => fromOf(page)).not.toBeNull();
  const after = fromParam(page);
  expect(after).not.toBe(before);
  expect(await sheet(page).getAttribute('data-origin')).toBe(after);
  await expect(page.locator('.origin-marker')).toHaveAttribute('data-lonlat', after);
  await expect.poll(() => page.locator('path.isochrone-15').getAttribute('d')).not.toBe(ringBefore);
  for (const m of [5, 10, 15]) {
    await expect(page.locator(`path.isochrone-${m}`)).toHaveCount(1);
  }
  await expect(page.getByTestId('origin-notice')).toHaveCount(0);
  await expect(sheet(page)).toContainText('地图上选的点');
  await shot(page, info, 'tap');

  // The link restores it: reload and the walk starts at the same point.
  await page.reload();
  await expect(page.getByTestId('map-ready')).toBeAttached();
  expect(fromParam(page)).toBe(after);
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'link');
  expect(problems).toEqual([]);
});

test('a shared link keeps its origin, walking filter and chip', async ({ page, request }) => {
  await openMap(page);
  const from = await originOf(page);
  await page.goto(`/repair?min=10&from=${from}`);
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page.getByTestId('walk-10')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('tab-repair')).toHaveAttribute('aria-selected', 'true');
  await expect(sheet(page)).toHaveAttribute('data-origin', from);
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'link');
  expect(fromParam(page)).toBe(from);
  const [lon, lat] = from.split(',');
  const r = await request.get(`/api/reach?lon=${lon}&lat=${lat}&minutes=10&category=repair`);
  await expectOnMap(page, (await r.json()).features.length);
});

test('with the device position allowed, the walk starts there', async ({ page, context, request }, info) => {
  // A street point away from the centre: where the server snaps a point part-way to a corner.
  const circle = (await (await request.get('/api/circles')).json())[0];
  const [, s, e] = circle.bbox as number[];
  let device: [number, number] | null = null;
  for (const f of [0.3, 0.2, 0.4, 0.1]) {
    const lon = circle.centre[0] + (e - circle.centre[0]) * f;
    const lat = circle.centre[1] + (s - circle.centre[1]) * f;
    const r = await request.get(`/api/isochrone?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&minutes=5`);
    if (r.status() === 200) {
      device = (await r.json()).origin.snapped;
      break;
    }
  }
  expect(device, 'a street point in the circle').not.toBeNull();
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ longitude: device![0], latitude: device![1] });

  const problems = await openMap(page);
  await expect(sheet(page)).toHaveAttribute('data-origin-kind', 'device');
  await expect(page.getByTestId('origin-notice')).toHaveCount(0);
  expect(await originOf(page)).toBe(`${device![0].toFixed(6)},${device![1].toFixed(6)}`);
  // The device position stays out of the URL (and out of links the resident shares).
  expect(fromOf(page)).toBeNull();
  await expect(page.locator('.origin-marker')).toContainText('我的位置');
  await expect(sheet(page)).toContainText('我的位置');
  for (const m of [5, 10, 15]) {
    await expect(page.locator(`path.isochrone-${m}`)).toHaveCount(1);
  }
  await shot(page, info, 'device');
  expect(problems).toEqual([]);
});

test('without the walk graph the map still works and says walking times are unavailable', async ({ page, request }, info) => {
  await page.route('**/api/graph', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto('/');
  await expect(page.getByTestId('map-ready')).toBeAttached();
  const total = await apiCount(request);
  await expectOnMap(page, total);
  await openList(page);
  await expect(rows(page)).toHaveCount(total);
  await expect(page.getByTestId('walk-unavailable')).toBeVisible();
  await expect(page.locator('path.isochrone-ring')).toHaveCount(0);
  await expect(rows(page).first()).toContainText('步行距离未知');
  await expect(page.getByTestId('walk-5')).toBeDisabled();
  await shot(page, info, 'no-graph');
});
