// The built playground in headless Chromium: it checks pasted YAML in the
// page, reacts to the Pod Security level, and sends nothing anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root, serve } from './common.mjs';

let server;
let browser;
let page;
const requests = [];

before(async () => {
  server = await serve(path.join(root, 'dist'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=finding]');
});

after(async () => {
  await browser?.close();
  server?.close();
});

const count = async () => Number(await page.textContent('[data-testid=finding-count]'));
const rules = () => page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.dataset.rule));

test('the example shows findings on the right lines', async () => {
  assert.ok(await count() > 5);
  const privileged = await page.$('[data-testid=finding][data-rule="pss/privileged"]');
  assert.equal(await privileged.getAttribute('data-line'), '19');
  assert.equal(await privileged.getAttribute('data-severity'), 'critical');
  await page.screenshot({ path: path.join(root, 'target/playground.png') });
});

test('the Pod Security level changes the findings', async () => {
  const restricted = await count();
  await page.selectOption('[data-testid=pss-level]', 'baseline');
  assert.ok(await count() < restricted);
  assert.ok((await rules()).every((r) => !r.includes('restricted') && !r.startsWith('pss/run-as')));
  await page.selectOption('[data-testid=pss-level]', 'restricted');
  assert.equal(await count(), restricted);
});

test('pasted YAML is checked, and a clean manifest has no findings', async () => {
  await page.fill('[data-testid=editor]', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n');
  assert.deepEqual((await rules()).filter((r) => r === 'pss/privileged').length, 1);
  const clean = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n';
  await page.fill('[data-testid=editor]', clean);
  assert.equal(await count(), 0);
});

test('a broken document is shown as an error with its line', async () => {
  await page.fill('[data-testid=editor]', 'kind: Pod\napiVersion: v1\nspec: [\n');
  const error = await page.textContent('[data-testid=input-error]');
  assert.match(error, /line 3/);
});

test('no request leaves the page origin', () => {
  const origin = new URL(server.url).origin;
  assert.ok(requests.length > 0);
  assert.deepEqual(requests.filter((u) => new URL(u).origin !== origin), []);
});
