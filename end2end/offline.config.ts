// Runs only tests/offline.spec.ts, which starts its own servers on free ports: no webServer
// entries (8791/8792 stay free for the main suite), its own output folder (the main suite's
// artifacts and results.json are left alone).
//   npx playwright test --config offline.config.ts
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testMatch: 'offline.spec.ts',
  outputDir: './test-results/offline-artifacts',
  reporter: [['list']],
  webServer: undefined,
  projects: base.projects!.map((p) => ({ name: p.name, use: { ...p.use, baseURL: undefined } })),
});
