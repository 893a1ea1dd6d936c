// The embed (README, "Embedding and the JavaScript API"): <posture-check>
// elements on the example docs page and on pages made here, driven in
// headless Chromium as a reader would. Host pages made here are served on
// a port of their own, so the frames are cross-origin as on a real docs site.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, serve } from './common.mjs';

let env;
/** Host pages: files written to `pages`, served at `host`. */
let pages;
let hostServer;
let host;
before(async () => {
  env = await launch();
  pages = mkdtempSync(path.join(tmpdir(), 'posture-embed-'));
  hostServer = await serve(pages);
  host = hostServer.url;
});
after(async () => {
  await env?.close();
  hostServer?.close();
  if (pages) rmSync(pages, { recursive: true, force: true });
});

const shot = (page, name) => page.screenshot({ path: new URL(`../../target/${name}.png`, import.meta.url).pathname, fullPage: true });
const TIMEOUT = { timeout: 120000 };

/**
 * A fresh context and page that records what leaves the two origins, what
 * the page and its frames throw, their CSP violations and every
 * `posture-report` event (the element's title and the report's rules).
 */
async function newPage(options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 900 }, ...options });
  const page = await context.newPage();
  const allowed = [new URL(env.server.url).origin, new URL(host).origin];
  page.leaving = [];
  page.errors = [];
  page.on('request', (r) => { if (!r.url().startsWith('data:') && !allowed.includes(new URL(r.url()).origin)) page.leaving.push(r.url()); });
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.addInitScript(() => {
    // What frames send their worker, by request type.
    const post = Worker.prototype.postMessage;
    window.sentToWorker = [];
    Worker.prototype.postMessage = function (message, ...rest) {
      window.sentToWorker.push(message?.type);
      return post.call(this, message, ...rest);
    };
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.reports = [];
    document.addEventListener('posture-report', (e) => {
      window.lastReport = e.detail;
      window.reports.push({
        title: e.target.getAttribute('title'), rules: e.detail.findings.map((f) => f.rule), documents: e.detail.summary.documents,
      });
    });
  });
  return page;
}

/** Serves `html` at `host` (another origin than the embed's) as `name`; its address. */
function publish(name, html) {
  writeFileSync(path.join(pages, name), html);
  return `${host}${name}`;
}

/** A page at `host` with this body, using embed.js. */
async function hostPage(page, body, { csp = true } = {}) {
  const policy = csp
    ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${env.server.url}; frame-src ${env.server.url}; style-src 'self'">`
    : '';
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${policy}<title>host</title>
    <script src="${env.server.url}embed.js" defer></script></head><body>${body}</body></html>`;
  await page.goto(publish(`host-${++published}.html`, html));
}
let published = 0;

/** The frame inside the n-th <posture-check>, once its check is done. */
async function embed(page, n) {
  const element = page.locator('posture-check').nth(n);
  await element.scrollIntoViewIfNeeded();
  await page.waitForFunction((i) => ['done', 'error'].includes(document.querySelectorAll('posture-check')[i].dataset.state), n, TIMEOUT);
  return (await element.evaluateHandle((e) => e.shadowRoot.querySelector('iframe'))).asElement().contentFrame();
}

const attr = (page, n, name) => page.locator('posture-check').nth(n).getAttribute(name);
const rules = (frame) => frame.$$eval('[data-testid=finding]', (els) => els.map((e) => e.dataset.rule));

/** The iframe's height; and inside, the content's height and the room left to scroll. */
const heights = (page, n) => page.locator('posture-check').nth(n)
  .evaluate((e) => ({ iframe: e.shadowRoot.querySelector('iframe').getBoundingClientRect().height }));
const inner = (frame) => frame.evaluate(() => ({
  main: Math.ceil(document.querySelector('main').getBoundingClientRect().height),
  scroll: document.documentElement.scrollHeight - document.documentElement.clientHeight,
}));

test('the example docs page: three embeds with findings, fitted heights, events, nothing leaves the origin', async () => {
  const page = await newPage();
  await page.goto(`${env.server.url}docs-example.html`);
  const expected = [
    ['Deployment checked at the baseline level', ['pss/privileged', 'pss/host-namespaces']],
    ['EncryptionConfiguration (read-only)', ['encryption/identity-first', 'encryption/key-material']],
    ['Audit policy', ['audit/sensitive-bodies']],
  ];
  for (const [n, [title, some]] of expected.entries()) {
    const frame = await embed(page, n);
    assert.equal(await attr(page, n, 'data-state'), 'done');
    const found = await rules(frame);
    for (const rule of some) assert.ok(found.includes(rule), `${title}: ${rule} in ${found}`);
    assert.equal(Number(await attr(page, n, 'data-finding-count')), found.length, title);
    assert.ok(await frame.locator('[data-testid=highlight]').count() > 0, `${title}: highlights`);
    assert.equal(await frame.getAttribute('[data-testid=editor]', 'aria-label'), title);
    // The frame is as tall as its content: nothing to scroll inside.
    const { main, scroll } = await inner(frame);
    assert.equal(scroll, 0, `${title}: no scrolling inside the frame`);
    assert.ok(Math.abs((await heights(page, n)).iframe - main) <= 1, `${title}: iframe fits the content`);
  }
  // Each report once, in the module's schema, from the element that shows it.
  const reports = await page.evaluate(() => window.reports);
  assert.deepEqual(reports.map((r) => r.title).sort(), expected.map(([t]) => t).sort());
  for (const r of reports) assert.equal(r.rules.length, Number(await page.locator(`posture-check[title="${r.title}"]`).getAttribute('data-finding-count')));
  // The pss level reached the engine: at baseline, no restricted-only finding.
  assert.ok(!(await rules(await embed(page, 0))).includes('pss/run-as-non-root'));
  await shot(page, 'embed-docs-light');
  assert.deepEqual(page.leaving, []);
  assert.deepEqual(await page.evaluate(() => window.violations), [], 'the docs page\'s strict CSP holds');
  for (const frame of page.frames()) assert.deepEqual(await frame.evaluate(() => window.violations), [], 'the frame\'s CSP holds');
  assert.deepEqual(page.errors, []);
  // Nothing kept: no cookies, no storage, on either side.
  assert.deepEqual(await page.context().cookies(), []);
  for (const frame of page.frames()) assert.equal(await frame.evaluate(() => localStorage.length + sessionStorage.length), 0);
  await page.context().close();
});

test('the example docs page dark and narrow (screenshots), findings below the editor when narrow', async () => {
  const dark = await newPage({ colorScheme: 'dark' });
  await dark.goto(`${env.server.url}docs-example.html`);
  for (const n of [0, 1, 2]) await embed(dark, n);
  await shot(dark, 'embed-docs-dark');
  await dark.context().close();
  const narrow = await newPage({ viewport: { width: 380, height: 800 } });
  await narrow.goto(`${env.server.url}docs-example.html`);
  const frame = await embed(narrow, 0);
  const [editor, results] = await Promise.all(['.editor', '.results'].map((s) => frame.locator(s).boundingBox()));
  assert.ok(results.y >= editor.y + editor.height - 1, 'findings below the editor');
  assert.equal((await inner(frame)).scroll, 0);
  for (const n of [1, 2]) await embed(narrow, n);
  await shot(narrow, 'embed-docs-narrow');
  await narrow.context().close();
});

test('typing re-checks, sent as edits; readonly refuses typing', async () => {
  const page = await newPage();
  await page.goto(`${env.server.url}docs-example.html`);
  const frame = await embed(page, 0);
  const before = Number(await attr(page, 0, 'data-finding-count'));
  // Replace "privileged: true" by typing, as a reader would.
  const editor = frame.locator('[data-testid=editor]');
  await editor.evaluate((el) => {
    const at = el.value.indexOf('privileged: true');
    el.focus();
    el.setSelectionRange(at + 'privileged: '.length, at + 'privileged: true'.length);
  });
  await page.keyboard.type('false');
  await page.waitForFunction((b) => {
    const e = document.querySelector('posture-check');
    return e.dataset.state === 'done' && Number(e.dataset.findingCount) === b - 1;
  }, before, TIMEOUT);
  assert.ok(!(await rules(frame)).includes('pss/privileged'));
  assert.match(await editor.inputValue(), /privileged: false/);
  assert.deepEqual(await frame.evaluate(() => window.sentToWorker), ['open', ...'false'.split('').map(() => 'edit')], 'each keystroke is an edit');
  const reports = await page.evaluate(() => window.reports.filter((r) => r.title.startsWith('Deployment')));
  assert.ok(reports.length >= 2 && !reports.at(-1).rules.includes('pss/privileged'), 'a posture-report for the edit');
  // The playground link carries the edited text and the level.
  const href = await frame.getAttribute('[data-testid=open-playground]', 'href');
  const link = new URLSearchParams(new URL(href).hash.slice(1));
  assert.equal(new URL(href).pathname, '/index.html');
  assert.equal(link.get('level'), 'baseline');
  assert.equal(inflateRawSync(Buffer.from(link.get('yaml'), 'base64url')).toString(), await editor.inputValue());

  const readonly = await embed(page, 1);
  const text = await readonly.inputValue('[data-testid=editor]');
  await readonly.focus('[data-testid=editor]');
  await page.keyboard.type('oops');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Tab');
  assert.equal(await readonly.inputValue('[data-testid=editor]'), text);
  assert.ok(await readonly.locator('[data-testid=finding]').count() > 0, 'readonly still shows findings');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** The frame's report and highlights, and those of a fresh check of its editor's text (on the frame's thread). */
const freshCheck = (frame) => frame.evaluate(async () => {
  const engine = await import(new URL('pkg/posture.js', location.href).href);
  await engine.default();
  const { highlight, utf16Marks } = await import(new URL('marks.js', location.href).href);
  const text = document.querySelector('[data-testid=editor]').value;
  const fresh = engine.check(text, { pssLevel: 'restricted' });
  const expected = document.createElement('div');
  expected.replaceChildren(highlight(text, utf16Marks(text, fresh)));
  return { fresh, drawn: document.querySelector('.backdrop').innerHTML, expected: expected.innerHTML };
});

test('emoji typed over and before emoji: the worker\'s text stays the editor\'s', async () => {
  const page = await newPage();
  const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    note: "x😀"\nspec:\n'
    + '  containers:\n  - name: c\n    image: nginx:latest\n    securityContext:\n      privileged: true\n';
  await hostPage(page, `<posture-check title="emoji">${yaml}</posture-check>`);
  const frame = await embed(page, 0);
  const editor = frame.locator('[data-testid=editor]');
  // Each change, then its report: the one a fresh check of the editor's text gives, and so are the highlights.
  const change = async (from, to, insert) => {
    const reports = await page.evaluate(() => window.reports.length);
    await editor.evaluate((el, [a, b]) => { el.focus(); el.setSelectionRange(a, b); }, [from, to]);
    await page.keyboard.insertText(insert);
    await page.waitForFunction((n) => window.reports.length > n || document.querySelector('posture-check').dataset.state === 'error', reports, TIMEOUT);
    assert.equal(await attr(page, 0, 'data-state'), 'done', await attr(page, 0, 'data-error'));
    const { fresh, drawn, expected } = await freshCheck(frame);
    assert.deepEqual(await page.evaluate(() => window.lastReport), fresh);
    assert.equal(drawn, expected);
  };
  const at = (await editor.inputValue()).indexOf('😀');
  await change(at, at + 2, '😃'); // shares its first UTF-16 unit with 😀
  assert.match(await editor.inputValue(), /note: "x😃"/);
  await change(at, at, '😀'); // before an emoji with the same first unit
  assert.match(await editor.inputValue(), /note: "x😀😃"/);
  await change(at + 2, at + 4, '😁');
  assert.match(await editor.inputValue(), /note: "x😀😁"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Tab indents each selected line, or replaces a selection within a line; Undo takes either back', async () => {
  const page = await newPage();
  const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx\n';
  await hostPage(page, `<posture-check title="tab">${yaml}</posture-check>`);
  const frame = await embed(page, 0);
  const editor = frame.locator('[data-testid=editor]');
  const select = (a, b) => editor.evaluate((el, [from, to]) => { el.focus(); el.setSelectionRange(from, to); }, [a, b]);
  // From inside "metadata:" to inside "name: a": both lines, and the selection ends at its line's end.
  const from = yaml.indexOf('metadata') + 3;
  const to = yaml.indexOf('name: a') + 2;
  await select(from, to);
  await page.keyboard.press('Tab');
  const indented = yaml.replace('metadata:\n  name: a', '  metadata:\n    name: a');
  assert.equal(await editor.inputValue(), indented);
  assert.deepEqual(await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd)), '  metadata:\n    na');
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), yaml, 'Undo takes the indent back');
  // Within a line: the selection becomes the indent.
  const word = yaml.indexOf('true');
  await select(word, word + 4);
  await page.keyboard.press('Tab');
  assert.equal(await editor.inputValue(), yaml.replace('true', '  '));
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), yaml);
  // The worker followed every change, undos included.
  await page.waitForFunction(() => document.querySelector('posture-check').dataset.state === 'done'
    && window.lastReport.findings.some((f) => f.rule === 'pss/host-namespaces'), null, TIMEOUT);
  const { fresh } = await freshCheck(frame);
  await page.waitForFunction((n) => JSON.stringify(window.lastReport) === n, JSON.stringify(fresh), TIMEOUT);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard: one tab stop into the editor, Tab indents, Escape then Tab leaves it', async () => {
  const page = await newPage();
  await page.goto(`${env.server.url}docs-example.html`);
  const frame = await embed(page, 0);
  const text = await frame.inputValue('[data-testid=editor]');
  await page.focus('.lede a');
  await page.keyboard.press('Tab');
  const focused = () => frame.evaluate(() => document.activeElement?.dataset.testid || document.activeElement?.tagName);
  assert.equal(await focused(), 'editor', 'Tab from the text before lands in the editor');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'editor', 'Tab indents');
  assert.equal((await frame.inputValue('[data-testid=editor]')).length, text.length + 2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'SUMMARY', 'Escape then Tab leaves the editor, for the findings');
  await page.keyboard.press('ArrowDown');
  assert.equal(await frame.evaluate(() => [...document.querySelectorAll('summary')].indexOf(document.activeElement)), 1);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'open-playground', 'the findings are one tab stop; then the playground link');
  await page.keyboard.press('Tab');
  assert.notEqual(await focused(), 'open-playground', 'and out of the embed');
  await page.context().close();
});

test('a check answered while the keyboard is among the findings keeps the focus where it was', async () => {
  const page = await newPage();
  await page.goto(`${env.server.url}docs-example.html`);
  const frame = await embed(page, 0);
  await frame.focus('[data-testid=finding] summary');
  await page.keyboard.press('ArrowDown');
  const at = () => frame.evaluate(() => [...document.querySelectorAll('summary')].indexOf(document.activeElement));
  assert.equal(await at(), 1);
  // An edit made without moving the focus (as a script, or a check that was
  // still running when the keyboard got there): the list is drawn again.
  const before = await frame.getAttribute('.summary', 'data-check-number');
  await frame.evaluate(() => {
    const editor = document.querySelector('[data-testid=editor]');
    editor.value += '\n# edited';
    editor.dispatchEvent(new Event('input'));
  });
  await frame.waitForFunction((b) => document.querySelector('.summary').dataset.checkNumber !== b, before, TIMEOUT);
  assert.equal(await at(), 1, 'the same finding keeps the focus');
  assert.equal(await frame.evaluate(() => document.activeElement.tabIndex), 0, 'and is the findings\' tab stop');
  await page.context().close();
});

test('hostile content is shown as text and never run; 5 MB of YAML arrives whole', async () => {
  const page = await newPage();
  const hostile = '<script>parent.pwned = 1</script>\n<img src=x onerror="parent.pwned = 1">\n</script></textarea></pre>\n'
    + 'kind: Pod # & &amp; <b>bold</b>\n';
  const escaped = hostile.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  // No CSP on this host page: markup that got through would run.
  await hostPage(page, `<posture-check title="hostile">${escaped}</posture-check><div id="after">after</div>`, { csp: false });
  const frame = await embed(page, 0);
  assert.equal(await frame.inputValue('[data-testid=editor]'), hostile, 'entities decoded, text kept whole');
  assert.equal(await frame.locator('img, script:not([src]), b').count(), 0);
  assert.equal(await page.locator('img, b').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await frame.evaluate(() => window.pwned), undefined);

  // 5 MB, too long for an address: the element sends it by message.
  let big = '';
  for (let i = 0; big.length < 5 * 1024 * 1024; i++) {
    big += `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  key: "${Math.random().toString(36).repeat(4)}<script>x</script>"\n`;
  }
  await page.evaluate((text) => {
    const e = document.createElement('posture-check');
    e.setAttribute('height', '400px');
    e.textContent = text;
    document.body.append(e);
  }, big);
  const bigFrame = await embed(page, 1);
  await shot(page, 'embed-5mb');
  assert.equal(await attr(page, 1, 'data-state'), 'done');
  assert.equal(await bigFrame.evaluate(() => new URL(location.href).searchParams.get('content')), 'message');
  // Checked whole; its beginning shown (laying out megabytes would take the browser seconds).
  const documents = big.split('---\n').length - 1;
  assert.equal((await page.evaluate(() => window.reports.at(-1))).documents, documents);
  const shownText = await bigFrame.inputValue('[data-testid=editor]');
  assert.ok(shownText.length > 1000 && big.startsWith(shownText), `${shownText.length} characters shown`);
  assert.match(await bigFrame.textContent('[data-testid=notice]'), /first [\d,]+ of [\d,]+ lines, read-only/);
  await bigFrame.waitForSelector('[data-testid=open-playground]:text("Too large")');
  assert.equal(await bigFrame.getAttribute('[data-testid=open-playground]', 'href'), null, 'more than the playground holds');
  assert.equal((await heights(page, 1)).iframe, 400, 'a fixed height stays');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('twenty embeds: frames load as they come near, every one checks', async () => {
  const page = await newPage({ viewport: { width: 1000, height: 700 } });
  const pod = (i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx:1.27\n`;
  const body = Array.from({ length: 20 }, (_, i) => `<h2>Example ${i}</h2><posture-check title="e${i}">${pod(i)}</posture-check>`).join('\n');
  await hostPage(page, body);
  await embed(page, 0);
  const loaded = () => page.$$eval('posture-check', (els) => els.filter((e) => e.shadowRoot?.querySelector('iframe')?.src).length);
  assert.ok(await loaded() < 10, `${await loaded()} frames loaded before scrolling`);
  assert.equal(await page.locator('posture-check').last().evaluate((e) => e.shadowRoot.querySelector('iframe').src), '');
  // The page answers while frames check (the checks run in workers).
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  for (let n = 0; n < 20; n++) {
    const frame = await embed(page, n);
    assert.ok((await rules(frame)).includes('pss/host-namespaces'), `embed ${n}`);
  }
  assert.equal(await loaded(), 20);
  assert.deepEqual(page.leaving, []);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an iframe written by hand, without embed.js: options in the query, content in the fragment, messages to its page only', async () => {
  const page = await newPage();
  // Characters of 2, 3 and 4 UTF-8 bytes (the report's offsets) and 1 or 2 UTF-16 units (the editor's) before a finding.
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # é ✓ 😀\nspec:\n  hostNetwork: true\n  containers:\n  - name: app\n    image: nginx:latest\n';
  const yaml = deflateRawSync(Buffer.from(text)).toString('base64url');
  const src = `${env.server.url}embed.html?level=baseline&select=pss,image/latest-tag&theme=dark&findings=below&title=Hand-written&origin=${encodeURIComponent(new URL(host).origin)}#yaml=${yaml}`;
  await page.addInitScript(() => {
    window.messages = [];
    addEventListener('message', (e) => window.messages.push({ origin: e.origin, ...e.data }));
  });
  await page.goto(publish('hand.html', `<!DOCTYPE html><title>hand</title><iframe src="${src}" title="Hand-written"></iframe>`));
  await page.waitForFunction(() => window.messages.some((m) => m.kind === 'report'), null, TIMEOUT);
  const messages = await page.evaluate(() => window.messages);
  const embedOrigin = new URL(env.server.url).origin;
  assert.ok(messages.every((m) => m.type === 'posture-embed' && m.origin === embedOrigin), JSON.stringify(messages.slice(0, 3)));
  const kinds = new Set(messages.map((m) => m.kind));
  assert.ok(kinds.has('height') && kinds.has('state') && kinds.has('report'), [...kinds].join());
  const report = messages.find((m) => m.kind === 'report').report;
  assert.deepEqual([...new Set(report.findings.map((f) => f.rule))].sort(), ['image/latest-tag', 'pss/host-namespaces']);
  const frame = page.frames().find((f) => f.url().startsWith(env.server.url));
  assert.equal(await frame.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await frame.getAttribute('html', 'data-state'), 'done');
  assert.equal(await frame.locator('[data-testid=finding]').count(), report.findings.length);
  assert.equal(await frame.textContent('[data-testid=highlight][data-rule="pss/host-namespaces"]'), 'hostNetwork: true');
  // The playground link turns off every family `select` leaves out.
  await frame.waitForSelector('[data-testid=open-playground][href]');
  const link = new URLSearchParams(new URL(await frame.getAttribute('[data-testid=open-playground]', 'href')).hash.slice(1));
  const off = link.get('off').split(',');
  assert.ok(off.includes('workload') && off.includes('network') && !off.includes('pss') && !off.includes('image'), off.join());
  assert.equal(inflateRawSync(Buffer.from(link.get('yaml'), 'base64url')).toString(), text);
  assert.deepEqual(page.leaving, []);
  await page.context().close();
});

test('a page at an opaque origin (recorded as "null"): the frame still checks, and never throws posting to it', async () => {
  const page = await newPage();
  const yaml = deflateRawSync(Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n')).toString('base64url');
  const src = `${env.server.url}embed.html?origin=${encodeURIComponent(new URL(host).origin)}#yaml=${yaml}`;
  // A data: page has an opaque origin, without the sandbox that would also stop the frame's worker.
  const inner = `<!DOCTYPE html><title>opaque</title><iframe src="${src}" title="x"></iframe>`;
  await page.goto(publish('opaque.html', `<!DOCTYPE html><title>opaque</title><iframe src="data:text/html,${encodeURIComponent(inner)}"></iframe>`));
  let frame;
  for (let tries = 0; !frame && tries < 600; tries++) {
    frame = page.frames().find((f) => f.url().startsWith(env.server.url));
    if (!frame) await page.waitForTimeout(100);
  }
  await frame.waitForFunction(() => ['done', 'error'].includes(document.documentElement.dataset.state), null, TIMEOUT);
  assert.equal(await frame.evaluate(() => location.ancestorOrigins[0]), 'null', 'the case this is about');
  assert.equal(await frame.getAttribute('html', 'data-state'), 'done');
  // The report is drawn to its end: findings, then the playground link.
  assert.ok((await rules(frame)).includes('pss/host-namespaces'));
  await frame.waitForSelector('[data-testid=open-playground][href]');
  await frame.locator('[data-testid=editor]').focus();
  const before = await frame.getAttribute('.summary', 'data-check-number');
  await page.keyboard.type('#');
  await frame.waitForFunction((b) => document.querySelector('.summary').dataset.checkNumber !== b, before, TIMEOUT);
  await page.context().close();
});

test('a worker that does not start: the embed says so, and typing after keeps saying so', async () => {
  const page = await newPage();
  await page.context().route('**/pkg/worker.js', (route) => route.fulfill({ status: 404, body: '' }));
  await hostPage(page, '<posture-check title="no worker">kind: Pod\n</posture-check>');
  await page.waitForFunction(() => document.querySelector('posture-check').dataset.state === 'error', null, TIMEOUT);
  const frame = await embed(page, 0);
  assert.match(await attr(page, 0, 'data-error'), /did not start/);
  await frame.locator('[data-testid=editor]').focus();
  await page.keyboard.type('x');
  assert.equal(await frame.getAttribute('html', 'data-state'), 'error', 'not "checking" for ever');
  assert.match(await frame.textContent('.summary'), /did not start/);
  await page.context().close();
});

test('no deflate-raw in the browser: the content goes by message', async () => {
  const page = await newPage();
  await page.addInitScript(() => {
    window.CompressionStream = class { constructor() { throw new TypeError('no deflate-raw here'); } };
  });
  await hostPage(page, '<posture-check title="no deflate">apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n</posture-check>');
  const frame = await embed(page, 0);
  assert.equal(await attr(page, 0, 'data-state'), 'done');
  assert.equal(await frame.evaluate(() => new URL(location.href).searchParams.get('content')), 'message');
  assert.ok((await rules(frame)).includes('pss/host-namespaces'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('while the text is packed: a changed attribute is kept, a move loads one frame; frames are named before they load', async () => {
  const page = await newPage();
  await page.addInitScript(() => {
    // Runs `window.onPack` as embed.js starts packing a text, before the packing's first await.
    const Real = window.CompressionStream;
    window.CompressionStream = class extends Real {
      constructor(format) { super(format); window.onPack?.(); }
    };
  });
  let frameLoads = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/embed.html') frameLoads += 1; });
  await hostPage(page, '<div id="spot"></div>');
  const title = await page.evaluate(() => {
    const e = document.createElement('posture-check');
    e.setAttribute('title', 'packed');
    e.textContent = 'kind: Pod\n';
    window.onPack = () => { window.onPack = null; e.setAttribute('pss-level', 'baseline'); };
    document.body.append(e);
    return e.shadowRoot.querySelector('iframe').title;
  });
  assert.equal(title, 'packed', 'named before it loads');
  const frame = await embed(page, 0);
  assert.equal(await frame.evaluate(() => new URL(location.href).searchParams.get('level')), 'baseline');
  // Taken out and put back while packing.
  frameLoads = 0;
  await page.evaluate(() => {
    const e = document.createElement('posture-check');
    e.textContent = 'kind: Pod\n';
    window.onPack = () => { window.onPack = null; e.remove(); document.getElementById('spot').append(e); };
    document.body.append(e);
  });
  await embed(page, 0); // the moved element is now the first
  assert.equal(await page.locator('posture-check').count(), 2);
  await page.waitForFunction(() => window.reports.length >= 2, null, TIMEOUT);
  assert.equal(frameLoads, 1, 'one frame loaded');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the shown part is measured in bytes; a first line longer than it is shown clipped', async () => {
  const page = await newPage();
  // 160 K characters, 320 KB: over the 256 KB shown.
  const wide = `${'# ééééééééééééééééééé\n'.repeat(8000)}kind: Pod\n`;
  // One line of 300 KB before any newline.
  const long = `a: "${'x'.repeat(300 * 1024)}"\nkind: Pod\n`;
  await hostPage(page, '<div id="spot"></div>');
  await page.evaluate((texts) => {
    for (const text of texts) {
      const e = document.createElement('posture-check');
      e.setAttribute('height', '300px');
      e.textContent = text;
      document.body.append(e);
    }
  }, [wide, long]);
  const frame = await embed(page, 0);
  assert.match(await frame.textContent('[data-testid=notice]'), /first 6,393 of 8,001 lines, read-only/);
  assert.ok(wide.startsWith(await frame.inputValue('[data-testid=editor]')));
  const clipped = await embed(page, 1);
  const shownText = await clipped.inputValue('[data-testid=editor]');
  assert.ok(shownText.length > 1000 && long.startsWith(shownText), `${shownText.length} characters shown`);
  assert.match(await clipped.textContent('[data-testid=notice]'), /characters of its first line, read-only/);
  assert.equal(await attr(page, 1, 'data-state'), 'done');
  await page.context().close();
});

test('the readonly query: present or =1 makes the text read-only, =0 and =false do not', async () => {
  const page = await newPage();
  const cases = [['readonly', true], ['readonly=1', true], ['readonly=0', false], ['readonly=false', false], ['', false]];
  for (const [query, readOnly] of cases) {
    await page.goto(`${env.server.url}embed.html?${query}`);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=editor]').readOnly), readOnly, query);
  }
  await page.context().close();
});

test('messages from anywhere but the element\'s own frame are ignored; a bad option says why', async () => {
  const page = await newPage();
  await hostPage(page, '<posture-check title="a" pss-level="strict">kind: Pod\n</posture-check>');
  await page.waitForFunction(() => document.querySelector('posture-check').dataset.state === 'error', null, TIMEOUT);
  const frame = await embed(page, 0);
  assert.match(await attr(page, 0, 'data-error'), /pssLevel/);
  assert.match(await frame.textContent('[data-testid=finding-count]'), /pssLevel/);
  // The page itself posting a report in the embed's name changes nothing.
  await page.evaluate(() => window.postMessage({ type: 'posture-embed', kind: 'report', report: { findings: [] } }, '*'));
  await page.waitForTimeout(100);
  assert.equal(await attr(page, 0, 'data-state'), 'error');
  assert.equal(await attr(page, 0, 'data-finding-count'), null);
  assert.deepEqual(await page.evaluate(() => window.reports), []);
  await page.context().close();
});
