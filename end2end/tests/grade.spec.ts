// The circle grade (issue 8) for staff, at phone and desktop size against the real server: staff
// open a circle's grade, see the verdict, both tables and a category's gap map with where to add
// an outlet, enter an item only staff know (a refused value first) with a PDF as its evidence,
// and the grade updates; the day's grade is recorded in the history; the report prints on A4 in
// one or two pages.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { shot, watchProblems } from './helpers';
import { STAFF_PASSWORD, STAFF_USER } from './staff-account';

test.describe.configure({ mode: 'serial' });

async function circleId(request: APIRequestContext): Promise<string> {
  return (await (await request.get('/api/circles')).json())[0].id;
}

/** The grade's points as the page prints them (tenths → "4.4" / "60"). */
const points = (tenths: number) => (tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1));

async function logIn(page: Page) {
  await page.goto('/staff');
  await page.getByLabel('用户名').fill(STAFF_USER);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByTestId('login').click();
  await expect(page.locator('#step-heading')).toHaveText('满意度调查管理');
}

test('staff see the grade and a gap map, enter an item, and the grade updates; it prints', async ({ page, request }, info) => {
  const problems = watchProblems(page);
  const circle = await circleId(request);
  await logIn(page);
  await page.getByTestId(`circle-${circle}`).getByTestId('grade-link').tap();
  await expect(page.getByTestId('grade-verdict')).toBeVisible();

  // What the page shows is the server's grade.
  const api = await (await request.get(`/api/circles/${circle}/grade`)).json();
  await expect(page.getByTestId('facilities-total')).toHaveText(points(api.grade.facilities.total));
  await expect(page.getByTestId('service-total')).toHaveText(points(api.grade.service.total));
  const type = api.grade.result.circle_type;
  await expect(page.getByTestId('grade-type')).toContainText(type ? type.name_zh : '未评级');
  for (const c of api.grade.facilities.categories) {
    await expect(page.getByTestId(`presence-${c.code}`)).toContainText(c.present ? '有' : '缺');
  }
  await shot(page, info, 'grade');

  // The worst gap is open from the start (so the printed report has a gap map too).
  await expect(page.getByTestId('gap-panel')).toBeVisible();
  await expect(page.getByTestId('gap-title')).toContainText('缺口：');
  await expect(page.getByTestId('gap-map')).toBeVisible();

  // A category that part of the circle lacks: its gap map and where to add.
  const lacking = api.grade.facilities.categories.find((c: { reached: number; origins: number }) => c.reached < c.origins);
  await page.getByTestId(`gaps-${lacking.code}`).tap();
  await expect(page.getByTestId('gap-title')).toHaveText(`缺口：${lacking.name_zh}`);
  await expect(page.getByTestId('gap-map')).toBeVisible();
  await expect(page.getByTestId('gap-summary')).toContainText('分钟内没有这类网点');
  await expect(page.getByTestId('suggestion').first()).toContainText('可多覆盖');
  await expect(page.getByTestId('gap-map').locator('.gap-pick').first()).toBeVisible();
  await page.getByTestId('gap-panel').scrollIntoViewIfNeeded();
  await shot(page, info, 'grade-gaps');

  // 商居和谐: 0, 4 or 8 only. A 5 is refused in Chinese and changes nothing.
  const part = page.getByTestId('part-harmony.harmony');
  await part.getByTestId('edit-part').tap();
  await page.getByLabel(/^分数/).fill('5');
  await page.getByLabel('说明（依据）').fill('居民议事会：无投诉');
  await page.getByTestId('save-entry').tap();
  await expect(page.getByTestId('entry-error')).toContainText('分值只能是');
  await expect(page.getByTestId('service-total')).toHaveText(points(api.grade.service.total));
  await page.getByTestId('entry-form').scrollIntoViewIfNeeded();
  await shot(page, info, 'grade-entry');

  // With the meeting's minutes attached as a PDF (the evidence an inspector asks for).
  const minutes = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
  await page.getByLabel(/^分数/).fill('8');
  await page.getByTestId('entry-file').setInputFiles({ name: '议事会纪要.pdf', mimeType: 'application/pdf', buffer: minutes });
  await page.getByTestId('save-entry').tap();
  await expect(page.getByTestId('service-total')).toHaveText(points(api.grade.service.total + 80));
  await expect(part.getByTestId('part-points')).toHaveText('8 / 8');
  await expect(part.getByTestId('part-evidence')).toContainText('居民议事会：无投诉');
  const link = part.getByTestId('attachment-link');
  await expect(link).toHaveText('议事会纪要.pdf');
  await expect(link).toHaveAttribute('target', '_blank');
  // Staff (this page's session) get the file as uploaded; without the session, nobody does.
  const href = (await link.getAttribute('href'))!;
  const own = await page.request.get(href);
  expect(own.status()).toBe(200);
  expect(Buffer.from(await own.body()).equals(minutes)).toBe(true);
  expect((await request.get(href)).status()).toBe(401);
  await part.scrollIntoViewIfNeeded();
  await shot(page, info, 'grade-evidence');
  const after = await (await request.get(`/api/circles/${circle}/grade`)).json();
  expect(after.grade.service.total).toBe(api.grade.service.total + 80);

  // Today's grade goes into the history.
  await page.getByTestId('record-grade').tap();
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-row')).toContainText(points(after.grade.service.total));

  // The report prints on A4 in one or two pages (Chromium's print to PDF).
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ path: `test-results/screenshots/${info.project.name}-grade.pdf`, format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  expect(pages, 'printed pages').toBeGreaterThanOrEqual(1);
  expect(pages, 'printed pages').toBeLessThanOrEqual(2);
  await page.emulateMedia({ media: 'screen' });
  expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
});

test('the grade reads well at desktop size too', async ({ page, request }, info) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const circle = await circleId(request);
  await logIn(page);
  await page.goto(`/staff/grade?circle=${circle}`);
  await expect(page.getByTestId('grade-verdict')).toBeVisible();
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  // Nothing wider than the window.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, info, 'grade-desktop');
});
