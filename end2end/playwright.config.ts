// Browser tests at phone size (390×844) in Debian's Chromium (never a downloaded browser),
// against the real server binary on a fresh SQLite file per dataset.
import { defineConfig } from '@playwright/test';
import * as path from 'node:path';
import { STAFF_PASSWORD, STAFF_USER } from './tests/staff-account';

const root = path.resolve(__dirname, '..');
const server = process.env.BIANMIN_SERVER_BIN ?? path.join(root, 'target/debug/bianmin-server');
const dbDir = path.join(__dirname, 'test-results', 'db');
// Another built client and other ports, so two checkouts can run their tests side by side.
const dist = process.env.BIANMIN_DIST ?? path.join(root, 'dist');
const portBase = Number(process.env.E2E_PORT_BASE ?? 8790);

// Each dataset's phone is in that city's time zone (open-now is checked against a fixed clock).
const datasets = [
  { name: 'shanghai', port: portBase + 1, timezoneId: 'Asia/Shanghai' },
  { name: 'helsinki', port: portBase + 2, timezoneId: 'Europe/Helsinki' },
];

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results/artifacts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      // Without the background-networking flags Chromium floods the closed network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: datasets.map((d) => ({
    name: d.name,
    use: { baseURL: `http://127.0.0.1:${d.port}`, timezoneId: d.timezoneId },
  })),
  webServer: datasets.map((d) => ({
    // A fresh database each run: the test sees exactly what a newcomer's first start sees, plus
    // one staff account made with the server's own CLI (the survey tests log in with it).
    command:
      `rm -f "${dbDir}/${d.name}.db" "${dbDir}/${d.name}.db-wal" "${dbDir}/${d.name}.db-shm" && ` +
      `mkdir -p "${dbDir}" && ` +
      `BIANMIN_STAFF_PASSWORD='${STAFF_PASSWORD}' "${server}" --dataset ${d.name} ` +
      `--db "${dbDir}/${d.name}.db" staff add ${STAFF_USER} >/dev/null && ` +
      `"${server}" --listen 127.0.0.1:${d.port} --dataset ${d.name} ` +
      `--db "${dbDir}/${d.name}.db" --dist "${dist}"`,
    url: `http://127.0.0.1:${d.port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  })),
});
