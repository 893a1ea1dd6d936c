// Fixes in the built playground (dist/): Apply fix on one finding, Fix all
// safe, undo and redo of applies, the unsafe warning, refusals, the
// placeholder of a needs-value fix, the fix under the caret. Texts are
// compared exactly, against the CLI's own fixes. Screenshots go to target/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, launch, open as openOn, paste, checked, run, editorText, editorSelection } from './common.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });
const open = (url, options) => openOn(env, url, options);

const INSECURE = readFileSync(path.join(root, 'tests/data/insecure.yaml'), 'utf8');
const PRIVILEGED = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        # keep this comment\n        securityContext:\n          privileged: true\n';
// Template syntax without Helm's words: checked (a Helm template would be
// an input error), but no fix may edit it.
const TEMPLATED = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: "nginx:{{ tag }}"\n    securityContext:\n      privileged: true\n';

const value = editorText;
const selection = editorSelection;
const rules = (page) => page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.dataset.rule));
const finding = (rule) => `[data-testid=finding][data-rule="${rule}"]`;
/** Waits until the status line matches `re`: a fix is answered by the worker, after the click returns. */
const statusMatches = (page, re) => page.waitForFunction(
  (source) => new RegExp(source).test(document.querySelector('.status')?.textContent ?? ''), re.source);

/** The CLI's findings with their fixes (ASCII input: byte offsets are UTF-16 offsets). */
function cliFindings(text) {
  assert.match(text, /^[\x00-\x7f]*$/);
  return JSON.parse(run(['check', '--format', 'json', '-'], text).stdout).findings;
}

function splice(text, edits) {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Clicks and waits for the check of the text it changes. */
const clickChecked = (page, selector) => checked(page, () => page.click(selector));
const pressChecked = (page, key) => checked(page, () => page.keyboard.press(key));

test('Apply fix on a safe finding changes only its edit range, closes it and adds nothing', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const fix = cliFindings(PRIVILEGED).find((f) => f.rule === 'workload/automount-token').fix;
  assert.equal(fix.applicability, 'safe');
  const expected = splice(PRIVILEGED, fix.edits);
  const before = await rules(page);

  await clickChecked(page, `${finding('workload/automount-token')} [data-testid=apply-fix]`);
  assert.equal(await value(page), expected, 'exactly the edit, nothing else');
  assert.ok(expected.includes('# keep this comment'));
  const afterRules = await rules(page);
  assert.ok(!afterRules.includes('workload/automount-token'), 'the finding is gone');
  assert.deepEqual(afterRules, before.filter((r) => r !== 'workload/automount-token'), 'no new finding');
  // The editor shows the change: the inserted text is selected.
  const [e] = fix.edits;
  assert.deepEqual(await selection(page), [e.start, e.start + e.text.length]);
  assert.match(await page.textContent('.status'), /Applied the fix for workload\/automount-token.*Ctrl\+Z/);
  assert.deepEqual(page.errors, []);
});

test('Fix all safe applies every safe fix at once, as posture fix does', async () => {
  const page = await open();
  await paste(page, INSECURE);
  const safe = await page.$$('[data-testid=apply-fix][data-applicability=safe]');
  assert.ok(safe.length >= 2, `${safe.length} safe fixes offered`);
  assert.match(await page.textContent('[data-testid=fix-all]'), new RegExp(`Fix all safe \\(${safe.length}\\)`));
  const needsValue = (await page.$$('[data-testid=apply-fix][data-applicability=needs-value]')).length;

  await clickChecked(page, '[data-testid=fix-all]');
  const cli = run(['fix', '-'], INSECURE).stdout;
  assert.equal(await value(page), cli, 'the same text as `posture fix -`');
  assert.equal((await page.$$('[data-testid=apply-fix][data-applicability=safe]')).length, 0, 'no safe fix left');
  assert.ok(await page.$eval('[data-testid=fix-all]', (b) => b.disabled));
  assert.equal((await page.$$('[data-testid=apply-fix][data-applicability=needs-value]')).length, needsValue,
    'needs-value fixes are never part of Fix all safe');
  assert.ok(!(await value(page)).includes('FIXME'));

  // One undo step for the whole batch.
  await pressChecked(page, 'Control+z');
  assert.equal(await value(page), INSECURE);
  await pressChecked(page, 'Control+Shift+z');
  assert.equal(await value(page), cli);
  assert.deepEqual(page.errors, []);
});

test('undo and redo restore the exact texts around each apply; typing in between undoes natively first', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const t0 = PRIVILEGED;
  await clickChecked(page, `${finding('workload/automount-token')} [data-testid=apply-fix]`);
  const t1 = await value(page);
  await clickChecked(page, `${finding('pss/allow-privilege-escalation')} [data-testid=apply-fix]`);
  const t2 = await value(page);
  assert.notEqual(t1, t0);
  assert.notEqual(t2, t1);

  await pressChecked(page, 'Control+z');
  assert.equal(await value(page), t1, 'first undo: before the second apply');
  await pressChecked(page, 'Control+z');
  assert.equal(await value(page), t0, 'second undo: the original');
  await pressChecked(page, 'Control+Shift+z');
  assert.equal(await value(page), t1);
  await pressChecked(page, 'Control+y');
  assert.equal(await value(page), t2);
  assert.ok(!(await rules(page)).includes('pss/allow-privilege-escalation'));

  // Typing after an apply: Ctrl+Z takes back the typing first, then the apply.
  await page.focus('[data-testid=editor]');
  await page.keyboard.press('Control+End');
  await checked(page, () => page.keyboard.type('# x'));
  assert.equal(await value(page), `${t2}# x`);
  for (let i = 0; i < 5 && (await value(page)) !== t2; i++) {
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(50);
  }
  assert.equal(await value(page), t2, 'the editor undoes the typing');
  await pressChecked(page, 'Control+z');
  assert.equal(await value(page), t1, 'then the apply is undone');
  assert.deepEqual(page.errors, []);
});

test('an unsafe fix says what it may break before it applies', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const sel = `${finding('pss/privileged')}`;
  assert.equal(await page.getAttribute(`${sel} [data-testid=apply-fix]`, 'data-applicability'), 'unsafe');
  await page.click(`${sel} [data-testid=apply-fix]`);
  const warning = await page.waitForSelector(`${sel} [data-testid=fix-warning]`);
  assert.match(await warning.textContent(), /may break the workload.*device or kernel access/);
  assert.equal(await value(page), PRIVILEGED, 'nothing applied yet');
  await page.click(`${sel} [data-testid=fix-warning] button:not([data-testid])`);
  assert.equal(await page.$(`${sel} [data-testid=fix-warning]`), null, 'Cancel closes the warning');
  assert.equal(await value(page), PRIVILEGED);

  await page.click(`${sel} [data-testid=apply-fix]`);
  await clickChecked(page, `${sel} [data-testid=confirm-fix]`);
  const fix = cliFindings(PRIVILEGED).find((f) => f.rule === 'pss/privileged').fix;
  assert.equal(await value(page), splice(PRIVILEGED, fix.edits));
  assert.match(await value(page), /privileged: false/);
  assert.ok(!(await rules(page)).includes('pss/privileged'));
});

test('a refused fix shows its reason and offers no button', async () => {
  const page = await open();
  await paste(page, TEMPLATED);
  const sel = finding('pss/privileged');
  assert.match(await page.textContent(`${sel} [data-testid=fix-refused]`), /template syntax/);
  assert.equal(await page.$(`${sel} [data-testid=apply-fix]`), null);
  assert.ok(await page.$eval('[data-testid=fix-all]', (b) => b.disabled));
});

test('a fix the verifying apply refuses leaves the text alone and says why, as posture fix does', async () => {
  // Another document does not parse: posture fix leaves the whole file untouched.
  const text = `${PRIVILEGED}---\nbroken: [unclosed\n`;
  const cli = run(['fix', '-'], text);
  assert.equal(cli.code, 2);
  const page = await open();
  await paste(page, text);
  const sel = finding('workload/automount-token');
  await page.click(`${sel} [data-testid=apply-fix]`);
  assert.match(await (await page.waitForSelector(`${sel} [data-testid=fix-refused]`)).textContent(),
    /Not applied: the file has input errors.*fix them first/);
  await statusMatches(page, /Fix not applied: the file has input errors/);
  assert.equal(await value(page), text);
  await page.click('[data-testid=fix-all]');
  await statusMatches(page, /Fix all safe: nothing applied: the file has input errors/);
  assert.equal(await value(page), text);
});

test('a needs-value fix inserts its placeholder only when asked, selected to type over', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  await clickChecked(page, `${finding('workload/resources')} [data-testid=apply-fix][data-applicability=needs-value]`);
  const text = await value(page);
  const fix = cliFindings(PRIVILEGED).find((f) => f.rule === 'workload/resources').fix;
  assert.equal(text, splice(PRIVILEGED, fix.edits));
  const [from, to] = await selection(page);
  assert.match(text.slice(from, to), /^"FIXME: [^"]*"$/);
});

test('the finding under the caret offers its fix over the editor', async () => {
  const page = await open();
  await paste(page, PRIVILEGED);
  const box = await (await page.$('[data-testid=highlight][data-rule="pss/privileged"]')).boundingBox();
  await page.mouse.move(box.x + 8, box.y + box.height / 2);
  assert.match(await (await page.waitForSelector('.tooltip')).textContent(), /Fixable: click the underline for Apply fix/);
  await page.mouse.click(box.x + 8, box.y + box.height / 2);
  const button = await page.waitForSelector('[data-testid=caret-fix] [data-testid=caret-apply-fix]');
  assert.match(await page.textContent('[data-testid=caret-fix]'), /Line 13/);
  await button.click();
  await page.waitForSelector('[data-testid=caret-fix] [data-testid=fix-warning]');
});

test('screenshots: light, dark and 360 px', async () => {
  for (const [name, options] of [['light', {}], ['dark', { colorScheme: 'dark' }],
    ['narrow', { viewport: { width: 360, height: 780 } }]]) {
    const page = await open(undefined, options);
    await paste(page, PRIVILEGED);
    await clickChecked(page, `${finding('workload/automount-token')} [data-testid=apply-fix]`);
    await page.click(`${finding('pss/privileged')} [data-testid=apply-fix]`);
    const warning = await page.waitForSelector('[data-testid=fix-warning]');
    await warning.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: path.join(root, `target/fixes-${name}.png`) });
  }
  // The fix under the caret, and Fix all safe at the top of the panel.
  const page = await open();
  await paste(page, PRIVILEGED);
  const box = await (await page.$('[data-testid=highlight][data-rule="pss/privileged"]')).boundingBox();
  await page.mouse.click(box.x + 8, box.y + box.height / 2);
  await page.waitForSelector('[data-testid=caret-apply-fix]');
  await page.screenshot({ path: path.join(root, 'target/fixes-caret.png') });
});
