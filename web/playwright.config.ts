import { defineConfig } from '@playwright/test';

// End-to-end tests against the release build in ../dist (run `trunk build
// --release` first; `make test` does). Playwright starts and stops the static
// server itself. Chromium is Debian's (/usr/bin/chromium): Playwright's own
// browser download cannot reach its host from this project's machines.
const isCI = !!process.env.CI;
// Not 8080, so the tests can run beside `make serve`.
const port = Number(process.env.RAFTLAB_E2E_PORT ?? 8181);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './e2e',
  forbidOnly: isCI,
  retries: 0,
  workers: 1,
  reporter: 'list',
  outputDir: '../artifacts/test-results',
  timeout: 30_000,
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // As root Chromium needs --no-sandbox; the rest keep it off the closed network.
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
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    // python3 3.11 serves .wasm as application/wasm, which streaming
    // instantiation needs.
    command: `python3 -m http.server ${port} --bind 127.0.0.1 --directory ../dist`,
    url: `${baseURL}/index.html`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
