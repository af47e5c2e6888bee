// The resident's two maps at phone size, on both datasets (Playwright projects `shanghai` and
// `helsinki`), against the real server and its fresh SQLite file.
import { expect, test, type Page } from '@playwright/test';
import { apiCount, categoriesOnMap, expectOnMap, markers, openMap, shot } from './helpers';

async function attr(page: Page, name: string): Promise<string[]> {
  return markers(page).evaluateAll((els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);
}

/** The fill colour a marker shows: its own background or its first coloured descendant's. */
async function markerColours(page: Page): Promise<Map<string, Set<string>>> {
  const pairs = await markers(page).evaluateAll((els) =>
    els.map((el) => {
      const nodes = [el, ...Array.from(el.querySelectorAll('*'))];
      const coloured = nodes
        .map((n) => getComputedStyle(n).backgroundColor)
        .find((c) => c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent' && c !== 'rgb(255, 255, 255)');
      return [el.getAttribute('data-category') ?? '', coloured ?? ''];
    }),
  );
  const byCategory = new Map<string, Set<string>>();
  for (const [cat, colour] of pairs) {
    if (!byCategory.has(cat)) byCategory.set(cat, new Set());
    byCategory.get(cat)!.add(colour);
  }
  return byCategory;
}

test('the circle map shows coloured outlet markers, a legend and the OSM attribution', async ({ page, request }, info) => {
  const problems = await openMap(page);
  const total = await apiCount(request);
  expect(total).toBeGreaterThan(100);
  await expectOnMap(page, total);
  await expect(page.getByTestId('outlet-count')).toContainText(String(total));

  // Crowded markers are clustered at this zoom: the clusters carry their counts.
  await expect(page.locator('.cluster-marker').first()).toBeVisible();

  // Coloured by category: one colour per category, and different categories differ (checked
  // on the markers not in clusters, and on the legend, which shows every category's look).
  const colours = await markerColours(page);
  expect(colours.size).toBeGreaterThan(0);
  for (const [cat, set] of colours) {
    expect(set.size, `category ${cat} has one colour`).toBe(1);
    expect([...set][0], `category ${cat} is coloured`).not.toBe('');
  }

  const attribution = page.locator('.leaflet-control-attribution');
  await expect(attribution).toBeVisible();
  await expect(attribution).toContainText('OpenStreetMap');
  await expect(attribution).toContainText('contributors');
  await expect(attribution).toBeInViewport({ ratio: 1 });

  // The basemap is drawn from the bundled GeoJSON: Leaflet's canvas or SVG paths exist.
  await expect(page.locator('#map canvas, #map svg path').first()).toBeAttached();

  await shot(page, info, 'circle-map');

  await page.getByTestId('legend-toggle').click();
  const legend = page.getByTestId('legend');
  await expect(legend).toBeVisible();
  await expect(legend).toContainText('药店');
  await expect(legend).toContainText('小修小补');
  const legendColours = await legend
    .locator('li[data-code] .glyph')
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(new Set(legendColours).size).toBeGreaterThan(5);
  await shot(page, info, 'legend');
  expect(problems).toEqual([]);
});

test('choosing a category shows only that category', async ({ page, request }, info) => {
  await openMap(page);
  const total = await apiCount(request);
  const pharmacies = await apiCount(request, '?category=pharmacy');
  expect(pharmacies).toBeGreaterThan(0);

  const chip = page.getByTestId('chip-pharmacy');
  await chip.click();
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await expectOnMap(page, pharmacies);
  expect(await categoriesOnMap(page)).toEqual(new Set(['pharmacy']));
  await expect(page.getByTestId('outlet-count')).toContainText(String(pharmacies));
  await expect(page).toHaveURL(/category=pharmacy/);
  await shot(page, info, 'category-pharmacy');

  await page.getByTestId('chip-all').click();
  await expectOnMap(page, total);
});

test('the repair map shows only repair outlets and filters by repair kind', async ({ page, request }, info) => {
  await openMap(page);
  await page.getByTestId('tab-repair').click();
  await expect(page).toHaveURL(/\/repair/);
  await expect(page.getByTestId('tab-repair')).toHaveAttribute('aria-selected', 'true');

  const repairs = await apiCount(request, '?category=repair');
  expect(repairs).toBeGreaterThan(0);
  await expectOnMap(page, repairs);
  expect(await categoriesOnMap(page)).toEqual(new Set(['repair']));
  await shot(page, info, 'repair-map');

  const shoes = await apiCount(request, '?category=repair&repair_kind=shoe');
  expect(shoes).toBeGreaterThan(0);
  await page.getByTestId('chip-shoe').click();
  await expectOnMap(page, shoes);
  for (const kinds of await attr(page, 'data-repair-kinds')) {
    expect(kinds.split(' ')).toContain('shoe');
  }
  await expect(page).toHaveURL(/kind=shoe/);
  await shot(page, info, 'repair-shoe');

  await page.getByTestId('tab-circle').click();
  await expectOnMap(page, await apiCount(request));
});

test('a shared link restores the view and its filter', async ({ page, request }) => {
  await openMap(page, '/repair?kind=tailoring');
  await expect(page.getByTestId('tab-repair')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('chip-tailoring')).toHaveAttribute('aria-pressed', 'true');
  const tailors = await apiCount(request, '?category=repair&repair_kind=tailoring');
  await expectOnMap(page, tailors);

  await page.goto('/?category=pharmacy');
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page.getByTestId('chip-pharmacy')).toHaveAttribute('aria-pressed', 'true');
  await expectOnMap(page, await apiCount(request, '?category=pharmacy'));
});

test('tapping a marker opens its card; sample data is labelled as such', async ({ page, request }, info) => {
  await openMap(page, '/?category=pharmacy');
  const body = await (await request.get('/api/outlets?category=pharmacy')).json();
  const names: string[] = body.features.map((f: any) => f.properties.name ?? '');
  const sample: boolean = body.features.every((f: any) => f.properties.sample);

  const box = await markers(page).first().boundingBox();
  expect(box).not.toBeNull();
  await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  const card = page.getByTestId('outlet-popup');
  await expect(card).toBeVisible();
  const text = await card.innerText();
  expect(names.some((n) => n && text.includes(n)), `card shows an outlet name: ${text}`).toBe(true);
  await expect(card).toContainText('药店');

  if (info.project.name === 'shanghai') {
    expect(sample).toBe(true);
    await expect(card).toContainText('示例数据');
    await expect(page.getByTestId('sample-badge')).toBeVisible();
    await expect(page.getByTestId('sample-badge')).toContainText('示例数据');
  } else {
    expect(sample).toBe(false);
    await expect(card).not.toContainText('示例数据');
    await expect(page.getByTestId('sample-badge')).toHaveCount(0);
  }
  await shot(page, info, 'outlet-card');
});
