// Lessons in headless Chromium (the built playground in dist/): every
// shipped lesson's start leaves its goal open and its solution meets it; a
// lesson is met by editing, with hints; a lesson written by a trainer and
// dropped into dist/lessons/ works without a rebuild; a broken one says
// what is wrong; workshop links; progress; offline once loaded; presenter
// mode (screenshots in target/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root, launch, paste, editorText } from './common.mjs';

let env;
const lessonsDir = path.join(root, 'dist/lessons');
const indexFile = path.join(lessonsDir, 'index.json');
const shipped = JSON.parse(readFileSync(path.join(root, 'web/lessons/index.json'), 'utf8'));

// A lesson written by someone else in the documented format, added to the
// built site after the build.
const TRAINER = `id: trainer-demo
title: A trainer's own lesson
practice: image-policy
intro: |
  Pin the **nginx** image to a version.
start: |
  apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: demo}
  spec:
    containers:
    - name: web
      image: nginx:latest
goal:
  absent: [image/latest-tag]
  keep:
    - {kind: Pod, name: web}
hints:
  - Use a version tag such as \`1.27.3\`.
solution: |
  apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: demo}
  spec:
    containers:
    - name: web
      image: nginx:1.27.3
`;
const BROKEN = `id: broken
title: Broken
practice: encryption
intro: x
start: x
goal:
  absent: [encryption/no-such-rule]
hint: [x]
solution: x
`;

before(async () => {
  writeFileSync(path.join(lessonsDir, 'trainer-demo.yaml'), TRAINER);
  writeFileSync(path.join(lessonsDir, 'broken.yaml'), BROKEN);
  writeFileSync(indexFile, JSON.stringify([...shipped, 'trainer-demo.yaml', 'broken.yaml']));
  env = await launch();
});
after(async () => {
  await env?.close();
  rmSync(path.join(lessonsDir, 'trainer-demo.yaml'), { force: true });
  rmSync(path.join(lessonsDir, 'broken.yaml'), { force: true });
  writeFileSync(indexFile, readFileSync(path.join(root, 'web/lessons/index.json')));
});

async function openLessons(hash, options = {}, context = null) {
  context ||= await env.browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Any failed request but the browser's own favicon.ico is an error.
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
  page.errors = errors;
  await page.goto(`${env.server.url}${options.search || ''}#${hash}`);
  await page.waitForSelector('[data-testid=lessons-index], [data-testid=lesson], [data-testid=lesson-error]');
  return page;
}

const goalState = (page) => page.getAttribute('[data-testid=lesson-goal]', 'data-state');
const itemStates = (page) => page.$$eval('[data-testid=goal-item]', (els) => els.map((e) => e.dataset.state));

/** Waits until the goal has been evaluated on the editor's text and is `state`. */
async function goalIs(page, state) {
  await page.waitForFunction((s) => {
    const goal = document.querySelector('[data-testid=lesson-goal]');
    return goal && goal.dataset.state === s && document.querySelectorAll('[data-testid=goal-item]').length > 0;
  }, state, { timeout: 30000 });
}

async function openLesson(id, context) {
  const page = await openLessons(`lesson=${id}`, {}, context);
  await page.waitForSelector('[data-testid=lesson]');
  await page.waitForSelector('[data-testid=goal-item]');
  return page;
}

async function solutionText(page) {
  await page.click('[data-testid=lesson-solution]');
  await page.click('[data-testid=lesson-solution-confirm]');
  return page.textContent('[data-testid=lesson-solution-text] pre');
}

test('the index lists every lesson, and a broken lesson file says which field is wrong and where', async () => {
  const page = await openLessons('lessons');
  const cards = await page.$$eval('[data-testid=lesson-card]', (els) => els.map((e) => e.dataset.lesson));
  assert.deepEqual(cards, [...shipped.map((f) => f.replace(/\.yaml$/, '')), 'trainer-demo']);
  const broken = await page.textContent('[data-testid=lesson-file-error][data-file="broken.yaml"]');
  assert.match(broken, /line 7, column 12: `goal\.absent`: “encryption\/no-such-rule” names no rule/);
  assert.match(broken, /line 8, column 1: lesson: unknown field `hint`/);
  await page.screenshot({ path: path.join(root, 'target/lessons-index.png') });
  assert.deepEqual(page.errors, []);
});

test('every shipped lesson: the start leaves the goal open, the solution meets it', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  for (const file of shipped) {
    const id = file.replace(/\.yaml$/, '');
    const page = await openLesson(id, context);
    await goalIs(page, 'open');
    const solution = await solutionText(page);
    await paste(page, solution);
    await goalIs(page, 'met');
    assert.ok((await itemStates(page)).every((s) => s === 'met'), id);
    assert.deepEqual(page.errors, [], id);
    await page.close();
  }
  await context.close();
});

test('a lesson is met by editing, hints come one at a time, progress is kept, reset goes back', async () => {
  const page = await openLesson('encryption-at-rest');
  await goalIs(page, 'open');
  const before = await itemStates(page);
  assert.ok(before.includes('open'));
  assert.equal(await page.$$eval('[data-testid=hint]', (h) => h.length), 0);
  await page.click('[data-testid=lesson-hint]');
  assert.equal(await page.$$eval('[data-testid=hint]', (h) => h.length), 1);
  await page.keyboard.press('F9');
  assert.equal(await page.$$eval('[data-testid=hint]', (h) => h.length), 2);
  assert.match(await page.textContent('[data-testid=lesson-hint]'), /2 of 3/);

  // Edit as a user would: replace the first provider with a KMS v2 one,
  // drop the aescbc key, keep identity last.
  const start = await editorText(page);
  const edited = start.replace(/  - identity: \{\}\n  - aescbc:[\s\S]*$/,
    '  - kms:\n      apiVersion: v2\n      name: kms\n      endpoint: unix:///var/run/kms.sock\n  - identity: {}\n');
  assert.notEqual(edited, start);
  // Half way: identity moved last, but aescbc (and its public key) still there.
  await paste(page, start.replace('  - identity: {}\n', '') + '  - identity: {}\n');
  await goalIs(page, 'open');
  assert.deepEqual(await itemStates(page), ['met', 'open', 'open', 'met', 'met']);
  await paste(page, edited);
  await goalIs(page, 'met');
  await page.waitForSelector('[data-testid=lesson-done]');

  // Kept on this device: the index says done; a reload keeps the edit.
  await page.reload();
  await goalIs(page, 'met');
  await page.click('[data-testid=lesson-reset]');
  await goalIs(page, 'open');
  assert.equal(await editorText(page), start);
  await page.goto(`${env.server.url}#lessons`);
  await page.waitForSelector('[data-testid=lesson-card][data-lesson="encryption-at-rest"][data-done="true"]');
  await page.click('[data-testid=lessons-reset-progress]');
  await page.waitForSelector('[data-testid=lesson-card][data-lesson="encryption-at-rest"][data-done="false"]');
  assert.deepEqual(page.errors, []);
});

test('a lesson dropped into dist/lessons/ works without a rebuild', async () => {
  const page = await openLesson('trainer-demo');
  await goalIs(page, 'open');
  const text = await editorText(page);
  await paste(page, text.replace('nginx:latest', 'nginx:1.27.3'));
  await goalIs(page, 'met');
  assert.deepEqual(page.errors, []);
});

test('a workshop link shows only its lessons, in its order, and Next follows it; offline once loaded', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await openLessons('lessons=network-policy,audit-policy', {}, context);
  const cards = await page.$$eval('[data-testid=lesson-card]', (els) => els.map((e) => e.dataset.lesson));
  assert.deepEqual(cards, ['network-policy', 'audit-policy']);
  await context.setOffline(true);
  await page.click('[data-testid=lesson-card][data-lesson="network-policy"] a');
  await page.waitForSelector('[data-testid=lesson][data-lesson="network-policy"]');
  await page.click('[data-testid=lesson-next]');
  await page.waitForSelector('[data-testid=lesson][data-lesson="audit-policy"]');
  assert.match(page.url(), /#lesson=audit-policy&lessons=network-policy,audit-policy$/);
  await goalIs(page, 'open');
  assert.equal(await page.getAttribute('[data-testid=lesson-next]', 'href'), '#lessons=network-policy,audit-policy');
  assert.deepEqual(page.errors, []);
  await context.close();
});

for (const scheme of ['light', 'dark']) {
  test(`presenter mode at 1280×720 (${scheme}): large editor type, findings under the editor, F8 and F9`, async () => {
    const page = await openLessons('lesson=network-policy', { viewport: { width: 1280, height: 720 }, colorScheme: scheme, search: '?present' });
    await goalIs(page, 'open');
    assert.ok(await page.$('body.present'));
    const size = await page.$eval('[data-testid=editor]', (el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 20, `editor font ${size}px`);
    const editor = await page.$eval('.editor-pane', (el) => el.getBoundingClientRect().toJSON());
    const findings = await page.$eval('.findings-pane', (el) => el.getBoundingClientRect().toJSON());
    assert.ok(findings.top >= editor.bottom - 1, 'findings under the editor');
    assert.ok(!(await page.isVisible('[data-testid=download-sarif]')));
    await page.keyboard.press('F9');
    assert.equal(await page.$$eval('[data-testid=hint]', (h) => h.length), 1);
    await page.keyboard.press('F8');
    const selected = await page.$eval('[data-testid=editor]', (el) => el.editorSelection[1] > el.editorSelection[0]);
    assert.ok(selected, 'F8 selects a finding');
    await page.screenshot({ path: path.join(root, `target/lesson-present${scheme === 'dark' ? '-dark' : ''}.png`) });
    // The toggle turns it off again, and the address follows.
    await page.click('[data-testid=present-toggle]');
    assert.ok(!(await page.$('body.present')));
    assert.ok(!page.url().includes('present'));
    await page.screenshot({ path: path.join(root, `target/lesson${scheme === 'dark' ? '-dark' : ''}.png`) });
    assert.deepEqual(page.errors, []);
  });
}

test('the playground links to the lessons', async () => {
  const page = await openLessons('lessons');
  await page.click('[data-testid=playground-link]');
  await page.waitForSelector('.summary[data-check-ms]:not([data-check-number="0"])');
  await page.click('[data-testid=lessons-link]');
  await page.waitForSelector('[data-testid=lessons-index]');
  assert.deepEqual(page.errors, []);
});
