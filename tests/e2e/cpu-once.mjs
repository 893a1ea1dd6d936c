// Scratch (not committed): main-thread CPU time of the page's renderer for pastes and keystrokes.
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { root, serve } from './common.mjs';

const dist = process.env.DIST;
const server = await serve(dist);
const dir = `/tmp/cpubench-${process.pid}`;
const context = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--renderer-process-limit=1'],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] || await context.newPage();
await page.goto(server.url);
await page.waitForSelector('.summary[data-check-ms]:not([data-check-number="0"])');

const procs = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
  try { return { pid: p, cmd: readFileSync(`/proc/${p}/cmdline`, 'utf8'), ppid: readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1] }; } catch { return null; }
}).filter(Boolean);
const all = procs();
const browserPid = all.find((p) => p.cmd.includes(dir) && !p.cmd.includes('--type='))?.pid;
const descendants = new Set([browserPid]);
for (let changed = true; changed;) { changed = false; for (const p of all) if (descendants.has(p.ppid) && !descendants.has(p.pid)) { descendants.add(p.pid); changed = true; } }
const renderers = all.filter((p) => descendants.has(p.pid) && p.cmd.includes('--type=renderer') && !p.cmd.includes('extension'));
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const mainCpu = () => renderers.map((r) => { try { return cpu(r.pid); } catch { return 0; } }).reduce((a, b) => Math.max(a, b), 0);

const insecure = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
let dense = '';
for (let i = 0; dense.split('\n').length < 1000; i++) dense += `---\n${insecure.replaceAll('name: ', `name: n${i}-`)}`;
const next = () => page.evaluate(() => { const n = document.querySelector('.summary')?.getAttribute('data-check-number'); return new Promise((resolve) => { const w = new MutationObserver(() => { if (document.querySelector('.summary')?.getAttribute('data-check-number') !== n) { w.disconnect(); requestAnimationFrame(() => setTimeout(resolve)); } }); w.observe(document.body, { subtree: true, childList: true, attributes: true }); }); });
const pasteText = async (t) => { const done = next(); await page.evaluate((t) => { const el = document.querySelector('[data-testid=editor]'); el.focus(); el.value = t; el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' })); }, t); await done; };

await pasteText(dense);
let t0 = mainCpu();
for (let i = 0; i < 10; i++) await pasteText(i % 2 ? dense : `${dense}# ${i}\n`);
const paste = (mainCpu() - t0) / 10;
await page.focus('[data-testid=editor]');
await page.evaluate(() => { const el = document.querySelector('[data-testid=editor]'); el.setSelectionRange(el.value.length, el.value.length); });
t0 = mainCpu();
for (let i = 0; i < 30; i++) { const done = next(); await page.keyboard.type('#'); await done; }
const key = (mainCpu() - t0) / 30;
console.log(`${path.basename(dist)}: main-thread CPU per 1,000-line paste ${paste.toFixed(0)} ms, per keystroke ${key.toFixed(1)} ms (renderers ${renderers.length})`);
await context.close();
server.close();
