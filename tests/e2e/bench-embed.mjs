// The embed's figures in headless Chromium on the release build (dist/):
// the time until the three embeds of docs-example.html all show findings,
// and what one more <posture-check> costs on that page once they have (bytes
// over the network and milliseconds until its findings), served without and
// with HTTP caching. Prints figures; asserts nothing. Run through
// `cargo xtask bench` (which builds dist/ first).
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root, serve } from './common.mjs';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

/** A fresh browser context on docs-example.html, tall enough for all three embeds to load at once. */
async function docsPage(server) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 2400 } });
  const page = await context.newPage();
  page.bytes = 0;
  page.on('requestfinished', async (r) => {
    const sizes = await r.sizes().catch(() => null);
    if (sizes) page.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  });
  await page.goto(`${server.url}docs-example.html`);
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('posture-check')];
    return all.length === 3 && all.every((e) => e.dataset.state === 'done' && Number(e.dataset.findingCount) > 0);
  }, null, { timeout: 120000 });
  page.loaded = await page.evaluate(() => performance.now());
  return page;
}

/** Bytes fetched and milliseconds until findings for one more embed on a page whose embeds are done. */
async function oneMore(page) {
  await page.waitForTimeout(500); // let the first three settle (links, late requests)
  const before = page.bytes;
  const ms = await page.evaluate(() => new Promise((resolve) => {
    const element = document.createElement('posture-check');
    element.setAttribute('pss-level', 'baseline');
    element.textContent = document.querySelector('posture-check').textContent;
    const start = performance.now();
    element.addEventListener('posture-report', () => resolve(performance.now() - start), { once: true });
    document.querySelector('article').append(element);
    element.scrollIntoView();
  }));
  await page.waitForTimeout(500);
  return { ms, bytes: page.bytes - before };
}

for (const [name, headers] of [['no caching headers', {}], ['Cache-Control: max-age=3600', { 'cache-control': 'public, max-age=3600' }]]) {
  const server = await serve(path.join(root, 'dist'), headers);
  const loads = [];
  const more = [];
  let firstBytes = 0;
  for (let i = 0; i < 3; i++) {
    const page = await docsPage(server);
    loads.push(page.loaded);
    firstBytes = page.bytes;
    more.push(await oneMore(page));
    await page.context().close();
  }
  console.log(`embed, served with ${name}:`);
  console.log(`  docs-example.html, navigation start to findings in all three embeds: ${median(loads).toFixed(0)} ms (median of 3; ${loads.map((l) => l.toFixed(0)).join(', ')}), ${kb(firstBytes)} transferred`);
  console.log(`  one more embed on that page: ${median(more.map((m) => m.ms)).toFixed(0)} ms to its findings (median of 3), ${kb(median(more.map((m) => m.bytes)))} transferred`);
  server.close();
}
await browser.close();
