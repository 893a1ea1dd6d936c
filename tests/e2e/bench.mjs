// Playground timings in headless Chromium on the release build (dist/), from
// the same inputs every run: time to the first findings on screen; paste to
// findings painted for finding-dense manifests (1,000 and 10,000 lines) and
// for real manifests (tests/corpus, repeated to 1 MB and 10 MB), with the
// longest main-thread task during each; one keystroke to findings painted.
// Prints figures (the lower of two runs, each on a fresh page, as a new user
// would); asserts nothing. Run through `cargo xtask bench` (which builds
// dist/ first), or alone with `node bench.mjs` after `trunk build --release`.
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { root, serve } from './common.mjs';

// DIST=another/build compares builds on the same machine state.
const server = await serve(process.env.DIST || path.join(root, 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const RUNS = Number(process.env.RUNS || 2);
const only = process.env.ONLY;
// PAUSE=ms (or --pause=ms): a person's pause between the first findings on screen and the paste
// (default none: the paste follows at once, before the worker has warmed its engine up; see the
// README's warm-up section). `cargo xtask bench` prints the table both ways.
const pauseArg = process.argv.find((a) => a.startsWith('--pause='));
const PAUSE = Number(pauseArg ? pauseArg.slice('--pause='.length) : process.env.PAUSE || 0);

// In every page, before its scripts: long main-thread tasks, and a promise
// for the next finished check once it is painted (the check's number on
// `.summary` changes; a frame later, it is on screen).
const probes = () => {
  window.longTasks = [];
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])))
    .observe({ type: 'longtask', buffered: true });
  window.nextPainted = () => {
    // The panel may draw a new `.summary` element: watch the whole page.
    const number = () => document.querySelector('.summary')?.getAttribute('data-check-number');
    const before = number();
    return new Promise((resolve) => {
      const watch = new MutationObserver(() => {
        if (number() === before) return;
        watch.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
      });
      watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-check-number'] });
    });
  };
  window.longestSince = (t) => Math.max(0, ...window.longTasks.filter(([s, d]) => s + d > t).map(([, d]) => d));
};

async function fresh() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(probes);
  await page.goto(server.url);
  await page.waitForSelector('.summary[data-check-ms]:not([data-check-number="0"])');
  return page;
}

/** Replaces the text the way a paste does; resolves to { ms, longest, refused }. */
async function pasteOn(page, text) {
  await page.evaluate((t) => { window.pending = t; }, text);
  return page.evaluate(async () => {
    const el = document.querySelector('[data-testid=editor]');
    el.focus();
    const painted = window.nextPainted();
    const refused = new Promise((resolve) => {
      const look = () => (document.querySelector('[data-topic=size]') ? resolve(null) : setTimeout(look, 50));
      look();
    });
    // Pasted from a task of the page's own (not inside the devtools'
    // `evaluate`, which the `longtask` observer does not see), so the
    // paste's own task counts among the longest.
    const start = await new Promise((resolve) => setTimeout(() => {
      const at = performance.now();
      el.select();
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', window.pending);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
      window.pending = null;
      resolve(at);
    }));
    const end = await Promise.race([painted, refused]);
    await new Promise((r) => setTimeout(r, 100));
    return { ms: end === null ? null : end - start, longest: window.longestSince(start), refused: end === null };
  });
}

/** Types one character at the end of the text: keydown to findings painted. */
async function keystrokeOn(page) {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=editor]');
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    window.keyResult = new Promise((resolve) => {
      window.addEventListener('keydown', (e) => {
        const start = e.timeStamp;
        window.nextPainted().then((end) => resolve({ ms: end - start, longest: window.longestSince(start) }));
      }, { once: true, capture: true });
    });
  });
  await page.keyboard.type('#');
  return page.evaluate(() => window.keyResult);
}

const insecure = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
/** Finding-dense: the insecure example again and again, each copy with its own names. */
function dense(lines) {
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += `---\n${insecure.replaceAll('name: ', `name: n${i}-`)}`;
  return text;
}
const corpusDir = path.join(root, 'tests/corpus');
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => readFileSync(path.join(corpusDir, f), 'utf8'));
/** Real manifests: tests/corpus in name order, copied with their own names until `bytes`. */
function real(bytes) {
  let text = '';
  for (let i = 0; text.length < bytes; i++) {
    for (const file of corpus) text += `---\n${file.replaceAll('name: ', `name: c${i}-`).replace(/\n?$/, '\n')}`;
  }
  return text;
}

const fmt = (ms) => (ms === null ? "n/a" : ms === 0 ? "none over 50 ms" : `${Math.round(ms).toLocaleString('en')} ms`);
const lower = (runs, key) => Math.min(...runs.map((r) => r[key]));

const loads = [];
for (let i = 0; i < 3; i++) {
  const page = await fresh();
  await page.waitForSelector('[data-testid=finding]');
  loads.push(await page.evaluate(() => performance.now()));
  await page.close();
}
console.log(`time to first findings on screen (navigation start to rendered findings): ${fmt(Math.min(...loads))} (lower of 3)`);

const inputs = [
  ['1,000 finding-dense lines', dense(1000)],
  ['10,000 finding-dense lines', dense(10000)],
  ['1 MB of real manifests', real(1024 * 1024)],
  ['10 MB of real manifests', real(10 * 1024 * 1024)],
];
console.log(PAUSE > 0 ? `pasted ${PAUSE} ms after the first findings show (the worker warmed up):` : 'pasted the moment the first findings show:');
console.log('| input | paste to findings painted | longest main-thread task | keystroke at the end to findings painted |');
console.log('|---|---|---|---|');
for (const [name, text] of inputs.filter(([n]) => !only || n.startsWith(only))) {
  console.error(`bench: ${name}`);
  const pastes = [];
  const keys = [];
  let findings = '';
  for (let run = 0; run < RUNS; run++) {
    const page = await fresh();
    if (PAUSE > 0) await page.waitForTimeout(PAUSE);
    const pasted = await pasteOn(page, text);
    if (pasted.refused) {
      pastes.push(pasted);
      await page.close();
      break;
    }
    pastes.push(pasted);
    findings = await page.textContent('[data-testid=finding-count]');
    keys.push(await keystrokeOn(page));
    await page.close();
  }
  const label = `${name} (${text.split('\n').length.toLocaleString('en')} lines, ${Number(findings).toLocaleString('en')} findings)`;
  if (pastes[0].refused) {
    console.log(`| ${name} | refused: over the editor's ceiling | ${fmt(pastes[0].longest)} | |`);
    continue;
  }
  console.log(`| ${label} | ${fmt(lower(pastes, 'ms'))} | ${fmt(lower(pastes, 'longest'))} | ${fmt(lower(keys, 'ms'))} |`);
}
await browser.close();
server.close();
