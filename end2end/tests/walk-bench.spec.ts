// The walking engine's speed in this browser (Wasm in Chromium): loading the prebuilt graph and
// one 15-minute isochrone from the origin, timed inside the page with performance.now() by
// `window.bianminWalkBench`. Figures go to test-results/wasm-bench-<project>.json; the test
// asserts only that they are sane (goals are reported, not enforced here).
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

const RUNS = 200;

test('walking queries in Wasm: graph load and one 15-minute isochrone', async ({ page, browser, request }, info) => {
  await page.goto('/');
  await expect(page.getByTestId('map-ready')).toBeAttached();
  await expect(page.locator('path.isochrone-15')).toHaveCount(1);

  const bench = await page.evaluate((runs) => (window as any).bianminWalkBench(runs), RUNS);
  const graph = await request.get('/api/graph', { headers: { 'accept-encoding': 'gzip' } });
  const record = {
    project: info.project.name,
    date: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    user_agent: await page.evaluate(() => navigator.userAgent),
    cross_origin_isolated: await page.evaluate(() => self.crossOriginIsolated),
    graph_content_encoding: graph.headers()['content-encoding'] ?? null,
    ...bench,
  };
  const out = path.join(__dirname, '..', 'test-results', `wasm-bench-${info.project.name}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(record, null, 2) + '\n');
  console.log(`${info.project.name}: ${JSON.stringify(bench)}`);

  expect(bench.runs).toBe(RUNS);
  expect(bench.nodes).toBeGreaterThan(1000);
  expect(bench.graph_bytes).toBeGreaterThan(1000);
  expect(bench.graph_bytes).toBeLessThan(200 * 1024);
  if (bench.graph_wire_bytes !== null) {
    expect(bench.graph_wire_bytes).toBeGreaterThan(0);
    expect(bench.graph_wire_bytes).toBeLessThanOrEqual(bench.graph_bytes);
  }
  expect(bench.reached_nodes).toBeGreaterThan(10);
  for (const key of ['graph_ready_ms', 'isochrone_ms_median', 'isochrone_ms_mean', 'search_ms_mean', 'rings3_ms_median']) {
    expect(bench[key], key).toBeGreaterThan(0);
    expect(bench[key], key).toBeLessThan(10_000);
  }
  expect(bench.isochrone_ms_min).toBeLessThanOrEqual(bench.isochrone_ms_median);
});
