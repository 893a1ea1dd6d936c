// Playground timings in headless Chromium on the release build (dist/):
// time to the first findings on screen, and the engine's check time for a
// 1,000-line manifest and a 10 MB stream. Prints figures; asserts nothing.
// Run through `cargo xtask bench` (which builds dist/ first).
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { root, serve } from './common.mjs';

const server = await serve(path.join(root, 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

async function checkMs(page, text) {
  const before = await page.getAttribute('.summary', 'data-check-number');
  await page.evaluate((t) => {
    const el = document.querySelector('[data-testid=editor]');
    el.value = t;
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, text);
  await page.waitForFunction((b) => document.querySelector('.summary').getAttribute('data-check-number') !== b, before, { timeout: 120000 });
  return Number(await page.getAttribute('.summary', 'data-check-ms'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const loads = [];
for (let i = 0; i < 3; i++) {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=finding]');
  loads.push(await page.evaluate(() => performance.now()));
  await page.close();
}
console.log(`time to first findings on screen (navigation start to rendered findings): ${median(loads).toFixed(0)} ms (median of 3)`);

const page = await browser.newPage();
await page.goto(server.url);
await page.waitForSelector('.summary[data-check-ms]');
const insecure = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
let thousand = '';
for (let i = 0; thousand.split('\n').length < 1000; i++) thousand += `---\n${insecure.replaceAll('name: ', `name: n${i}-`)}`;
const runs = [];
for (let i = 0; i < 7; i++) runs.push(await checkMs(page, `${thousand}# run ${i}\n`));
console.log(`check of a ${thousand.split('\n').length}-line manifest: ${median(runs).toFixed(1)} ms median (${runs.map((r) => r.toFixed(1)).join(', ')})`);
let big = '';
for (let i = 0; big.length < 10 * 1024 * 1024; i++) big += `---\n${insecure.replaceAll('name: ', `name: m${i}-`)}`;
console.log(`check of a ${(big.length / 1048576).toFixed(1)} MB stream: ${(await checkMs(page, big)).toFixed(0)} ms`);
await browser.close();
server.close();
