// The playground's editor as a person drives it, on the release build
// (dist/): only the lines in view are in the page, and the hidden textarea
// that takes input holds only the text around the selection, yet caret,
// selection, clipboard, undo, IME and the test-facing ways in (select all
// and paste, Playwright's fill()) act on the whole text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { root, launch, open as openOn, paste, checked, editorText, editorSelection } from './common.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const EDITOR = '[data-testid=editor]';
/** `count` numbered lines: "key0: value0\n"… */
const numbered = (count) => Array.from({ length: count }, (_, i) => `key${i}: value${i}\n`).join('');
const shot = (page, name) => page.screenshot({ path: path.join(root, `target/${name}.png`) });
/** The copied text: the clipboard data the editor sets, read back on the document. */
async function copied(page, keys) {
  await page.evaluate(() => {
    window.copiedText = null;
    document.addEventListener('copy', (e) => { window.copiedText = e.clipboardData.getData('text/plain'); }, { once: true });
    document.addEventListener('cut', (e) => { window.copiedText = e.clipboardData.getData('text/plain'); }, { once: true });
  });
  await page.keyboard.press(keys);
  return page.evaluate(() => window.copiedText);
}

test('only the lines in view are in the page, and the textarea holds the text around the caret', async () => {
  const page = await openOn(env);
  const text = numbered(20000);
  await paste(page, text);
  assert.equal(await editorText(page), text);
  const drawn = await page.$$eval('.lines .line', (lines) => lines.length);
  assert.ok(drawn > 10 && drawn < 120, `${drawn} lines drawn`);
  const held = await page.$eval(EDITOR, (el) => el.value.length);
  assert.ok(held < 2000, `the textarea holds ${held} characters`);
  // Scrolled far down, the lines there are drawn.
  await page.evaluate(() => { document.querySelector('.editor-frame .code').scrollTop = 15000 * 20; });
  await page.waitForSelector('.line[data-line="15001"]');
  assert.equal(await page.textContent('.line[data-line="15001"]'), 'key15000: value15000');
  assert.deepEqual(page.errors, []);
});

test('fill() and select all + paste replace the whole text, also when it is long', async () => {
  const page = await openOn(env);
  await paste(page, numbered(5000));
  // The paste leaves its caret, at the end, in view.
  await page.waitForSelector('.line[data-line="5001"]');
  // A caret near the start: the textarea holds only lines around it.
  await page.evaluate(() => { document.querySelector('.editor-frame .code').scrollTop = 0; });
  await page.click('.line[data-line="3"]');
  await checked(page, () => page.fill(EDITOR, 'kind: Pod\n'));
  assert.equal(await editorText(page), 'kind: Pod\n');
  await paste(page, numbered(5000));
  await page.focus(EDITOR);
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Control+a');
  assert.deepEqual(await editorSelection(page), [0, numbered(5000).length]);
  await checked(page, () => page.keyboard.insertText('kind: Service\n'));
  assert.equal(await editorText(page), 'kind: Service\n');
  assert.deepEqual(page.errors, []);
});

test('copy and cut take selections of any size; the context menu\'s Select All selects everything', async () => {
  const page = await openOn(env);
  const text = numbered(5000);
  await paste(page, text);
  await page.focus(EDITOR);
  await page.keyboard.press('Control+a');
  assert.equal(await copied(page, 'Control+c'), text);
  // Shift+Ctrl+End from line 2: a selection far beyond the lines in view.
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Control+End');
  const rest = text.slice(text.indexOf('\n') + 1);
  assert.equal(await copied(page, 'Control+x'), rest);
  assert.equal(await editorText(page), 'key0: value0\n');
  // As the menu's Select All does: the textarea's whole content selected.
  await paste(page, text);
  await page.click('.line[data-line="2500"]', { force: true }).catch(() => {});
  await page.evaluate(() => { const el = document.querySelector('[data-testid=editor]'); el.select(); });
  // Waited for whole: the paste left the caret at the end, so the end alone
  // is already there before the select is read.
  await page.waitForFunction((n) => {
    const [start, end] = document.querySelector('[data-testid=editor]').editorSelection;
    return start === 0 && end === n;
  }, text.length);
  assert.deepEqual(await editorSelection(page), [0, text.length]);
  assert.deepEqual(page.errors, []);
});

test('caret and selection by mouse and keyboard', async () => {
  const page = await openOn(env);
  await paste(page, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-app\n');
  const line = (n) => page.locator(`.line[data-line="${n}"]`);
  // A click at the end of a line puts the caret there.
  const box = await line(2).boundingBox();
  await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  assert.deepEqual(await editorSelection(page), [24, 24]);
  await page.keyboard.press('Home');
  assert.deepEqual(await editorSelection(page), [15, 15]);
  await page.keyboard.press('Shift+End');
  assert.deepEqual(await editorSelection(page), [15, 24]);
  await page.keyboard.press('Shift+ArrowDown');
  assert.deepEqual(await editorSelection(page), [15, 34]);
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await editorSelection(page), [34, 34]);
  await page.keyboard.press('Control+ArrowLeft');
  assert.deepEqual(await editorSelection(page), [33, 33]);
  await page.keyboard.press('Control+ArrowLeft');
  assert.deepEqual(await editorSelection(page), [25, 25]);
  await page.keyboard.press('Control+Shift+End');
  assert.deepEqual(await editorSelection(page), [25, 51]);
  await page.keyboard.press('PageUp');
  assert.deepEqual(await editorSelection(page), [0, 0]);
  // Double click: the word; Shift+click extends; a drag selects.
  const word = await page.locator('.line[data-line="4"] .piece').first().boundingBox();
  const charWidth = await page.$eval('.line[data-line="1"] .piece', (el) => el.getBoundingClientRect().width / el.textContent.length);
  await page.mouse.dblclick(word.x + charWidth * 10, word.y + word.height / 2);
  const [s, e] = await editorSelection(page);
  assert.equal((await editorText(page)).slice(s, e), 'web');
  await page.mouse.click(word.x + 1, word.y + word.height / 2);
  await page.keyboard.down('Shift');
  await page.mouse.click(word.x + charWidth * 6.1, word.y + word.height / 2);
  await page.keyboard.up('Shift');
  assert.equal(await page.$eval(EDITOR, (el) => el.editorText.slice(...el.editorSelection)), '  name');
  const first = await line(1).boundingBox();
  await page.mouse.move(first.x + 1, first.y + first.height / 2);
  await page.mouse.down();
  await page.mouse.move(first.x + charWidth * 4, first.y + first.height * 1.5, { steps: 4 });
  await page.mouse.up();
  assert.equal(await page.$eval(EDITOR, (el) => el.editorText.slice(...el.editorSelection)), 'apiVersion: v1\nkind');
  await page.keyboard.press('Shift+ArrowLeft');
  await shot(page, 'editor-selection');
  // The selection is drawn in the lines.
  assert.ok(await page.$('.line[data-line="1"] .selected'));
  assert.deepEqual(page.errors, []);
});

test('typing, undo and redo: a run of typing is one step', async () => {
  const page = await openOn(env);
  await paste(page, 'kind: Pod\n');
  await page.focus(EDITOR);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('metadata:');
  await page.keyboard.press('Enter');
  await page.keyboard.type('  name: web');
  await page.keyboard.press('Backspace');
  assert.equal(await editorText(page), 'kind: Pod\nmetadata:\n  name: we');
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'kind: Pod\nmetadata:\n  name: web');
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'kind: Pod\nmetadata:');
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'kind: Pod\n');
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+y');
  assert.equal(await editorText(page), 'kind: Pod\nmetadata:\n  name: web');
  // The browser's own undo (the Edit menu) is the editor's too.
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=editor]');
    el.dispatchEvent(new InputEvent('beforeinput', { inputType: 'historyUndo', bubbles: true, cancelable: true }));
  });
  assert.equal(await editorText(page), 'kind: Pod\nmetadata:');
  await shot(page, 'editor-typing');
  assert.deepEqual(page.errors, []);
});

test('IME composition shows the composed text at the caret and commits it once', async () => {
  const page = await openOn(env);
  await paste(page, 'metadata:\n  name: \n');
  await page.focus(EDITOR);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
  await page.waitForFunction(() => document.querySelector('.line[data-line="2"]').textContent.includes('にほ'));
  // The textarea sits at the caret, where the IME's window opens.
  const caret = await page.locator('.caret').boundingBox();
  const area = await page.locator(EDITOR).boundingBox();
  assert.ok(Math.abs(area.y - caret.y) < 2 && Math.abs(area.x - caret.x) < 40, JSON.stringify({ caret, area }));
  await cdp.send('Input.insertText', { text: '日本' });
  await page.waitForFunction(() => document.querySelector('[data-testid=editor]').editorText === 'metadata:\n  name: 日本\n');
  await page.keyboard.type('x');
  assert.equal(await editorText(page), 'metadata:\n  name: 日本x\n');
  // Undo takes back the typing, then the whole composition at once (never a half-composed state).
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'metadata:\n  name: 日本\n');
  await page.keyboard.press('Control+z');
  assert.equal(await editorText(page), 'metadata:\n  name: \n');
  assert.deepEqual(page.errors, []);
});

test('text or a file dropped on a line goes in where it is dropped', async () => {
  const page = await openOn(env);
  await paste(page, numbered(3));
  /** Drops `what` (text, or a file's content) just before the first character of line `n`. */
  const dropOn = (n, what) => checked(page, () => page.evaluate(([n, { text, file }]) => {
    const piece = document.querySelector(`.line[data-line="${n}"] .piece`);
    const box = piece.getBoundingClientRect();
    const dataTransfer = new DataTransfer();
    if (file) dataTransfer.items.add(new File([file], 'dropped.yaml', { type: 'application/yaml' }));
    else dataTransfer.setData('text/plain', text);
    const at = { clientX: box.left + 1, clientY: box.top + box.height / 2, bubbles: true, cancelable: true, dataTransfer };
    const over = new DragEvent('dragover', at);
    piece.dispatchEvent(over);
    if (!over.defaultPrevented) throw new Error('the lines do not accept a drop');
    piece.dispatchEvent(new DragEvent('drop', at));
  }, [n, what]));
  await dropOn(2, { text: '# dropped\n' });
  assert.equal(await editorText(page), 'key0: value0\n# dropped\nkey1: value1\nkey2: value2\n');
  await dropOn(1, { file: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: dropped\nspec:\n  containers:\n  - name: app\n    image: nginx\n---\n' });
  assert.equal(await editorText(page),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: dropped\nspec:\n  containers:\n  - name: app\n    image: nginx\n---\nkey0: value0\n# dropped\nkey1: value1\nkey2: value2\n');
  await page.waitForSelector('[data-testid=finding]');
  assert.deepEqual(page.errors, []);
});

test('Escape, then Tab, leaves the editor', async () => {
  const page = await openOn(env);
  await page.focus(EDITOR);
  const before = await editorText(page);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.dataset.testid), 'editor');
  assert.equal(await editorText(page), before);
});

test('presenter mode draws the lines at its larger size', async () => {
  const page = await openOn(env, `${env.server.url}?present`);
  await paste(page, numbered(100));
  await page.keyboard.press('Control+Home');
  // The lines at the top are drawn once the editor has scrolled there (a frame later).
  await page.waitForSelector('.line[data-line="2"]');
  const height = await page.$eval('.line[data-line="2"]', (l) => l.getBoundingClientRect().height);
  assert.equal(height, 30);
  await page.click('.line[data-line="3"]');
  assert.equal(await page.$eval(EDITOR, (el) => el.editorText.slice(0, el.editorSelection[0]).split('\n').length), 3);
  await shot(page, 'editor-present');
});
