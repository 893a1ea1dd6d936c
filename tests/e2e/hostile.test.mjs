// The playground against hostile or unlucky input (issue 18, items 8-11):
// what the user typed is never lost, broken share links say why, input
// over the editor's ceiling is refused, and unusual text (CRLF, zero-width,
// combining and bidi characters) keeps positions right and shows what hides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { launch, open as openOn, paste, checked, editorText } from './common.mjs';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const MB = 1024 * 1024;
const shot = (page, name) => page.screenshot({ path: new URL(`../../target/${name}.png`, import.meta.url).pathname });
const OWN = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mine\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx:1.27\n';
const SHARED = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n        securityContext:\n          privileged: true\n';

/** A share link's fragment for raw bytes, as the playground encodes it. */
const fragment = (bytes, level = 'baseline') =>
  `#level=${level}&yaml=${deflateRawSync(Buffer.from(bytes)).toString('base64url')}`;
const link = (bytes, level) => env.server.url + fragment(bytes, level);
const editor = editorText;
const notice = (page, topic) => page.textContent(`[data-testid=notice][data-topic=${topic}]`);
const stored = (page, key) => page.evaluate((k) => localStorage.getItem(k), key);
const rules = (page) => page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.dataset.rule));
/** Goes to `url` in the same page (same storage) and waits for the first check. */
async function visit(page, url) {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('.summary[data-check-ms]:not([data-check-number="0"])');
}

test('opening a link keeps the user\'s content apart; a reload keeps edits; the user gets back to their content', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  await visit(page, link(SHARED));
  assert.equal(await editor(page), SHARED);
  assert.equal(new URL(page.url()).hash, '', 'the fragment is cleared once read');
  assert.match(await notice(page, 'shared'), /share link's content.*own content is kept/);
  await shot(page, 'playground-link-opened');
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN, 'the link did not overwrite the user\'s content');
  await paste(page, SHARED + '# edited\n');
  await visit(page, env.server.url);
  assert.equal(await editor(page), SHARED + '# edited\n', 'a reload keeps edits to the link\'s content');
  await checked(page, () => page.click('[data-testid=back-to-own]'));
  assert.equal(await editor(page), OWN);
  assert.equal(await page.$('[data-testid=notice][data-topic=shared]'), null);
  await visit(page, env.server.url);
  assert.equal(await editor(page), OWN);
  assert.deepEqual(page.errors, []);
});

test('a page that opens writes nothing; an unreadable saved value is reported and left alone', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  await page.evaluate(() => localStorage.setItem('posture.text', '{not json'));
  await visit(page, env.server.url);
  assert.match(await notice(page, 'saving'), /saved content could not be read/);
  assert.equal(await stored(page, 'posture.text'), '{not json', 'opening the page wrote nothing');
  await paste(page, OWN);
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN, 'an edit saves');
  assert.equal(await page.$('[data-testid=notice][data-topic=saving]'), null);
});

test('a full storage is reported and the last kept content stays', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  await page.evaluate(() => {
    for (let size = 1 << 20, i = 0; size >= 16; ) {
      try { localStorage.setItem(`filler-${i++}`, 'f'.repeat(size)); } catch { size >>= 1; }
    }
  });
  await paste(page, OWN + '# does not fit\n'.repeat(100));
  assert.match(await notice(page, 'saving'), /could not be kept in this browser \(storage is full\): a reload will show the last content that was kept/);
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN);
  await page.evaluate(() => { for (const key of Object.keys(localStorage)) if (key.startsWith('filler-')) localStorage.removeItem(key); });
  await paste(page, OWN + '# fits\n');
  assert.equal(await page.$('[data-testid=notice][data-topic=saving]'), null);
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN + '# fits\n');
});

test('the largest text the editor holds can be kept twice: the user\'s own and a link\'s', async () => {
  const page = await openOn(env);
  const largest = (name) => { let t = OWN.replace('mine', name); while (t.length + 9 <= 2 * MB) t += '# filler\n'; return t; };
  await paste(page, largest('own'));
  await visit(page, link(largest('shared')));
  assert.equal(await page.$('[data-testid=notice][data-topic=saving]'), null);
  assert.equal(JSON.parse(await stored(page, 'posture.link')), largest('shared'));
  assert.equal(JSON.parse(await stored(page, 'posture.text')), largest('own'));
});

test('broken share links say why, keep what they can, and never lose the current content', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  const good = fragment(SHARED).split('&yaml=')[1];
  const cases = [
    ['#yaml=!!!', /could not be read: its content is not valid base64url/],
    ['#level=root&yaml=' + good, /read only in part: the level “root” is neither baseline nor restricted/, SHARED],
    ['#level=baseline&oops&yaml=' + good, /read only in part: “oops” is not a key=value pair/, SHARED],
    [fragment(SHARED.repeat(20)).slice(0, -8), /could not be read: its content is damaged or cut off/],
    [fragment([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]), /could not be read: its content is not UTF-8 text/],
    [fragment(Buffer.alloc(6 * MB, 0x61)), /could not be read: its content unpacks to more than 2 MB/],
  ];
  for (const [hash, why, shows = OWN] of cases) {
    await visit(page, env.server.url + hash);
    assert.match(await notice(page, 'link'), why, hash.slice(0, 40));
    assert.equal(await editor(page), shows, hash.slice(0, 40));
    assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN, 'the user\'s content is intact');
    if (hash.startsWith('#level=root')) await shot(page, 'playground-link-in-part');
    if (shows === OWN) assert.match(await notice(page, 'link'), /Your content is unchanged/);
    else await page.click('[data-testid=back-to-own]');
  }
  assert.deepEqual(page.errors, []);
});

test('a text larger than this browser keeps is checked, and the notice says a reload will not show it', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  const large = OWN + '# filler\n'.repeat(Math.ceil(3 * MB / 9));
  await paste(page, large);
  assert.equal(await editor(page), large);
  assert.match(await notice(page, 'saving'), /This content \(3\.0 MB\) is more than this browser keeps \(2\.0 MB\)/);
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN, 'the last content kept stays');
});

test('a paste over the editor\'s ceiling is refused with a notice', async () => {
  const page = await openOn(env);
  await paste(page, OWN);
  const huge = OWN + '# filler\n'.repeat(Math.ceil(16.5 * MB / 9));
  const prevented = await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.querySelector('[data-testid=editor]').dispatchEvent(event);
    return event.defaultPrevented;
  }, huge);
  assert.ok(prevented, 'the paste never reaches the textarea');
  await shot(page, 'playground-paste-refused');
  assert.match(await notice(page, 'size'), /Not pasted: 16\.5 MB is more than the editor holds \(16\.0 MB\)/);
  // Any other way in (a drop, a script) is undone.
  await page.evaluate((text) => {
    const el = document.querySelector('[data-testid=editor]');
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromDrop' }));
  }, huge);
  await page.waitForTimeout(100);
  assert.equal(await editor(page), OWN);
  assert.equal(JSON.parse(await stored(page, 'posture.text')), OWN);
});

test('CRLF from a link is normalised once: clicking a finding selects exactly its text', async () => {
  const page = await openOn(env, link(SHARED.replaceAll('\n', '\r\n')));
  assert.equal(await editor(page), SHARED);
  await page.click('[data-testid=finding][data-rule="pss/privileged"] .jump');
  const selected = await page.$eval('[data-testid=editor]', (el) => el.editorText.slice(...el.editorSelection));
  assert.equal(selected, 'privileged: true');
});

test('on a line with zero-width and combining characters the tooltip names the underline under the pointer', async () => {
  const page = await openOn(env);
  const line = `        securityContext: {a${'\u200b'.repeat(12)}: "e${'\u0301'.repeat(12)}", privileged: true, allowPrivilegeEscalation: true}\n`;
  await paste(page, SHARED.replace('        securityContext:\n          privileged: true\n', line));
  const marks = await page.$$('.line [data-testid=highlight]');
  const onLine = [];
  for (const mark of marks) {
    const box = await mark.boundingBox();
    if (box && box.width > 4) onLine.push({ rule: await mark.getAttribute('data-rule'), box });
  }
  assert.ok(onLine.some((m) => m.rule === 'pss/privileged') && onLine.some((m) => m.rule === 'pss/allow-privilege-escalation'),
    JSON.stringify(onLine.map((m) => m.rule)));
  for (const { rule, box } of onLine) {
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    const tip = await page.waitForSelector('.tooltip');
    assert.match(await tip.textContent(), new RegExp(rule.replace('/', '\\/')), `pointer over ${rule}`);
    await page.mouse.move(0, 0);
    await page.waitForSelector('.tooltip', { state: 'detached' });
  }
});

test('bidi controls and zero-width characters are shown in the editor, with a notice', async () => {
  const page = await openOn(env);
  await paste(page, OWN.replace('name: mine', 'name: mine\u202E-evil\u200B'));
  const hidden = await page.$$eval('[data-testid=hidden-char]', (els) => els.map((e) => [
    e.dataset.code, getComputedStyle(e, '::before').backgroundColor, e.getBoundingClientRect().height]));
  assert.deepEqual(hidden.map((h) => h[0]), ['U+202E', 'U+200B']);
  for (const [code, colour, height] of hidden) {
    assert.ok(colour !== 'rgba(0, 0, 0, 0)' && height > 0, `${code} drawn visibly (${colour})`);
  }
  assert.match(await notice(page, 'hidden'), /Line 4 holds U\+202E RIGHT-TO-LEFT OVERRIDE: it makes the line show in another order.* 1 more/);
  await shot(page, 'playground-hidden-chars');
  const [name, count] = await page.$$eval('.group h3 > *', (els) => els.map((e) => e.getBoundingClientRect()));
  assert.ok(count.left >= name.right - 1, 'the override in the name does not carry into the panel\'s heading');
  await paste(page, OWN);
  assert.equal(await page.$('[data-testid=notice][data-topic=hidden]'), null);
});

test('suppressions and family toggles select exactly, not by prefix', async () => {
  const page = await openOn(env);
  const apiserver = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.31.0\n'
    + '    command: [kube-apiserver, --audit-log-path=/var/log/audit.log]  # posture:ignore apiserver/audit-log reviewed for the test\n';
  const policy = '---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n';
  await paste(page, apiserver + policy);
  const found = await rules(page);
  assert.ok(found.includes('apiserver/audit-log-retention'), 'a comment naming apiserver/audit-log leaves apiserver/audit-log-retention');
  assert.ok(!found.includes('apiserver/audit-log'));
  assert.match(await page.textContent('[data-testid=suppressed]'), /^1 suppressed/);
  assert.ok(found.includes('audit/nothing-logged'));
  await page.click('.families-menu > summary');
  await checked(page, () => page.uncheck('[data-testid=family-toggle][data-family=audit]'));
  const without = await rules(page);
  assert.ok(!without.some((r) => r.startsWith('audit/')));
  assert.ok(without.includes('apiserver/audit-log-retention'), 'turning off audit/* leaves apiserver/audit-*');
});
