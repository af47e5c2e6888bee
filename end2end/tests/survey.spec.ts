// The satisfaction survey (issue 5) at phone size against the real server: staff open a round
// and print codes through the UI; a resident answers with a code by tapping; the indicator page
// shows the new counts; a used code is refused; a required question stops the resident; an
// answer made offline is queued on the phone and arrives exactly once, also when the server's
// answer to the first try is lost. Serial: the tests share the round the first one opens.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { shot, watchProblems } from './helpers';
import { STAFF_PASSWORD, STAFF_USER } from './staff-account';

test.describe.configure({ mode: 'serial' });

const CODE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

type Round = { id: number; responses: number; sample_target: number; population: number };
type Question = { id: string; kind: string; zh: string; required?: boolean; options?: { code: string; zh: string }[] };
type Questionnaire = { questions: Question[]; scale: { options: { value: number; zh: string }[] } };

/** Codes printed on the sheet in the first test, used by the later ones when they have them. */
const printed: string[] = [];

async function circleId(request: APIRequestContext): Promise<string> {
  const r = await request.get('/api/circles');
  expect(r.status()).toBe(200);
  return (await r.json())[0].id;
}

async function questionnaire(request: APIRequestContext): Promise<Questionnaire> {
  return (await request.get('/api/survey/questionnaire')).json();
}

/** Logs `request` in as the test's staff account; returns the CSRF token. */
async function staffLogin(request: APIRequestContext): Promise<string> {
  const r = await request.post('/api/staff/login', { data: { username: STAFF_USER, password: STAFF_PASSWORD } });
  expect(r.status(), await r.text()).toBe(200);
  return (await r.json()).csrf;
}

/** The circle's open round, opened (population 100, codes) if there is none. */
async function openRound(request: APIRequestContext, circle: string): Promise<Round> {
  const csrf = await staffLogin(request);
  const circles = await (await request.get('/api/staff/circles')).json();
  const c = circles.find((x: { id: string }) => x.id === circle);
  if (c.open_round) return c.open_round;
  const r = await request.post(`/api/staff/circles/${circle}/rounds`, {
    data: { population: 100, open_mode: false },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(r.status(), await r.text()).toBe(201);
  return r.json();
}

/** A fresh code of the open round: one printed by the first test, else one issued now. */
async function freshCode(request: APIRequestContext, circle: string, base: string): Promise<string> {
  if (printed.length > 0) return printed.shift()!;
  const round = await openRound(request, circle);
  const csrf = await staffLogin(request);
  const r = await request.post(`/api/staff/rounds/${round.id}/codes`, {
    data: { count: 1, base_url: base },
    headers: { 'X-CSRF-Token': csrf },
  });
  expect(r.status(), await r.text()).toBe(201);
  return (await r.json()).codes[0].code;
}

/** The round's response count, from the public indicators. */
async function responses(request: APIRequestContext, circle: string): Promise<number> {
  const r = await request.get(`/api/circles/${circle}/indicators`);
  expect(r.status()).toBe(200);
  return (await r.json()).indicators.responses;
}

/** Page errors and console errors while a test runs (none are expected). */
// The resident's answers: business 满意, 满意, 比较满意 (3 of 3 satisfied); service 满意, 一般,
// 不太满意, 比较满意 (2 of 4); overall 5 of 7.
const SCALE: Record<string, string> = {
  daily_shopping: '满意',
  variety: '满意',
  opening_hours: '比较满意',
  service_quality: '满意',
  clean_orderly: '一般',
  fair_prices: '不太满意',
  good_neighbours: '比较满意',
};

/** Answers every question by tapping (the chosen categories by their Chinese names), going
 *  forward screen by screen until the check screen. `onQuestion` sees each screen first. */
async function answerAll(page: Page, categories: string[], onQuestion?: (id: string) => Promise<void>) {
  const q = await questionnaire(page.request);
  await page.getByTestId('start').tap();
  for (const [i, question] of q.questions.entries()) {
    const screen = page.getByTestId('question');
    await expect(screen).toHaveAttribute('data-question', question.id);
    await expect(page.getByTestId('progress')).toHaveText(`第 ${i + 1} 题 / 共 ${q.questions.length} 题`);
    // Focus is on the new question's heading (screen readers read it first).
    await expect(page.locator('#step-heading')).toBeFocused();
    if (onQuestion) await onQuestion(question.id);
    if (question.kind === 'scale') {
      await page.getByRole('radio', { name: SCALE[question.id], exact: true }).tap();
    } else if (question.kind === 'categories') {
      const picks = question.id === 'missing' ? categories.slice(0, 2) : categories.slice(2, 3);
      for (const name of picks) await page.getByRole('checkbox', { name, exact: true }).tap();
      await expect(page.getByTestId('pick-count')).toContainText(`已选 ${picks.length} /`);
    } else if (question.kind === 'text') {
      await page.getByTestId('text-answer').fill('希望小区门口多一家早餐店');
      await expect(page.locator('#char-count')).toHaveText('12 / 500 字');
    } else {
      await page.getByRole('radio', { name: question.options![question.options!.length - 2].zh, exact: true }).tap();
    }
    await page.getByTestId('next').tap();
  }
  await expect(page.locator('#step-heading')).toHaveText('请检查您的回答');
}

async function categoryNames(request: APIRequestContext): Promise<string[]> {
  const rules = await (await request.get('/api/rules')).json();
  return rules.categories.slice(0, 3).map((c: { name_zh: string }) => c.name_zh);
}

test('staff log in, open a round and print survey codes with QR codes', async ({ page, request, baseURL }, info) => {
  const problems = watchProblems(page);
  const circle = await circleId(request);
  if ((await (await request.get(`/api/circles/${circle}/rounds`)).json()).length === 0) {
    // Before any round, the public pages say so plainly.
    await page.goto(`/indicators?circle=${circle}`);
    await expect(page.getByTestId('no-survey-yet')).toContainText('这个生活圈还没有开展满意度调查');
    await page.goto(`/survey?circle=${circle}`);
    await expect(page.getByTestId('no-round')).toContainText('目前没有进行中的调查');
    // (The indicators' 404 is the expected answer before any round.)
    problems.splice(0);
  }
  await page.goto('/staff');
  await expect(page.locator('#step-heading')).toHaveText('工作人员登录');

  // A wrong password is refused in Chinese.
  await page.getByLabel('用户名').fill(STAFF_USER);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByTestId('login').tap();
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码不正确');
  // The refused login is the one expected error (the browser logs its 401).
  expect(problems.splice(0).filter((p) => !p.includes('401'))).toEqual([]);

  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByTestId('login').tap();
  await expect(page.locator('#step-heading')).toHaveText('满意度调查管理');
  const card = page.getByTestId(`circle-${circle}`);
  await expect(card).toBeVisible();

  // A round with a small population: 100 residents → a sample of 3.
  const population = card.getByTestId('population');
  await expect(population).not.toHaveValue('');
  await population.fill('100');
  await expect(card.getByTestId('open-mode')).not.toBeChecked();
  await card.getByTestId('open-round').tap();
  const panel = card.getByTestId('open-round-panel');
  await expect(panel).toContainText('进行中');
  await expect(panel).toContainText('/ 目标 3 份');
  await expect(panel.getByTestId('staff-responses')).toHaveText('0');
  await expect(panel.getByTestId('code-counts')).toContainText('已发放调查码 0 个');
  await shot(page, info, 'staff');

  await panel.getByTestId('code-count').fill('8');
  await panel.getByTestId('issue-codes').tap();
  const sheet = page.getByTestId('code-sheet');
  await expect(sheet).toBeVisible();
  await expect(page).toHaveURL(/\/staff\/codes$/);
  const cards = sheet.getByTestId('code-card');
  await expect(cards).toHaveCount(8);
  for (const c of await cards.all()) {
    await expect(c.locator('.qr svg')).toBeVisible();
    await expect(c).toContainText('扫码或打开网址，输入调查码，匿名填写。每个码只能用一次。');
    await expect(c).toContainText(`/survey?circle=${circle}`);
  }
  const codes = await sheet.getByTestId('code').allTextContents();
  expect(codes).toHaveLength(8);
  for (const code of codes) expect(code).toMatch(CODE);
  expect(new Set(codes).size).toBe(8);
  // The QR code carries the code's own link (the server's SVG; its label names the address).
  await expect(cards.first().locator('.qr')).toHaveAttribute('aria-label', new RegExp(`${baseURL}/survey\\?circle=${circle}&code=${codes[0]}`));
  await shot(page, info, 'code-sheet');
  printed.push(...codes);
  // Printed on A4 (190 × 277 mm inside the margins): two columns of 95 × 68 mm cards, 8 a page.
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 718, height: 1047 });
  const boxes = await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  expect(boxes[1].left).toBeGreaterThan(boxes[0].left);
  expect(Math.round(boxes[0].height)).toBe(Math.round((68 / 25.4) * 96));
  expect(boxes[7].bottom).toBeLessThanOrEqual(1047);
  await shot(page, info, 'code-sheet-print');
  await page.pdf({ path: `test-results/screenshots/${info.project.name}-code-sheet.pdf`, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 390, height: 844 });

  // Back on the dashboard the counts include them.
  await page.goBack();
  await expect(page.getByTestId('open-round-panel').getByTestId('code-counts')).toContainText('已发放调查码 8 个，已使用 0 个');
  expect(problems).toEqual([]);
});

test('a resident answers with a code by tapping; the indicator page shows the response', async ({ page, request, baseURL }, info) => {
  const problems = watchProblems(page);
  const circle = await circleId(request);
  const code = await freshCode(request, circle, baseURL!);
  const before = await responses(request, circle);
  const names = await categoryNames(request);

  await page.goto(`/survey?circle=${circle}&code=${code}`);
  await expect(page.locator('#step-heading')).toHaveText('一刻钟便民生活圈居民满意度调查');
  await expect(page.getByTestId('code-shown')).toHaveText(code);
  await expect(page.locator('.promise-list')).toContainText('不问姓名、电话和详细住址');
  await shot(page, info, 'survey-intro');
  await answerAll(page, names, async (id) => {
    if (id === 'daily_shopping') {
      await page.getByRole('radio', { name: '比较满意', exact: true }).tap();
      await shot(page, info, 'survey-question');
    }
    if (id === 'missing') {
      await page.getByRole('checkbox', { name: names[0], exact: true }).tap();
      await page.getByRole('checkbox', { name: names[1], exact: true }).tap();
      await shot(page, info, 'survey-categories');
      // Untick both again: answerAll ticks them itself.
      await page.getByRole('checkbox', { name: names[0], exact: true }).tap();
      await page.getByRole('checkbox', { name: names[1], exact: true }).tap();
    }
  });
  // The check screen lists the answers in words.
  await expect(page.locator('.review-list')).toContainText('比较满意');
  await expect(page.locator('.review-list')).toContainText(names[0]);
  await shot(page, info, 'survey-review');
  await page.getByTestId('submit').tap();
  await expect(page.getByTestId('thanks')).toHaveText('提交成功，谢谢您！');
  await expect(page.getByTestId('result')).toContainText(`共收到 ${before + 1} 份回答`);
  await shot(page, info, 'survey-thanks');
  expect(await responses(request, circle)).toBe(before + 1);
  // Nothing is left waiting on the phone.
  expect(await page.evaluate(() => localStorage.getItem('bianmin.survey.outbox'))).toBeNull();

  await page.getByRole('link', { name: '查看满意度指标' }).tap();
  await expect(page).toHaveURL(new RegExp(`/indicators\\?circle=${circle}`));
  await expect(page.getByTestId('responses')).toHaveText(String(before + 1));
  const api = (await (await request.get(`/api/circles/${circle}/indicators`)).json()).indicators;
  const pct = (r: { satisfied: number; answered: number }) =>
    `${Math.floor((r.satisfied * 1000) / r.answered) / 10}`.replace(/^(\d+)$/, '$1.0') + '%';
  await expect(page.getByTestId('figure-business-value')).toHaveText(pct(api.business));
  await expect(page.getByTestId('figure-service-value')).toHaveText(pct(api.service));
  await expect(page.getByTestId('figure-overall-value')).toHaveText(pct(api.overall));
  if (before === 0) {
    // By hand: business 3/3, service 2/4, overall 5/7; 1 of 3 responses: no points yet.
    await expect(page.getByTestId('figure-business-value')).toHaveText('100.0%');
    await expect(page.getByTestId('figure-service-value')).toHaveText('50.0%');
    await expect(page.getByTestId('figure-overall-value')).toHaveText('71.4%');
    await expect(page.getByTestId('sample-state')).toHaveText('样本不足：还差 2 份');
    await expect(page.getByTestId('figure-business-points')).toHaveText('样本不足，不计分');
    await expect(page.getByTestId('most-missed')).toContainText(names[0]);
    await expect(page.getByTestId('age-bands')).toContainText('60–74 岁');
  }
  await expect(page.getByTestId('round-line')).toContainText('服务人口 100 人');
  await shot(page, info, 'indicators');
  // Printable on A4: no buttons, the three figures side by side.
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 718, height: 1047 });
  await expect(page.getByRole('button', { name: '打印' })).toBeHidden();
  const figures = await page.locator('.figure').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  expect(new Set(figures.map(Math.round)).size).toBe(1);
  await shot(page, info, 'indicators-print');
  await page.pdf({ path: `test-results/screenshots/${info.project.name}-indicators.pdf`, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `test-results/screenshots/${info.project.name}-indicators-full.png`, fullPage: true });
  expect(problems).toEqual([]);
});

test('a used code is refused with a clear message', async ({ page, request, baseURL }) => {
  const circle = await circleId(request);
  const code = await freshCode(request, circle, baseURL!);
  const round = await openRound(request, circle);
  // The code is used first (straight to the API, as another phone would).
  const q = await questionnaire(request);
  const answers = Object.fromEntries(q.questions.filter((x) => x.required).map((x) => [x.id, 5]));
  const first = await request.post(`/api/circles/${circle}/responses`, {
    data: {
      client_id: `e2e-used-${Date.now()}-abcdef`,
      round: round.id,
      questionnaire_version: (round as Round & { questionnaire_version: number }).questionnaire_version,
      code,
      answers,
    },
  });
  expect(first.status(), await first.text()).toBe(201);
  const before = await responses(request, circle);

  await page.goto(`/survey?circle=${circle}&code=${code}`);
  await answerAll(page, await categoryNames(request));
  await page.getByTestId('submit').tap();
  await expect(page.getByTestId('refused')).toContainText('这个调查码已经用过了');
  await expect(page.getByRole('button', { name: '输入其他调查码' })).toBeVisible();
  expect(await responses(request, circle)).toBe(before);
  expect(await page.evaluate(() => localStorage.getItem('bianmin.survey.outbox'))).toBeNull();
});

test('a required question left unanswered shows the Chinese message and does not advance', async ({ page, request, baseURL }, info) => {
  const circle = await circleId(request);
  const code = await freshCode(request, circle, baseURL!);
  const q = await questionnaire(request);
  // Without a code in the link, the code screen comes first. Elderly mode (shared with the
  // map) applies here too.
  await page.goto(`/survey?circle=${circle}&elderly=1`);
  await expect(page.locator('html')).toHaveClass(/elderly/);
  await expect(page.locator('#step-heading')).toHaveText('请输入调查码');
  await page.getByLabel('调查码').fill('abcd-efg0');
  await page.getByRole('button', { name: '下一步' }).tap();
  await expect(page.getByTestId('step-error')).toContainText('调查码是 8 位字母和数字');
  await page.getByLabel('调查码').fill(code.toLowerCase().replace('-', ' '));
  await page.getByRole('button', { name: '下一步' }).tap();
  await expect(page.getByTestId('code-shown')).toHaveText(code);

  await page.getByTestId('start').tap();
  await expect(page.getByTestId('progress')).toHaveText(`第 1 题 / 共 ${q.questions.length} 题`);
  await page.getByTestId('next').tap();
  await expect(page.getByTestId('step-error')).toHaveText(`请回答：${q.questions[0].zh}`);
  await expect(page.getByTestId('progress')).toHaveText(`第 1 题 / 共 ${q.questions.length} 题`);
  await expect(page.getByTestId('question')).toHaveAttribute('data-question', q.questions[0].id);
  await shot(page, info, 'survey-required');
  await page.getByRole('radio', { name: '一般', exact: true }).tap();
  await expect(page.getByTestId('step-error')).toHaveCount(0);
  await page.getByTestId('next').tap();
  await expect(page.getByTestId('progress')).toHaveText(`第 2 题 / 共 ${q.questions.length} 题`);

  // The category question keeps to its maximum, counted on screen.
  const missing = q.questions.findIndex((x) => x.id === 'missing');
  for (let i = 1; i < missing; i++) {
    await page.getByRole('radio', { name: '满意', exact: true }).tap();
    await page.getByTestId('next').tap();
  }
  await expect(page.getByTestId('question')).toHaveAttribute('data-question', 'missing');
  const chips = page.getByRole('checkbox');
  for (let i = 0; i < 6; i++) await chips.nth(i).tap();
  await expect(page.getByTestId('pick-count')).toHaveText('已选 5 / 5');
  await expect(chips.nth(5)).not.toBeChecked();
  await expect(page.getByRole('alert')).toContainText('最多选 5 项');
  await expect(page.getByRole('alert')).toBeInViewport();
  await shot(page, info, 'survey-max-picks');
  // Optional: skippable.
  await page.getByTestId('next').tap();
  await expect(page.getByTestId('question')).toHaveAttribute('data-question', 'most_used');
  await expect(page.getByTestId('next')).toHaveText('跳过');
  await page.getByTestId('next').tap();
  await expect(page.getByTestId('question')).toHaveAttribute('data-question', 'suggestion');
});

test.describe('offline, the page alone', () => {
  // No service worker in between: the page's own outbox against the network (the next test
  // has the worker, and a reload with no network).
  test.use({ serviceWorkers: 'block' });

  test('the answer is kept on the phone and sent once when the network returns', async ({ page, context, request, baseURL }, info) => {
    const circle = await circleId(request);
    const code = await freshCode(request, circle, baseURL!);
    const before = await responses(request, circle);
    await page.goto(`/survey?circle=${circle}&code=${code}`);
    await answerAll(page, await categoryNames(request));

    await context.setOffline(true);
    await page.getByTestId('submit').tap();
    await expect(page.getByTestId('queued')).toHaveText('已保存在手机上，联网后自动提交');
    await expect(page.getByTestId('network-state')).toContainText('现在没有网络');
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('bianmin.survey.outbox') ?? '[]'));
    expect(queued).toHaveLength(1);
    expect(queued[0].client_id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    await shot(page, info, 'survey-queued');
    // "Try now" while still offline: still kept, nothing arrives.
    await page.getByRole('button', { name: '现在重试' }).tap();
    await expect(page.getByTestId('queued')).toBeVisible();
    expect(await responses(request, circle)).toBe(before);

    await context.setOffline(false);
    await expect(page.getByTestId('thanks')).toHaveText('提交成功，谢谢您！', { timeout: 15_000 });
    await expect(page.getByTestId('network-state')).toHaveText('');
    expect(await responses(request, circle)).toBe(before + 1);
    expect(await page.evaluate(() => localStorage.getItem('bianmin.survey.outbox'))).toBeNull();
  });
});

test('offline: after a reload with no network the queued answer is still there, and arrives once', async ({ page, context, request, baseURL }) => {
  const circle = await circleId(request);
  const code = await freshCode(request, circle, baseURL!);
  const before = await responses(request, circle);
  await page.goto(`/survey?circle=${circle}&code=${code}`);
  // The service worker has saved the survey page, its bundle and the questionnaire.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 }).catch(async () => {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  });
  await answerAll(page, await categoryNames(request));
  await context.setOffline(true);
  await page.getByTestId('submit').tap();
  await expect(page.getByTestId('queued')).toHaveText('已保存在手机上，联网后自动提交');

  // The page opens from the worker's copy and still has the answer waiting.
  await page.reload();
  await expect(page.getByTestId('queued')).toHaveText('已保存在手机上，联网后自动提交');
  await expect(page.getByTestId('network-state')).toContainText('现在没有网络');

  await context.setOffline(false);
  await expect(page.getByTestId('thanks')).toHaveText('提交成功，谢谢您！', { timeout: 15_000 });
  expect(await responses(request, circle)).toBe(before + 1);
  expect(await page.evaluate(() => localStorage.getItem('bianmin.survey.outbox'))).toBeNull();
  // A later visit sends nothing again.
  await page.reload();
  await expect(page.locator('#step-heading')).toBeVisible();
  expect(await responses(request, circle)).toBe(before + 1);
});

test('offline: the survey opens with no network after one visit', async ({ page, context, request }) => {
  const circle = await circleId(request);
  await page.goto(`/survey?circle=${circle}`);
  await expect(page.locator('#step-heading')).toHaveText('请输入调查码');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 }).catch(async () => {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  });
  await context.setOffline(true);
  await page.goto(`/survey?circle=${circle}&code=ABCD-EFGH`);
  await expect(page.locator('#step-heading')).toHaveText('一刻钟便民生活圈居民满意度调查');
  await expect(page.getByTestId('network-state')).toContainText('现在没有网络');
  await page.getByTestId('start').tap();
  await expect(page.getByTestId('progress')).toHaveText(/^第 1 题/);
  await context.setOffline(false);
});

test.describe('a lost server answer', () => {
  // The worker stays out of the way, so the test sees and cuts the page's own request.
  test.use({ serviceWorkers: 'block' });

  test('is sent again and counted once', async ({ page, request, baseURL }) => {
    const circle = await circleId(request);
    const code = await freshCode(request, circle, baseURL!);
    const before = await responses(request, circle);
    const statuses: number[] = [];
    await page.route('**/api/circles/*/responses', async (route) => {
      if (statuses.length === 0) {
        // The request reaches the server and is stored; its answer never reaches the phone.
        const res = await route.fetch();
        statuses.push(res.status());
        await route.abort('connectionreset');
      } else {
        const res = await route.fetch();
        statuses.push(res.status());
        await route.fulfill({ response: res });
      }
    });
    await page.goto(`/survey?circle=${circle}&code=${code}`);
    await answerAll(page, await categoryNames(request));
    await page.getByTestId('submit').tap();
    await expect(page.getByTestId('thanks')).toHaveText('提交成功，谢谢您！', { timeout: 20_000 });
    await expect(page.getByTestId('result')).toContainText('没有重复计算');
    expect(statuses).toEqual([201, 200]);
    expect(await responses(request, circle)).toBe(before + 1);
  });
});

test('the survey speaks English after the language switch', async ({ page, request }) => {
  const circle = await circleId(request);
  const q = await questionnaire(request);
  await page.goto(`/survey?circle=${circle}`);
  await page.getByTestId('lang-toggle').tap();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('#step-heading')).toHaveText('Enter your survey code');
  await page.getByLabel('Survey code').fill('ABCD-EFGH');
  await page.getByRole('button', { name: 'Next' }).tap();
  await expect(page.locator('#step-heading')).toHaveText(
    "15-minute convenience circle: residents' satisfaction survey",
  );
  await page.getByTestId('start').tap();
  await expect(page.getByTestId('progress')).toHaveText(`Question 1 of ${q.questions.length}`);
  await expect(page.locator('#step-heading')).toHaveText((q.questions[0] as Question & { en: string }).en);
  await expect(page.getByRole('radio', { name: 'Fairly satisfied', exact: true })).toBeVisible();
  await page.getByTestId('next').tap();
  await expect(page.getByTestId('step-error')).toHaveText(`please answer: ${(q.questions[0] as Question & { en: string }).en}`);
});

test('staff close the round; the form then says no survey is running', async ({ page, request }, info) => {
  const circle = await circleId(request);
  await openRound(request, circle);
  await page.goto('/staff');
  await page.getByLabel('用户名').fill(STAFF_USER);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByTestId('login').tap();
  const card = page.getByTestId(`circle-${circle}`);
  await card.getByTestId('close-round').tap();
  await expect(card.getByRole('alertdialog')).toContainText('确定结束本轮调查');
  await card.getByTestId('confirm-close').tap();
  await expect(card.getByTestId('open-round')).toBeVisible();

  await page.goto(`/survey?circle=${circle}`);
  await expect(page.getByTestId('no-round')).toContainText('目前没有进行中的调查');
  await expect(page.getByRole('link', { name: '返回便民地图' })).toHaveAttribute('href', '/');
  await page.goto(`/indicators?circle=${circle}`);
  await expect(page.getByTestId('round-line')).toContainText('已结束');
  await shot(page, info, 'indicators-closed');

  // Logged in on this phone: the indicator page links the two CSV exports.
  await expect(page.getByTestId('csv-links').getByRole('link')).toHaveCount(2);

  // Another staff account: the password's length is checked before the server is asked.
  await page.goto('/staff');
  await page.getByLabel('用户名', { exact: true }).last().fill('e2e-second');
  await page.getByLabel('密码（至少 10 位）').fill('short');
  await page.getByRole('button', { name: '添加', exact: true }).tap();
  await expect(page.getByRole('alert')).toContainText('密码至少 10 位');
  await page.getByLabel('密码（至少 10 位）').fill('another-long-password');
  await page.getByRole('button', { name: '添加', exact: true }).tap();
  await expect(page.getByRole('status').filter({ hasText: '已添加工作人员 e2e-second' })).toBeVisible();
  await page.getByTestId('logout').tap();
  await expect(page.locator('#step-heading')).toHaveText('工作人员登录');
  await expect(page.getByTestId('login-notice')).toHaveText('已退出登录');
  // The new account logs in.
  await page.getByLabel('用户名').fill('e2e-second');
  await page.getByLabel('密码').fill('another-long-password');
  await page.getByTestId('login').tap();
  await expect(page.locator('#step-heading')).toHaveText('满意度调查管理');
});

test('an open round needs no code and takes one answer per phone', async ({ page, request }) => {
  const circle = await circleId(request);
  await page.goto('/staff');
  await page.getByLabel('用户名').fill(STAFF_USER);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByTestId('login').tap();
  const card = page.getByTestId(`circle-${circle}`);
  await expect(card.getByTestId('open-round')).toBeVisible();
  // The population comes from the circle; open mode is one tick with its explanation.
  await expect(card).toContainText('不发调查码，任何人打开链接即可填，每台手机限填一次');
  await card.getByTestId('open-mode').check();
  await card.getByTestId('open-round').tap();
  await expect(card.getByTestId('open-round-panel')).toContainText('开放填写（每台手机一次）');
  await expect(card.getByTestId('survey-url')).toHaveText(new RegExp(`/survey\\?circle=${circle}$`));
  await expect(card.getByTestId('issue-codes')).toHaveCount(0);

  const before = await responses(request, circle);
  await page.goto(`/survey?circle=${circle}`);
  await expect(page.locator('#step-heading')).toHaveText('一刻钟便民生活圈居民满意度调查');
  await expect(page.getByTestId('code-shown')).toHaveCount(0);
  await answerAll(page, await categoryNames(request));
  await page.getByTestId('submit').tap();
  await expect(page.getByTestId('thanks')).toBeVisible();
  expect(await responses(request, circle)).toBe(before + 1);
  const device = await page.evaluate(() => localStorage.getItem('bianmin.survey.device'));
  expect(device).toMatch(/^[A-Za-z0-9_-]{32}$/);

  // This phone has answered: said at once on the next visit.
  await page.reload();
  await expect(page.locator('#step-heading')).toHaveText('这台手机已经提交过本轮调查');
  // And the server refuses a second answer with the same device token.
  await page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('bianmin.survey.done.')) localStorage.removeItem(k);
  });
  await page.reload();
  await answerAll(page, await categoryNames(request));
  await page.getByTestId('submit').tap();
  await expect(page.getByTestId('refused')).toContainText('这台手机已经提交过本轮调查');
  expect(await responses(request, circle)).toBe(before + 1);

  // Two rounds now: the indicator page offers both.
  await page.goto(`/indicators?circle=${circle}`);
  const picker = page.getByTestId('round-picker');
  await expect(picker.locator('option')).toHaveCount(2);
  await expect(page.getByTestId('round-line')).toContainText('第 2 轮');
  await expect(page.getByTestId('responses')).toHaveText('1');
  const first = await picker.locator('option').nth(1).getAttribute('value');
  await picker.selectOption(first!);
  await expect(page.getByTestId('round-line')).toContainText('第 1 轮');
  await expect(page.getByTestId('round-line')).toContainText('已结束');
  await expect(page).toHaveURL(new RegExp(`round=${first}`));
});

test('staff download both CSV exports from the indicator page', async ({ page, request }) => {
  const circle = await circleId(request);
  await page.goto('/staff');
  await page.getByLabel('用户名').fill(STAFF_USER);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByTestId('login').tap();
  await expect(page.locator('#step-heading')).toHaveText('满意度调查管理');
  await page.goto(`/indicators?circle=${circle}`);
  const links = page.getByTestId('csv-links').getByRole('link');
  await expect(links).toHaveCount(2);
  for (const link of await links.all()) {
    // As the browser asks for it (compressed), with the session cookie of this phone.
    const res = await page.request.get((await link.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const text = await res.text();
    expect(text.split('\n').length).toBeGreaterThan(1);
  }
});
