// Shared helpers: the built binary and playground, a static server for it,
// and headless Chromium pages on it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const posture = process.env.POSTURE_BIN || path.join(root, 'target/debug/posture');

/** Runs the CLI; returns { code, stdout }. */
export function run(args, input = '') {
  try {
    return { code: 0, stdout: execFileSync(posture, args, { cwd: root, input, encoding: 'utf8' }) };
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return { code: e.status, stdout: e.stdout };
  }
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves `dir` on 127.0.0.1 at a free port, with these extra response headers; resolves to { url, close }. */
export function serve(dir, headers = {}) {
  const server = createServer(async (req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

/** Serves dist/ and starts headless Chromium; `offOrigin` collects requests that leave the origin. */
export async function launch() {
  const { chromium } = await import('playwright-core');
  const server = await serve(path.join(root, 'dist'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { server, browser, offOrigin: [], close: async () => { await browser.close(); server.close(); } };
}

/** A fresh page (its own storage unless `context` is given) on the playground, once its first check is shown
 * (checks run in a worker: the page is up before the first answer). */
export async function open(env, url = env.server.url, options = {}, context = null) {
  context ||= await env.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const origin = new URL(env.server.url).origin;
  page.on('request', (r) => { if (new URL(r.url()).origin !== origin) env.offOrigin.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('.summary[data-check-ms]:not([data-check-number="0"])');
  page.errors = errors;
  return page;
}

/** Waits for the check after `change()` (which must start one). */
export async function checked(page, change) {
  const before = await page.getAttribute('.summary', 'data-check-number');
  await change();
  await page.waitForFunction((b) => document.querySelector('.summary').getAttribute('data-check-number') !== b, before, { timeout: 120000 });
  await page.waitForTimeout(20);
}

/** Replaces the editor's content as select all and paste do, and waits for the check. */
export async function paste(page, text) {
  await checked(page, () => page.evaluate(pasteOver, text));
}

/** In the page: selects the editor's whole text and pastes `text` over it (a paste event with the text). */
export function pasteOver(text) {
  const el = document.querySelector('[data-testid=editor]');
  el.focus();
  el.select();
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
}

/** The editor's whole text (its textarea holds only the text around the selection). */
export const editorText = (page) => page.$eval('[data-testid=editor]', (el) => el.editorText);
/** The selection in the editor's whole text, as [start, end] in UTF-16 units. */
export const editorSelection = (page) => page.$eval('[data-testid=editor]', (el) => el.editorSelection);
