// Playwright for the web app's browser tests (tests/ui, ctest label `ui`).
// The browser is Debian's chromium (scripts/deps installs it), never a
// Playwright download, started with flags for a closed network: nothing in
// the background reaches out.
import { defineConfig } from '@playwright/test';
import { getuid } from 'node:process';

const args = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
];
// Chromium's sandbox refuses to start as root (CI runs as root).
if (getuid && getuid() === 0) args.push('--no-sandbox');

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // Each scenario starts its own relay and apps; one at a time on 2 cores.
  workers: 1,
  fullyParallel: false,
  timeout: 300_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.BC_UI_ARTIFACTS ? `${process.env.BC_UI_ARTIFACTS}/results` : 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.BC_CHROMIUM ?? '/usr/bin/chromium', args },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
