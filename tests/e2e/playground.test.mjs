// The built playground (`trunk build --release`, in dist/) in headless
// Chromium: checking as you type, highlights, navigation, settings, share
// links, downloads, privacy. Screenshots and timings go to target/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, launch, open as openOn, paste, run, editorText, editorSelection } from './common.mjs';

let env;
const INSECURE = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
const CLEAN = readFileSync(path.join(root, 'tests/data/hardened.yaml'), 'utf8');
const PRIVILEGED = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        securityContext:\n          privileged: true\n';

before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const open = (url, options) => openOn(env, url, options);

const count = async (page) => Number(await page.textContent('[data-testid=finding-count]'));
const rules = (page) => page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.dataset.rule));
const caretLine = (page) => page.$eval('[data-testid=editor]', (el) => el.editorText.slice(0, el.editorSelection[0]).split('\n').length);

test('an insecure Deployment shows findings and highlights on the right lines', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const finding = await page.$('[data-testid=finding][data-rule="pss/privileged"]');
  assert.equal(await finding.getAttribute('data-line'), '12');
  assert.equal(await finding.getAttribute('data-severity'), 'critical');
  const highlight = await page.$('.line[data-line="12"] [data-testid=highlight][data-rule="pss/privileged"]');
  assert.ok(highlight, 'privileged: true is underlined on line 12');
  assert.equal(await highlight.textContent(), 'privileged: true');
  assert.ok(await page.$('.gutter-line.marked.critical'));
  assert.deepEqual(page.errors, []);
});

test('a clean manifest shows no findings and no highlights', async () => {
  const page = await open();
  await paste(page, CLEAN);
  assert.equal(await count(page), 0);
  assert.equal((await page.$$('[data-testid=highlight]')).length, 0);
});

/** The selection in the editor, as [start, end] in UTF-16 units. */
const selection = editorSelection;

test('clicking a finding selects its span; F8 and Shift+F8 select the next and previous finding exactly', async () => {
  assert.match(INSECURE, /^[\x00-\x7f]*$/, 'ASCII, so the CLI\'s byte offsets are the editor\'s UTF-16 offsets');
  const findings = JSON.parse(run(['check', '--format', 'json', '-'], INSECURE).stdout).findings
    .map((f) => ({ rule: f.rule, span: [f.span.start.offset, f.span.end.offset] }));
  const privileged = findings.find((f) => f.rule === 'pss/privileged');
  // As the playground steps: the first finding (in report order) starting after the caret, and back.
  const next = findings.find((f) => f.span[0] > privileged.span[0]);
  const back = findings.findLast((f) => f.span[0] < next.span[0]);
  assert.notDeepEqual(next.span, privileged.span);

  const page = await open();
  await paste(page, INSECURE);
  await page.click('[data-testid=finding][data-rule="pss/privileged"] .jump');
  assert.deepEqual(await selection(page), privileged.span);
  assert.equal(await caretLine(page), 19);
  await page.keyboard.press('F8');
  assert.deepEqual(await selection(page), next.span, `F8 selects ${next.rule}`);
  await page.keyboard.press('Shift+F8');
  assert.deepEqual(await selection(page), back.span, `Shift+F8 selects ${back.rule}`);
});

test('hovering a highlight shows the rule title and message', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const box = await (await page.$('[data-testid=highlight][data-rule="pss/privileged"]')).boundingBox();
  await page.mouse.move(box.x + 10, box.y + box.height / 2);
  const tip = await page.waitForSelector('.tooltip');
  assert.match(await tip.textContent(), /Privileged container.*runs privileged/);
});

test('the Pod Security level and rule families change the findings', async () => {
  const page = await open();
  await paste(page, INSECURE);
  const restricted = await count(page);
  await page.selectOption('[data-testid=pss-level]', 'baseline');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=finding-count]').textContent) !== n, restricted);
  assert.ok(await count(page) < restricted);
  assert.ok((await rules(page)).every((r) => !r.includes('restricted') && !r.startsWith('pss/run-as')));
  const withPss = await count(page);
  await page.click('.families-menu > summary');
  await page.uncheck('[data-testid=family-toggle][data-family=pss]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=finding-count]').textContent) < n, withPss);
  assert.ok((await rules(page)).every((r) => !r.startsWith('pss/')));
  await page.check('[data-testid=family-toggle][data-family=pss]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=finding-count]').textContent) === n, withPss);
});

test('severity filters hide findings in the panel and the editor', async () => {
  const page = await open();
  await paste(page, INSECURE);
  await page.click('.chip.critical');
  assert.ok(!(await rules(page)).includes('pss/privileged'));
  assert.equal(await page.$('[data-testid=highlight][data-rule="pss/privileged"]'), null);
  await page.click('.chip.critical');
  assert.ok((await rules(page)).includes('pss/privileged'));
});

test('registry allowlist, posture summary and suppressions show in the page', async () => {
  const page = await open();
  await paste(page, PRIVILEGED.replace('      privileged: true\n', '      privileged: true  # posture:ignore pss/privileged reviewed for the demo\n'));
  assert.ok(!(await rules(page)).includes('pss/privileged'));
  assert.match(await page.textContent('[data-testid=suppressed]'), /1 suppressed/);
  assert.equal(await page.getAttribute('[data-testid=practices] .practice.fail', 'data-status'), 'fail');
  assert.ok(!(await rules(page)).includes('image/registry-allowlist'));
  await page.fill('[data-testid=registries]', 'registry.example.com');
  await page.press('[data-testid=registries]', 'Enter');
  await page.waitForSelector('[data-testid=finding][data-rule="image/registry-allowlist"]');
});

test('parse errors are shown inline with their position', async () => {
  const page = await open();
  await paste(page, 'apiVersion: v1\nkind: Pod\nspec: [\n');
  assert.match(await page.textContent('[data-testid=input-error]'), /line 3/);
  assert.ok(await page.$('[data-testid=highlight][data-rule=error]'));
});

test('Tab inserts spaces in the editor', async () => {
  const page = await open();
  await paste(page, 'a:\n');
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('End');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Tab');
  await page.keyboard.type('b: 1');
  assert.equal(await editorText(page), 'a:\n  b: 1');
});

test('Tab indents each selected line, and Undo takes it back', async () => {
  const page = await open();
  await paste(page, 'a:\nb: 1\n\nc: 2\nd: 3\n');
  const editor = '[data-testid=editor]';
  await page.focus(editor);
  // From inside line 2 to inside line 4: lines 2 to 4 are indented, the empty one is left alone.
  await page.$eval(editor, (el) => el.setSelectionRange(4, 12));
  await page.keyboard.press('Tab');
  assert.equal(await editorText(page), 'a:\n  b: 1\n\n  c: 2\nd: 3\n');
  assert.deepEqual(await editorSelection(page), [3, 16]);
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'a:\nb: 1\n\nc: 2\nd: 3\n');
});

test('every example in the gallery loads', async () => {
  const page = await open();
  const examples = await page.$$eval('[data-testid=example]', (els) => els.map((e) => e.dataset.example));
  assert.ok(examples.length >= 7, examples.join());
  for (const id of examples) {
    await page.click('.gallery > summary');
    await page.click(`[data-testid=example][data-example="${id}"] button`);
    await page.waitForTimeout(50);
    assert.ok((await editorText(page)).length > 100, id);
    await page.click('.gallery > summary');
  }
});

test('a share link restores content and settings; the last content survives a reload', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  await page.selectOption('[data-testid=pss-level]', 'baseline');
  await page.click('[data-testid=share]');
  const url = await page.inputValue('[data-testid=share-link]');
  assert.match(url, /#level=baseline&yaml=/);
  assert.equal(new URL(page.url()).hash, '', 'the address bar keeps no fragment, so a reload keeps later edits');
  const other = await open(url);
  assert.equal(await editorText(other), PRIVILEGED);
  assert.equal(await other.inputValue('[data-testid=pss-level]'), 'baseline');
  assert.ok((await rules(other)).includes('pss/privileged'));
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid=finding]');
  assert.equal(await editorText(page), PRIVILEGED);
});

test('reports download as JSON and SARIF', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  for (const [button, key] of [['download-json', 'findings'], ['download-sarif', 'runs']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${button}]`)]);
    const body = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.ok(Array.isArray(body[key]), button);
  }
});

test('works offline once loaded, and no request leaves the origin', async () => {
  const page = await open();
  await page.context().setOffline(true);
  await paste(page, PRIVILEGED);
  assert.ok((await rules(page)).includes('pss/privileged'));
  assert.deepEqual(env.offOrigin, []);
});

test('timings and screenshots', async (t) => {
  const page = await open();
  const doc = (i) => PRIVILEGED.replace('name: web', `name: web-${i}`);
  let thousand = '';
  for (let i = 0; thousand.split('\n').length < 1000; i++) thousand += `---\n${doc(i)}`;
  const runs = [];
  for (let i = 0; i < 5; i++) {
    await paste(page, thousand + `# ${i}\n`);
    runs.push(Number(await page.getAttribute('.summary', 'data-check-ms')));
  }
  t.diagnostic(`check of a ${thousand.split('\n').length}-line input: ${runs.map((r) => r.toFixed(1)).join(', ')} ms`);
  let tenThousand = '';
  for (let i = 0; tenThousand.split('\n').length < 10000; i++) tenThousand += `---\n${doc(i)}`;
  let started = Date.now();
  await paste(page, tenThousand);
  t.diagnostic(`10,000-line paste to findings shown: ${Date.now() - started} ms (check ${await page.getAttribute('.summary', 'data-check-ms')} ms)`);
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('Control+End');
  const keystrokes = [];
  for (let i = 0; i < 5; i++) {
    const before = await page.getAttribute('.summary', 'data-check-number');
    started = Date.now();
    await page.keyboard.type('#');
    await page.waitForFunction((b) => document.querySelector('.summary').getAttribute('data-check-number') !== b, before);
    keystrokes.push(Date.now() - started);
  }
  t.diagnostic(`10,000 lines, keystroke to updated findings: ${keystrokes.join(', ')} ms`);
  // The largest input the editor takes (2 MB; README, "Size ceilings").
  let big = '';
  const unit = `---\n${INSECURE}`;
  while (big.length + unit.length <= 2 * 1024 * 1024) big += unit;
  started = Date.now();
  await paste(page, big);
  await page.waitForFunction(() => Number(/in (\d+) objects/.exec(document.querySelector('.summary').textContent)?.[1]) > 4000, null, { timeout: 60000 });
  t.diagnostic(`2 MB input: check ${Number(await page.getAttribute('.summary', 'data-check-ms')).toFixed(0)} ms, paste to findings shown ${Date.now() - started} ms`);
  const before = await page.getAttribute('.summary', 'data-check-number');
  started = Date.now();
  await page.keyboard.type('#');
  await page.waitForFunction((b) => document.querySelector('.summary').getAttribute('data-check-number') !== b, before);
  t.diagnostic(`2 MB input, keystroke to updated findings: ${Date.now() - started} ms`);
  await page.evaluate(() => document.querySelector('.editor-frame .code').scrollTop = 400000);
  await page.waitForTimeout(100);
  assert.ok(await page.$('.line[data-line]'));

  const shots = await open(env.server.url, { viewport: { width: 1400, height: 860 } });
  await paste(shots, INSECURE);
  await shots.click('[data-testid=finding][data-rule="pss/privileged"] .jump');
  await shots.click('[data-testid=finding][data-rule="pss/privileged"] summary');
  await shots.screenshot({ path: path.join(root, 'target/playground.png') });
  const dark = await open(env.server.url, { colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
  await dark.screenshot({ path: path.join(root, 'target/playground-dark.png') });
  const phone = await open(env.server.url, { viewport: { width: 360, height: 740 } });
  await phone.screenshot({ path: path.join(root, 'target/playground-360.png'), fullPage: true });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
});
