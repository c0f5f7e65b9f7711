// Drives the gateway's GraphiQL page in headless Chromium as a user would. It checks the
// example tabs, runs the CompanyProfile example, then runs it with bad credentials from the
// header editor. Last it runs a liveEvents subscription until an event arrives and saves a
// screenshot.
//
//   node graphiql.mjs http://127.0.0.1:8080 [screenshot.png]
//
// The browser is Debian's chromium at /usr/bin/chromium, or CHROMIUM_PATH. Every request
// to another origin than the gateway's is blocked and fails the run. On failure the script
// names the failed step, saves the screenshot as far as the page got and exits 1.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node graphiql.mjs GATEWAY_URL [SCREENSHOT_PATH]');
  process.exit(2);
}
const origin = new URL(base).origin;
const screenshotPath = process.argv[3] ?? join(tmpdir(), 'graphiql.png');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// stepTimeout bounds each step so that a broken page fails instead of hanging. The
// sandbox responds in milliseconds, so the bound only matters when something is wrong.
const stepTimeout = 60_000;

const exampleTabs = ['RecentMoves', 'CompanyProfile', 'MarketingNews', 'Triggers', 'LiveEvents'];
// badCredentials in the header editor replace the sandbox's default account, which
// rejects them.
const badCredentials = '{"X-API-AccessToken": "wrong-token", "X-API-SecretKey": "wrong-secret"}';
const subscription = 'subscription Live {\n  liveEvents { id type organization }\n}\n';

let step = 'launching chromium';
const offOrigin = [];
const pageErrors = [];
let browser;
let page;

try {
  browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || new URL(url).origin === origin) {
      return route.continue();
    }
    offOrigin.push(url);
    return route.abort('blockedbyclient');
  });
  page = await context.newPage();
  page.setDefaultTimeout(stepTimeout);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('websocket', (socket) => {
    const url = new URL(socket.url());
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    if (url.origin !== origin) {
      offOrigin.push(socket.url());
    }
  });

  step = `opening ${base}/`;
  const response = await page.goto(`${base}/`);
  if (!response?.ok()) {
    throw new Error(`GET / returned ${response?.status()}`);
  }

  step = 'waiting for GraphiQL to render';
  await page.locator('.graphiql-container .graphiql-query-editor .CodeMirror').waitFor();

  step = 'checking the example tabs';
  const tabs = page.locator('.graphiql-tab');
  for (const name of exampleTabs) {
    await tabs.filter({ hasText: name }).first().waitFor();
  }

  step = 'running the CompanyProfile example';
  await tabs.filter({ hasText: 'CompanyProfile' }).first().click();
  await expectEditorText('CompanyProfile');
  await page.getByRole('button', { name: 'Variables' }).click();
  await page.locator('.graphiql-editor-tool .CodeMirror', { hasText: '"IBM"' }).waitFor();
  await waitForOperationName('CompanyProfile');
  await page.locator('.graphiql-execute-button').click();
  await waitForResult('"name": "IBM"');
  const companyResult = await resultText();

  step = 'sending credentials from the header editor';
  await page.getByRole('button', { name: 'Headers' }).click();
  await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(badCredentials);
  await page.locator('.graphiql-execute-button').click();
  await page.locator('.graphiql-response .CodeMirror', { hasText: 'UNAUTHENTICATED' }).waitFor();

  step = 'running a liveEvents subscription';
  await page.getByRole('button', { name: 'New tab' }).click();
  await page.locator('.graphiql-query-editor .CodeMirror').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(subscription);
  await expectEditorText('liveEvents');
  await waitForOperationName('Live');
  await page.keyboard.press('ControlOrMeta+Enter');
  await waitForResult('"liveEvents": {');
  await waitForResult('"organization":');
  const eventResult = await resultText();

  step = 'checking for page errors and requests to other origins';
  if (pageErrors.length > 0) {
    throw new Error(`uncaught errors in the page:\n  ${pageErrors.join('\n  ')}`);
  }
  if (offOrigin.length > 0) {
    throw new Error(`the page requested other origins:\n  ${offOrigin.join('\n  ')}`);
  }

  step = `saving the screenshot to ${screenshotPath}`;
  await page.screenshot({ path: screenshotPath });
  console.log(`GraphiQL at ${base}/ passed: example tabs ${exampleTabs.join(', ')}`);
  console.log(`CompanyProfile result, first lines:\n${firstLines(companyResult, 8)}`);
  console.log(`liveEvents result:\n${firstLines(eventResult, 10)}`);
  console.log(`screenshot: ${screenshotPath}`);
} catch (err) {
  console.error(`graphiql.mjs: step "${step}" failed: ${err.message}`);
  if (pageErrors.length > 0) {
    console.error(`uncaught errors in the page:\n  ${pageErrors.join('\n  ')}`);
  }
  if (page) {
    await page.screenshot({ path: screenshotPath }).catch(() => {});
    const result = await resultText().catch(() => '(unreadable)');
    console.error(`result pane:\n${result}\nscreenshot: ${screenshotPath}`);
  }
  process.exitCode = 1;
} finally {
  await browser?.close();
}

// resultText returns the text that the result pane shows, waiting at most 5 s for a pane
// to exist (on failure the page may never have rendered one).
function resultText() {
  return page.locator('.graphiql-response .CodeMirror').innerText({ timeout: 5_000 });
}

// firstLines returns the first count lines of text.
function firstLines(text, count) {
  return text.split('\n').slice(0, count).join('\n');
}

// waitForResult waits until the result pane shows text, and fails as soon as it shows
// GraphQL errors instead.
async function waitForResult(text) {
  const pane = page.locator('.graphiql-response .CodeMirror');
  await pane.filter({ hasText: text }).or(pane.filter({ hasText: '"errors": [' })).waitFor();
  if (!(await resultText()).includes(text)) {
    throw new Error(`the result pane shows errors where ${text} was expected`);
  }
}

// expectEditorText waits until the query editor shows text.
async function expectEditorText(text) {
  await page.locator('.graphiql-query-editor .CodeMirror', { hasText: text }).waitFor();
}

// waitForOperationName waits until GraphiQL has selected the named operation. GraphiQL 4.1.2
// parses the editor shortly after each change (debounced), and a run before that sends the
// previous tab's operation name, which the gateway rejects as not found. GraphiQL stores
// the selection in localStorage under graphiql:operationName.
async function waitForOperationName(name) {
  await page.waitForFunction(
    (expected) => localStorage.getItem('graphiql:operationName') === expected,
    name,
  );
}
