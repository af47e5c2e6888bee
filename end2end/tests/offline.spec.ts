// Offline use: after one visit the service worker (public/sw.js) has saved the page, its
// assets and the map's data, so the second visit opens with the network cut — both when the
// browser is offline and when the server is gone. Also: the web app manifest and its icons.
//
// Each test starts its OWN server (real binary, fresh SQLite file, free loopback port), since
// one of them kills it; the projects' servers on 8791/8792 are not used.
import { test, expect, type Page, type Response } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shot } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const serverBin = process.env.BIANMIN_SERVER_BIN ?? path.join(root, 'target/debug/bianmin-server');
const dist = process.env.BIANMIN_DIST ?? path.join(root, 'dist');

type Server = { base: string; proc: ChildProcess; stop: () => Promise<void> };

/** Starts the server on 127.0.0.1:0 and waits for its "serving … on http://ADDR" line. */
async function startServer(dataset: string): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bianmin-offline-'));
  const proc = spawn(
    serverBin,
    ['--listen', '127.0.0.1:0', '--dataset', dataset, '--db', path.join(dir, 'test.db'),
      '--dist', dist],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let said = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${said}`)), 60_000);
    const read = (chunk: Buffer) => {
      said += chunk.toString();
      const m = said.match(/serving .* on (http:\/\/\S+)\r?\n/); // a whole line, not a cut one
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', read);
    proc.stderr!.on('data', read);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before serving:\n${said}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  return { base, proc, stop };
}

/** How many outlets the server's API returns for a query. */
async function apiCount(base: string, query = ''): Promise<number> {
  const r = await fetch(`${base}/api/outlets${query}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { features: unknown[] }).features.length;
}

/** Opens the map and waits until the service worker has saved everything and controls the page. */
async function openAndInstall(page: Page, base: string) {
  await page.goto(`${base}/`);
  await expect(page.getByTestId('map-ready')).toBeAttached();
  // `ready` resolves once the worker is active, i.e. after its install finished saving.
  const active = await page.evaluate(() =>
    Promise.race([
      navigator.serviceWorker.ready.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, 15_000, false)),
    ]),
  );
  expect(active, 'the service worker (/sw.js) installs and activates').toBe(true);
  const controlled = () =>
    page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  // clients.claim() takes over this page; if it has not yet, a reload is controlled from the start.
  await controlled().catch(async () => {
    await page.reload();
    await controlled();
  });
}

/** What the page gets from now on: the /api/outlets answers, and every request that failed. */
function watch(page: Page) {
  const seen = { outlets: [] as Response[], failed: [] as string[] };
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/api/outlets') seen.outlets.push(r);
  });
  page.on('requestfailed', (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  return seen;
}

/** The map is drawn again from saved data: the app, not the browser's error page. */
async function expectMapFromCache(page: Page, count: number, seen: ReturnType<typeof watch>) {
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page).toHaveTitle(/一刻钟便民生活圈/);
  await expect(page.getByTestId('outlet-count')).toContainText(String(count));
  await expect(page.locator('body')).not.toContainText(/ERR_|无法访问此网站|This site can.t be reached/);
  // The data really came from the worker's cache, marked for the app to tell residents.
  expect(seen.outlets.length).toBeGreaterThan(0);
  const last = seen.outlets[seen.outlets.length - 1];
  expect(last.fromServiceWorker()).toBe(true);
  expect(await last.headerValue('x-from-cache')).toBe('1');
  // Everything the page asked for was saved: page, assets, every API answer it needs.
  expect(seen.failed, 'requests that failed with the network cut').toEqual([]);
}

test.describe('offline', () => {
  let server: Server | undefined;
  test.afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('second visit opens with the browser offline', async ({ page, context }, info) => {
    server = await startServer(info.project.name);
    const total = await apiCount(server.base);
    expect(total).toBeGreaterThan(0);

    await openAndInstall(page, server.base);
    await expect(page.getByTestId('outlet-count')).toContainText(String(total));

    await context.setOffline(true);
    const seen = watch(page);
    await page.reload();
    await expectMapFromCache(page, total, seen);
    // Residents are told they see the saved copy; it goes when the network is back.
    await expect(page.getByTestId('offline-banner')).toContainText('离线');
    await shot(page, info, 'offline');
    await context.setOffline(false);
    await expect(page.getByTestId('offline-banner')).toBeHidden();
  });

  test('second visit opens after the server is gone, on any page path', async ({ page }, info) => {
    server = await startServer(info.project.name);
    const total = await apiCount(server.base);
    const shoes = await apiCount(server.base, '?category=repair&repair_kind=shoe');

    await openAndInstall(page, server.base);
    await expect(page.getByTestId('outlet-count')).toContainText(String(total));

    server.proc.kill('SIGKILL');
    await server.stop();
    const seen = watch(page);
    await page.reload();
    await expectMapFromCache(page, total, seen);

    // A path never visited before gets the saved page too, and the app's own route.
    await page.goto(`${server.base}/repair?kind=shoe`);
    await expect(page).toHaveURL(/\/repair\?kind=shoe/);
    await expectMapFromCache(page, shoes, seen);
  });

  test('a weak network gets the saved data after the 4 s timeout', async ({ page, context }, info) => {
    server = await startServer(info.project.name);
    const total = await apiCount(server.base);
    await openAndInstall(page, server.base);

    // Every API answer now takes 12 s (the worker's own requests too, in Chromium).
    await context.route('**/api/**', async (route) => {
      await new Promise((r) => setTimeout(r, 12_000));
      await route.fallback().catch(() => {});
    });
    const seen = watch(page);
    const start = Date.now();
    await page.reload();
    await expectMapFromCache(page, total, seen);
    expect(Date.now() - start, 'the map came from the cache, not the slow network').toBeLessThan(10_000);
    await context.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('the web app manifest is linked and its icons load', async ({ page, request }, info) => {
    server = await startServer(info.project.name);
    await page.goto(`${server.base}/`);
    await expect(page.getByTestId('map-ready')).toBeAttached();

    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const res = await request.get(`${server.base}${href}`);
    expect(res.status()).toBe(200);
    const manifest = JSON.parse(await res.text());
    expect(manifest).toMatchObject({
      name: '一刻钟便民生活圈',
      short_name: '便民生活圈',
      lang: 'zh-CN',
      start_url: '/',
      display: 'standalone',
    });
    type Icon = { src: string; sizes: string; type: string; purpose?: string };
    const icons: Icon[] = manifest.icons;
    const png = (size: string, purpose: string) =>
      icons.some((i) => i.sizes === size && i.type === 'image/png' && (i.purpose ?? 'any').includes(purpose));
    for (const size of ['192x192', '512x512']) {
      expect(png(size, 'any'), `a ${size} icon`).toBe(true);
      expect(png(size, 'maskable'), `a ${size} maskable icon`).toBe(true);
    }

    const links = await page
      .locator('link[rel="icon"], link[rel="apple-touch-icon"]')
      .evaluateAll((ls) => ls.map((l) => ({ src: l.getAttribute('href')!, type: l.getAttribute('type') ?? 'image/png' })));
    expect(links.map((l) => l.src)).toContain('/icons/apple-touch-icon.png');
    for (const icon of [...icons, ...links]) {
      const r = await request.get(`${server.base}${icon.src}`);
      expect(r.status(), icon.src).toBe(200);
      expect(r.headers()['content-type'], icon.src).toContain(icon.type);
      if (icon.type === 'image/png') {
        const body = await r.body();
        expect(body.subarray(1, 4).toString(), icon.src).toBe('PNG');
        const [w, h] = [body.readUInt32BE(16), body.readUInt32BE(20)];
        if ('sizes' in icon) expect(`${w}x${h}`, icon.src).toBe(icon.sizes);
      }
    }
  });
});
