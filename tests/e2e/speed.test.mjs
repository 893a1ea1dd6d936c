// The playground at the engine's speed (issue 13): checks run in the engine
// module's Web Worker and go there as edits, a superseded check is never
// shown, typing during a check keeps every keystroke, and the findings
// panel draws only a window of rows yet reaches every finding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { root, posture, run, launch, open as openOn, paste, checked, pasteOver, editorText, editorSelection } from './common.mjs';

// The engine module itself, to compare the playground's patched reports with.
const engine = await import(pathToFileURL(path.join(root, 'dist/pkg/posture.js')));
engine.initSync({ module: readFileSync(path.join(root, 'dist/pkg/posture_bg.wasm')) });

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const INSECURE = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
/** The insecure example again and again, each copy with its own names: thousands of findings. */
function dense(lines) {
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += `---\n${INSECURE.replaceAll('name: ', `name: n${i}-`)}`;
  return text;
}
/** Real manifests (tests/corpus) copied until `bytes`. */
function real(bytes) {
  const dir = path.join(root, 'tests/corpus');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => readFileSync(path.join(dir, f), 'utf8'));
  let text = '';
  for (let i = 0; text.length < bytes; i++) for (const f of files) text += `---\n${f.replaceAll('name: ', `name: c${i}-`)}`;
  return text;
}

/** Records what the page sends to its workers. */
function recordWorkerMessages() {
  window.sentToWorker = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    const bytes = message?.bytes instanceof Uint8Array ? { bytes: message.bytes.length } : {};
    window.sentToWorker.push({ type: message?.type, length: String(message?.text ?? '').length, ...bytes });
    window.editsToWorker ??= [];
    if (message?.type === 'edit') window.editsToWorker.push([message.start, message.end, message.text]);
    return post.call(this, message, ...rest);
  };
}

const count = async (page) => Number(await page.textContent('[data-testid=finding-count]'));
/** The CLI's findings for `text` (its exit status says whether there are any). */
function cliFindings(text) {
  let out;
  try {
    out = execFileSync(posture, ['check', '--format', 'json', '--compact', '-'], { input: text, encoding: 'utf8', maxBuffer: 1 << 30 });
  } catch (e) {
    out = e.stdout;
  }
  return JSON.parse(out).findings;
}

test('checks run in the worker: the text is opened once, then each keystroke goes as a small edit', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(recordWorkerMessages);
  const page = await openOn(env, env.server.url, {}, context);
  await paste(page, INSECURE);
  assert.equal(await count(page), cliFindings(INSECURE).length);
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('Control+End');
  await checked(page, () => page.keyboard.type('#'));
  // The checks' requests (the page also asks once for the registry, and
  // fixes and downloads are requests of their own).
  const sent = (await page.evaluate(() => window.sentToWorker)).filter((m) => m.type === 'open' || m.type === 'edit');
  assert.equal(sent[0].type, 'open', JSON.stringify(sent));
  assert.ok(sent.slice(1).every((m) => m.type === 'edit'), JSON.stringify(sent));
  assert.deepEqual(sent.at(-1), { type: 'edit', length: 1 });
  assert.equal(await count(page), cliFindings(`${INSECURE}#`).length);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a long text (even one led by a BOM) goes to the worker as UTF-8 bytes, and its findings come back packed: exactly the engine\'s', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(recordWorkerMessages);
  const page = await openOn(env, env.server.url, {}, context);
  // Past the 64 KB sent as a string, with characters of two, three and four bytes, and led by a
  // byte order mark (a decoder's default would drop it, and every offset after it would be off).
  const text = `\uFEFF# é€😀\n${dense(6000)}`;
  await paste(page, text);
  const sent = (await page.evaluate(() => window.sentToWorker)).filter((m) => m.type === 'open' || m.type === 'edit');
  assert.deepEqual(sent.at(-1), { type: sent.at(-1).type, length: 0, bytes: Buffer.byteLength(text) });
  const shown = await shownIsExact(page);
  assert.equal(shown.text, text);
  assert.ok(shown.exact && shown.shown > 1000, `${shown.shown} findings shown, ${shown.expected} expected`);
  await checked(page, () => page.keyboard.type('x'));
  assert.deepEqual((await page.evaluate(() => window.sentToWorker)).at(-1), { type: 'edit', length: 1 });
  assert.ok((await shownIsExact(page)).exact);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('edits go to the worker as the editor made them, not as two texts compared', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(recordWorkerMessages);
  const page = await openOn(env, env.server.url, {}, context);
  await paste(page, 'metadata:\n  name: aaa\n');
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  // An "a" typed after the first "a" of "aaa": compared texts would say after the third.
  await checked(page, () => page.keyboard.type('a'));
  await checked(page, () => page.keyboard.press('Backspace'));
  const edits = await page.evaluate(() => window.editsToWorker);
  assert.deepEqual(edits.slice(-2), [[19, 19, 'a'], [19, 20, '']]);
  assert.equal(await editorText(page), 'metadata:\n  name: aaa\n');
  await context.close();
});

test('a worker that cannot be relied on is let go, and the page checks itself', async () => {
  const version = run(['--version']).stdout.trim().replace(/^posture /, '');
  const workers = {
    'of another version': "postMessage({ type: 'ready', version: '0.0.0-another' }); onmessage = () => {};",
    'answering with a report this build cannot read':
      `postMessage({ type: 'ready', version: '${version}' }); onmessage = (e) => postMessage({ id: e.data.id, report: { findings: 'none' } });`,
    'failing every request':
      `postMessage({ type: 'ready', version: '${version}' }); onmessage = (e) => postMessage({ id: e.data.id, error: 'Error: broken' });`,
  };
  for (const [what, source] of Object.entries(workers)) {
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/pkg/worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: source }));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid=editor]');
    // A few changes, a moment apart: enough for errors again and again.
    for (let i = 1; i <= 4; i++) {
      await page.evaluate(pasteOver, `${INSECURE}${'#'.repeat(i)}`);
      await page.waitForTimeout(200);
    }
    await page.waitForFunction((n) => document.querySelector('[data-testid=finding-count]')?.textContent === String(n),
      cliFindings(`${INSECURE}####`).length, { timeout: 120000 }).catch(() => {});
    assert.equal(await count(page), cliFindings(`${INSECURE}####`).length, what);
    assert.deepEqual(errors, [], what);
    await context.close();
  }
});

test('an engine wasm that cannot be loaded is said: the page checks itself, or says why it cannot', async () => {
  // The worker's fetch of the wasm fails once (a network blip): the page loads it and checks.
  let context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  let fetches = 0;
  await context.route('**/pkg/playground-engine_bg.wasm', (route) => (fetches++ === 0 ? route.abort() : route.continue()));
  const page = await openOn(env, env.server.url, {}, context);
  await paste(page, INSECURE);
  assert.equal(await count(page), cliFindings(INSECURE).length);
  assert.ok(fetches >= 2, `${fetches} fetches of the wasm`);
  assert.deepEqual(page.errors, []);
  await context.close();
  // It never loads: no findings are claimed, and the status says why.
  context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/pkg/playground-engine_bg.wasm', (route) => route.abort());
  const broken = await context.newPage();
  await broken.goto(env.server.url);
  await broken.waitForFunction(() => document.body.textContent.includes('The engine could not be loaded'), null, { timeout: 30000 });
  await context.close();
});

test('with no worker, the engine module runs in the page: checks, fixes, downloads and lessons', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await context.route('**/pkg/worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: "throw new Error('no worker here');" }));
  const page = await openOn(env, env.server.url, {}, context);
  await paste(page, INSECURE);
  assert.equal(await count(page), cliFindings(INSECURE).length);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-json]')]);
  assert.equal(JSON.parse(readFileSync(await download.path(), 'utf8')).findings.length, cliFindings(INSECURE).length);
  await checked(page, () => page.click('[data-testid=fix-all]'));
  assert.equal(await page.inputValue('[data-testid=editor]'), run(['fix', '-'], INSECURE).stdout);
  await page.goto(`${env.server.url}#lessons`);
  await page.click('[data-testid=lesson-card] a');
  await page.waitForSelector('[data-testid=goal-item]');
  assert.deepEqual(page.errors, []);
  await context.close();
});

for (const worker of [false, true]) {
  test(`a paste over 1 MiB then "Fix all safe" in one task keeps the paste (${worker ? 'worker' : 'engine in the page'}): the app is told of the paste a task later, and a fix made for the text before it is not applied`, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    if (!worker) {
      // The engine in the page answers the fix at once, before the task that tells the app.
      await context.route('**/pkg/worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: "throw new Error('no worker here');" }));
    }
    const page = await openOn(env, env.server.url, {}, context);
    await paste(page, INSECURE);
    const big = real(1.2 * 1024 * 1024);
    await page.evaluate((text) => {
      const el = document.querySelector('[data-testid=editor]');
      el.focus();
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true, cancelable: true }));
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
      document.querySelector('[data-testid=fix-all]').click();
    }, big);
    // Settled: the page shows a check of the editor's text.
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=editor]');
      return el.editorChecked.text === el.editorText;
    }, null, { timeout: 120000 });
    const text = await editorText(page);
    assert.ok(text === `${INSECURE}${big}`, `the paste was lost: ${text.length} characters, status "${await page.textContent('.status')}"`);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('typing during the check of a large text keeps every keystroke, and the newest text is checked', async () => {
  const page = await openOn(env);
  const big = real(1.5 * 1024 * 1024);
  await page.evaluate(pasteOver, big);
  // At once, while the worker checks: nothing waits for the check.
  await page.keyboard.type('# typed at once\n');
  assert.equal(await editorText(page), `${big}# typed at once\n`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=finding-count]')?.textContent === String(n),
    cliFindings(`${big}# typed at once\n`).length, { timeout: 120000 });
  assert.deepEqual(page.errors, []);
});

test('a superseded check is dropped: only the newest text\'s findings are ever shown', async () => {
  const page = await openOn(env);
  const big = real(1024 * 1024);
  const small = INSECURE;
  const expected = cliFindings(small).length;
  assert.notEqual(cliFindings(big).length, expected);
  const shown = await page.evaluate(async ([a, b, n]) => {
    const seen = [];
    const watch = new MutationObserver(() => {
      const c = document.querySelector('[data-testid=finding-count]')?.textContent;
      if (c !== seen.at(-1)) seen.push(c);
    });
    watch.observe(document.body, { subtree: true, childList: true, characterData: true });
    const el = document.querySelector('[data-testid=editor]');
    for (const t of [a, b]) {
      el.focus();
      el.select();
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    }
    await new Promise((resolve) => {
      const look = () => (seen.at(-1) === String(n) ? resolve() : setTimeout(look, 50));
      look();
    });
    // Long enough for the large text's check to have finished too.
    await new Promise((r) => setTimeout(r, 3000));
    watch.disconnect();
    return seen;
  }, [big, small, expected]);
  assert.ok(shown.length >= 1);
  assert.deepEqual(shown.slice(1), Array(shown.length - 1).fill(String(expected)), `counts shown: ${shown}`);
});

test('the panel draws a window of findings, and scrolling and F8 reach the last one', async () => {
  const page = await openOn(env);
  const text = dense(3000);
  const findings = cliFindings(text);
  await paste(page, text);
  assert.equal(await count(page), findings.length);
  const drawn = await page.$$eval('[data-testid=finding]', (els) => els.length);
  assert.ok(findings.length > 1000 && drawn > 0 && drawn < 150, `${drawn} of ${findings.length} findings drawn`);

  // Grouped by object, in order of appearance: the last row is the last
  // object's last finding.
  const key = (f) => JSON.stringify(f.object);
  const lastObject = key(findings.at(-1));
  const last = findings.filter((f) => key(f) === lastObject).at(-1);
  await page.$eval('.findings-pane', (el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => {
    const list = document.querySelector('[data-testid=finding-list]');
    return list.dataset.last === list.dataset.rows;
  });
  const end = await page.$eval('.findings-pane', (el) => { el.scrollTop = el.scrollHeight; return true; });
  assert.ok(end);
  await page.waitForTimeout(200);
  const lastDrawn = await page.$$eval('[data-testid=finding]', (els) => {
    const e = els.at(-1);
    return { rule: e.dataset.rule, line: Number(e.dataset.line) };
  });
  assert.deepEqual(lastDrawn, { rule: last.rule, line: last.span.start.line });
  await page.screenshot({ path: path.join(root, 'target/playground-findings-window.png') });

  // Shift+F8 from the start of the text selects the last finding.
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+F8');
  const selection = await editorSelection(page);
  assert.deepEqual(selection, [findings.at(-1).span.start.offset, findings.at(-1).span.end.offset]);
  assert.deepEqual(page.errors, []);
});

/** A finding as the editor's `editorChecked` hook writes it (src/ui/editor/mod.rs, `finding_line`). */
function findingLine(f) {
  const [s, e] = [f.span.start, f.span.end];
  const fix = f.fix ? `${f.fix.applicability} ${f.fix.edits.map((x) => `${x.start}-${x.end}:${JSON.stringify(x.text)}`).join(',')}`
    : f.fixRefused !== undefined ? `refused ${f.fixRefused}` : 'none';
  const o = f.object;
  return `${f.rule} ${f.severity} ${f.file} ${f.document} ${o.apiVersion} ${o.kind} ${o.namespace ?? ''}/${o.name ?? ''} ${s.line}:${s.column}@${s.offset}-${e.line}:${e.column}@${e.offset} [${fix}] ${f.message}`;
}

/** The last check the page shows: its text, and whether its findings are exactly the engine module's for that text. */
async function shownIsExact(page) {
  const shown = await page.$eval('[data-testid=editor]', (el) => el.editorChecked);
  const expected = engine.check(shown.text, { fileName: 'playground.yaml' }).findings.map(findingLine);
  return { text: shown.text, exact: JSON.stringify(shown.findings) === JSON.stringify(expected), shown: shown.findings.length, expected: expected.length };
}

test('the report the page patches from the worker\'s changes is exactly the engine\'s, after many random edits', async () => {
  const page = await openOn(env);
  await paste(page, real(200 * 1024));
  assert.ok((await shownIsExact(page)).exact);
  await page.focus('[data-testid=editor]');
  // A person's edits anywhere in the text, some typed faster than the checks come (so answers to
  // superseded edits are read but not shown), some waited for.
  let seed = 11;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = (items) => items[Math.floor(next() * items.length)];
  const moves = ['PageDown', 'PageDown', 'PageUp', 'ArrowDown', 'ArrowRight', 'End', 'Control+End', 'Control+Home'];
  const edits = [['type', 'x'], ['press', 'Enter'], ['press', 'Backspace'], ['press', 'Delete'], ['type', '---\n'],
    ['type', '# posture:ignore workload reviewed'], ['paste', '    privileged: true\n'], ['paste', 'kind: Pod\nmetadata:\n  name: p\n'],
    ['type', 'é😀']];
  let compared = 0;
  for (let step = 0; step < 60; step++) {
    for (let n = Math.floor(next() * 4); n > 0; n--) await page.keyboard.press(pick(moves));
    // A waited-for step changes the text for certain (a Backspace at the start would not).
    const [how, what] = step % 5 === 4 ? ['type', 'y'] : pick(edits);
    const edit = async () => {
      if (how === 'type') await page.keyboard.type(what);
      else if (how === 'press') await page.keyboard.press(what);
      else {
        await page.evaluate((t) => {
          const clipboardData = new DataTransfer();
          clipboardData.setData('text/plain', t);
          document.querySelector('[data-testid=editor]').dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
        }, what);
      }
    };
    if (step % 5 === 4) {
      await checked(page, edit);
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid=editor]');
        return el.editorChecked.text === el.editorText;
      }, null, { timeout: 120000 });
      const shown = await shownIsExact(page);
      assert.ok(shown.exact, `step ${step}: ${shown.shown} findings shown, ${shown.expected} expected`);
      compared++;
    } else {
      await edit();
    }
  }
  assert.equal(compared, 12);
  assert.deepEqual(page.errors, []);
});
