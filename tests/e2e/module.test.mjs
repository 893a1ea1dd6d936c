// The engine as a JavaScript module (dist/pkg/, README "The JavaScript module"): in Node, given
// the wasm's bytes, exactly the CLI's JSON for the same text and options, the registry as
// `posture rules` prints it, TypeErrors naming bad options, and a Checker that after hundreds of
// random edits reports what a full check does; the playground's build of it (playground-engine.js)
// with render() and fix() as the CLI's, and each build with its own exports alone; then the same
// module in a page and in a Web Worker (worker.js's protocol, superseded and one-shot requests included).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, launch } from './common.mjs';

const pkg = path.join(root, 'dist/pkg');
const posture = await import(pathToFileURL(path.join(pkg, 'posture.js')));
posture.initSync({ module: readFileSync(path.join(pkg, 'posture_bg.wasm')) });
// The playground's build: the same engine, with the exports only the playground uses.
const engine = await import(pathToFileURL(path.join(pkg, 'playground-engine.js')));
engine.initSync({ module: readFileSync(path.join(pkg, 'playground-engine_bg.wasm')) });

const corpus = readdirSync(path.join(root, 'tests/corpus')).filter((f) => f.endsWith('.yaml')).sort();
const read = (file) => readFileSync(path.join(root, file), 'utf8');

/** The CLI's JSON report for these arguments. */
function cli(args, input) {
  const { stdout } = run(['check', ...args, '--format', 'json'], input);
  return JSON.parse(stdout);
}

test('check() equals the CLI on every file of the corpus', () => {
  assert.ok(corpus.length >= 10, `${corpus.length} files`);
  for (const name of corpus) {
    const file = `tests/corpus/${name}`;
    const report = posture.check(read(file), { fileName: file });
    assert.ok(report.findings.length > 0, `${file} has findings`);
    assert.deepEqual(report, cli([file]), file);
    assert.deepEqual(engine.check(read(file), { fileName: file }), report, `${file} in the playground's build`);
  }
});

test('check() equals the CLI with options', () => {
  const cases = [
    [{ pssLevel: 'baseline' }, ['--pss-level', 'baseline']],
    [{ select: ['pss', 'image/latest-tag'] }, ['--select', 'pss', '--select', 'image/latest-tag']],
    [{ ignore: ['workload/', 'network'] }, ['--ignore', 'workload/', '--ignore', 'network']],
    [{ allowedRegistries: ['registry.example.com', 'ghcr.io/my-org'] },
      ['--allowed-registry', 'registry.example.com', '--allowed-registry', 'ghcr.io/my-org']],
    [{ pssVersion: 'v1.22', kubernetesVersion: '1.25' }, ['--pss-version', 'v1.22', '--kubernetes-version', '1.25']],
  ];
  for (const [options, flags] of cases) {
    for (const name of corpus) {
      const file = `tests/corpus/${name}`;
      assert.deepEqual(posture.check(read(file), { ...options, fileName: file }), cli([...flags, file]),
        `${file} ${JSON.stringify(options)}`);
    }
  }
  // fileName labels findings and errors; the default is input.yaml.
  const text = read('tests/data/insecure.yaml');
  assert.deepEqual(posture.check(text, { fileName: '-' }), cli(['-'], text));
  assert.ok(posture.check(text).findings.every((f) => f.file === 'input.yaml'));
  assert.deepEqual(posture.check(text, null), posture.check(text, {}));
});

test('the same limits as the CLI', () => {
  const deep = `a: ${'['.repeat(300)}\n`;
  const report = posture.check(deep, { fileName: '-' });
  assert.equal(report.errors.length, 1);
  assert.deepEqual(report, cli(['-'], deep));
});

test('YAML floats are the CLI\'s (the wasm parses them with its own exact code, not the standard library\'s)', () => {
  // Each float below reaches the report: as a run-as user, and quoted whole in a message.
  const floats = ['0.0', '1e3', '.5e1', '1.5', '0.1', '0.30000000000000004', '8.08e1', '1.7976931348623157e308',
    '1.7976931348623159e308', '2.4703282292062328e-324', '2.4703282292062327e-324', '5e-324', '1e-400',
    '9007199254740993', '1000.0000000000000000000000001', `1.${'0'.repeat(1000)}1e2`, `-3.${'9'.repeat(900)}`];
  const text = floats.map((f, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  securityContext:\n`
    + `    runAsUser: ${f}\n  containers:\n    - name: c\n      image: a@sha256:${'0'.repeat(64)}\n`
    + `      securityContext:\n        capabilities:\n          add: [${f}]\n`).join('---\n');
  const report = posture.check(text, { fileName: '-' });
  assert.equal(report.findings.filter((f) => f.rule === 'pss/capabilities-restricted' && /adds/.test(f.message)).length,
    floats.length);
  assert.deepEqual(report, cli(['-'], text));
});

test('rules() equals posture rules --format json; version is the CLI\'s', () => {
  assert.deepEqual(posture.rules(), JSON.parse(run(['rules', '--format', 'json']).stdout));
  assert.equal(typeof posture.version, 'string');
  assert.equal(run(['--version']).stdout.trim(), `posture ${posture.version}`);
});

test('each build exports its own API alone: the public module the issue\'s, the playground\'s also fix, render, lessons, packedChanges', () => {
  const exports = (m) => Object.keys(m).sort();
  const methods = (m) => Object.getOwnPropertyNames(m.Checker.prototype).filter((n) => !n.startsWith('__')).sort();
  const api = ['Checker', 'check', 'default', 'initSync', 'rules', 'version'];
  const checker = ['changes', 'check', 'constructor', 'edit', 'free', 'setText'];
  assert.deepEqual(exports(posture), api);
  assert.deepEqual(methods(posture), checker);
  assert.deepEqual(exports(engine), [...api, 'fix', 'objects', 'readLesson', 'render'].sort());
  assert.deepEqual(methods(engine), [...checker, 'packedChanges'].sort());
  assert.equal(engine.version, posture.version);
  // Each build's types declare what it exports (and the playground's only, for the playground's own).
  const declared = (file) => [...readFileSync(path.join(pkg, file), 'utf8').matchAll(/^export (?:default )?(?:function|const|class) (\w+)/gm)]
    .map((m) => m[1]).sort();
  assert.deepEqual(declared('posture.d.ts'), ['Checker', '__wbg_init', 'check', 'initSync', 'rules', 'version']);
  assert.doesNotMatch(readFileSync(path.join(pkg, 'posture.d.ts'), 'utf8'), /packedChanges|FixSelect/);
  assert.deepEqual(declared('playground-engine.d.ts'), ['Checker', '__wbg_init', 'check', 'fix', 'initSync', 'render', 'rules', 'version']);
  assert.match(readFileSync(path.join(pkg, 'playground-engine.d.ts'), 'utf8'), /packedChanges\(\)/);
});

test('the playground\'s build: render() writes the CLI\'s JSON and SARIF files; fix() fixes as posture fix does', () => {
  const file = 'tests/data/insecure.yaml';
  const text = read(file);
  for (const format of ['json', 'sarif']) {
    assert.equal(engine.render(text, { fileName: file }, format), run(['check', file, '--format', format]).stdout, format);
  }
  assert.throws(() => engine.render(text, {}, 'xml'), /^TypeError: .*xml/);
  // Every safe fix, as `posture fix` applies them; then one finding's fix alone.
  const all = engine.fix(text, {}, {});
  assert.deepEqual([all.changed, all.refused], [true, null]);
  assert.equal(all.text, run(['fix', '-'], text).stdout);
  assert.ok(all.applied.length > 1);
  const findings = posture.check(text).findings;
  const index = findings.findIndex((f) => f.fix && f.fix.applicability === 'safe');
  const one = engine.fix(text, {}, { finding: index });
  assert.deepEqual(one.applied, [findings[index].rule]);
  const key = (f) => JSON.stringify([f.rule, f.document, f.object, f.message]);
  const left = posture.check(one.text).findings.map(key);
  assert.ok(!left.includes(key(findings[index])), 'the finding is fixed');
  assert.equal(left.length, findings.length - 1, 'and only it');
  // Another finding at that index than the caller saw (other options) is refused.
  assert.match(engine.fix(text, {}, { finding: index, rule: 'image/latest-tag', message: 'x' }).refused, /findings changed/);
  // Hidden severities are left alone; a finding without a fix is refused, the text kept.
  const high = engine.fix(text, {}, { hiddenSeverities: ['info', 'low', 'medium', 'high', 'critical'] });
  assert.deepEqual([high.changed, high.text], [false, text]);
  const noFix = findings.findIndex((f) => !f.fix);
  if (noFix >= 0) assert.match(engine.fix(text, {}, { finding: noFix }).refused, /no fix/);
});

test('a bad or unknown option throws a TypeError naming it', () => {
  const cases = [
    [{ pssLevel: 'strict' }, 'pssLevel'],
    [{ pssLevel: 1 }, 'pssLevel'],
    [{ pssVersion: 'v2.0' }, 'pssVersion'],
    [{ kubernetesVersion: '1.2' }, 'kubernetesVersion'],
    [{ select: 'pss' }, 'select'],
    [{ select: ['pss/no-such-rule'] }, 'select'],
    [{ ignore: ['nope'] }, 'ignore'],
    [{ ignore: [1] }, 'ignore'],
    [{ allowedRegistries: 'ghcr.io' }, 'allowedRegistries'],
    [{ fileName: 3 }, 'fileName'],
    [{ pss_level: 'baseline' }, 'pss_level'],
    ['restricted', 'options'],
    [['pss'], 'options'],
  ];
  for (const [options, name] of cases) {
    for (const call of [() => posture.check('kind: Pod\n', options), () => new posture.Checker(options)]) {
      assert.throws(call, (e) => e instanceof TypeError && e.message.includes(name), JSON.stringify(options));
    }
  }
  // Each unknown name under the option that holds it.
  for (const [options, message] of [[{ select: ['pss'], ignore: ['nope'] }, /^options\.ignore: nope names/],
    [{ select: ['nope1'], ignore: ['nope2'] }, /^options\.select: nope1 names/]]) {
    assert.throws(() => posture.check('kind: Pod\n', options), (e) => e instanceof TypeError && message.test(e.message), JSON.stringify(options));
  }
  // An option set to undefined is as good as absent.
  assert.deepEqual(posture.check('kind: Pod\n', { pssLevel: undefined }), posture.check('kind: Pod\n'));
});

/** A seeded random source (mulberry32): the same edits every run. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text an edit may insert: YAML structure, markers, suppressions, characters beyond ASCII and the BMP. */
const PIECES = ['---\n', '\n---\n', 'x', '\n', '  ', ': ', '- ', '#', '  # posture:ignore workload reviewed\n',
  'é', '😀', '\u202e', '&a ', '*a', '[', '{', '"', 'hostNetwork: true\n', 'kind: Pod\n',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n', '    privileged: true\n'];

/** A UTF-16 offset of `text` that does not split a surrogate pair (as a textarea's never does). */
function boundary(text, at) {
  const unit = text.charCodeAt(at);
  return unit >= 0xdc00 && unit <= 0xdfff ? at - 1 : at;
}

test('a Checker after hundreds of random edits reports what check() does', () => {
  const next = random(13);
  const pick = (n) => Math.floor(next() * n);
  const options = { fileName: 'edited.yaml', pssLevel: 'baseline', allowedRegistries: ['registry.example.com'] };
  let text = corpus.slice(0, 4).map((f) => read(`tests/corpus/${f}`)).join('---\n');
  const checker = new posture.Checker(options);
  checker.setText(text);
  assert.deepEqual(checker.check(), posture.check(text, options));
  let edits = 0;
  while (edits < 400) {
    // One to three edits before each check: pending edits are applied together.
    for (let n = 1 + pick(3); n > 0; n--, edits++) {
      const start = boundary(text, pick(text.length + 1));
      const end = boundary(text, Math.min(text.length, start + (next() < 0.5 ? 0 : pick(next() < 0.9 ? 40 : 4000))));
      const insert = next() < 0.3 ? '' : next() < 0.9 ? PIECES[pick(PIECES.length)]
        : text.slice(pick(text.length), pick(text.length)); // a paste from elsewhere in the text
      checker.edit(start, end, insert);
      text = text.slice(0, start) + insert + text.slice(end);
    }
    assert.deepEqual(checker.check(), posture.check(text, options), `after ${edits} edits`);
  }
  checker.setText('');
  assert.deepEqual(checker.check(), posture.check('', options));
  // A range outside the text throws a RangeError and changes nothing.
  checker.setText('kind: Pod\n');
  for (const [start, end] of [[0, 11], [5, 4], [-1, 2], [0.5, 2], [NaN, 1]]) {
    assert.throws(() => checker.edit(start, end, 'x'), RangeError, `${start}..${end}`);
  }
  assert.deepEqual(checker.check(), posture.check('kind: Pod\n', options));
  // So does an offset between the halves of a surrogate pair (half of 😀), at either end.
  const emoji = 'a: 😀\n';
  checker.setText(emoji);
  for (const [start, end, insert] of [[4, 5, '\uDE03'], [3, 4, 'x'], [4, 4, 'x'], [0, 4, '']]) {
    assert.throws(() => checker.edit(start, end, insert), RangeError, `${start}..${end}`);
  }
  assert.deepEqual(checker.check(), posture.check(emoji, options));
  checker.edit(3, 5, '😃');
  assert.deepEqual(checker.check(), posture.check('a: 😃\n', options));
  checker.free();
});

/** Findings kept from the last answer, patched with `Checker.changes()` as types.d.ts says. */
function patch(findings, changes) {
  const { hunks, moved, shift, reports } = changes;
  const move = (p) => ({ ...p, line: p.line + shift.line, offset: p.offset + shift.offset });
  const keep = (f, i) => (i < moved ? f : {
    ...f,
    document: f.document + shift.document,
    span: { end: move(f.span.end), start: move(f.span.start) },
    ...(f.fix ? { fix: { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + shift.offset, end: e.end + shift.offset })) } } : {}),
  });
  const parts = reports.map((r) => JSON.parse(r));
  const added = parts.flatMap((p) => p.findings);
  const out = [];
  let at = 0;
  for (const [start, end, count] of hunks) {
    for (let i = at; i < start; i++) out.push(keep(findings[i], i));
    out.push(...added.splice(0, count));
    at = end;
  }
  for (let i = at; i < findings.length; i++) out.push(keep(findings[i], i));
  assert.equal(added.length, 0, 'every finding of the reports is in a hunk');
  return { ...parts[0], findings: out };
}

test('Checker.changes(): the findings kept, patched, are what check() reports, and a keystroke changes few', () => {
  const next = random(29);
  const pick = (n) => Math.floor(next() * n);
  const options = { fileName: 'changed.yaml' };
  // Over 2,000 findings (real manifests and the finding-dense example): the first answer comes in several pieces.
  let text = corpus.map((f) => `---\n${read(`tests/corpus/${f}`)}`).join('');
  const insecure = read('tests/data/insecure.yaml');
  for (let i = 0; i < 80; i++) text += `---\n${insecure.replaceAll('name: ', `name: n${i}-`)}`;
  const checker = new posture.Checker(options);
  checker.setText(text);
  let first = checker.changes();
  assert.ok(first.reports.length > 1, `${first.reports.length} pieces`);
  assert.deepEqual(first.hunks, [[0, 0, JSON.parse(first.reports[0]).summary.findings]]);
  let held = patch([], first);
  assert.deepEqual(held, posture.check(text, options));
  let [few, answers] = [0, 0];
  for (let edits = 0; edits < 150; edits++) {
    const start = boundary(text, pick(text.length + 1));
    const end = boundary(text, Math.min(text.length, start + (next() < 0.5 ? 0 : pick(40))));
    const insert = next() < 0.3 ? '' : PIECES[pick(PIECES.length)];
    checker.edit(start, end, insert);
    text = text.slice(0, start) + insert + text.slice(end);
    // Sometimes two edits answered at once, as a worker does with a burst.
    if (next() < 0.2) continue;
    const changes = checker.changes();
    answers++;
    const added = changes.reports.reduce((n, r) => n + JSON.parse(r).findings.length, 0);
    const removed = changes.hunks.reduce((n, [start, end]) => n + end - start, 0);
    if (added + removed < 50) few++;
    held = patch(held.findings, changes);
    assert.deepEqual(held, posture.check(text, options), `after ${edits + 1} edits`);
  }
  // An edit that breaks a document or adds one changes its findings and those that count a namespace's
  // workloads (above it too, each a hunk of its own): most answers are small.
  assert.ok(few > answers * 0.8, `${few} of ${answers} answers changed fewer than 50 findings`);
  // setText is a change like any other; a check() between changes() changes nothing.
  checker.setText('kind: Pod\n');
  checker.check();
  assert.deepEqual(patch(held.findings, checker.changes()), posture.check('kind: Pod\n', options));
  checker.free();
});

// In Chromium: a blank page of the served dist/ under a strict Content-Security-Policy (as a docs
// page embedding the module would have), which loads the module by its default wasm URL.
const browser = await launch();
after(() => browser.close());
const blank = `${browser.server.url}module-test.html`;
const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'";

async function page() {
  const p = await browser.browser.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.route(blank, (route) => route.fulfill({
    contentType: 'text/html', headers: { 'content-security-policy': csp }, body: '<!DOCTYPE html><title>module</title>',
  }));
  await p.goto(blank);
  p.errors = errors;
  return p;
}

const sample = read('tests/corpus/webapp.yaml');

test('in a page: check(), rules() and a Checker', async () => {
  const p = await page();
  const got = await p.evaluate(async (text) => {
    const m = await import('/pkg/posture.js');
    await m.default();
    const checker = new m.Checker({ fileName: 'page.yaml' });
    checker.setText(text);
    checker.edit(0, 0, '# é 😀\n');
    let typeError = null;
    try { m.check('', { nope: 1 }); } catch (e) { typeError = `${e.name}: ${e.message}`; }
    return { version: m.version, report: m.check(text, { fileName: 'page.yaml' }), rules: m.rules().length,
      edited: checker.check(), typeError };
  }, sample);
  assert.equal(got.version, posture.version);
  assert.deepEqual(got.report, posture.check(sample, { fileName: 'page.yaml' }));
  assert.deepEqual(got.edited, posture.check(`# é 😀\n${sample}`, { fileName: 'page.yaml' }));
  assert.equal(got.rules, posture.rules().length);
  assert.match(got.typeError, /^TypeError: .*nope/);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('in a Web Worker: open, edits, supersession, errors', async () => {
  const p = await page();
  const send = (...requests) => p.evaluate((rs) => rs.forEach((r) => window.worker.postMessage(r)), requests);
  // Waits for the answer to `id` and returns every message since the last call.
  let seen = 0;
  const answer = async (id) => {
    await p.waitForFunction((i) => window.answers.some((a) => a.id === i || a.workerError), id);
    const all = await p.evaluate(() => window.answers);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const options = { fileName: 'worker.yaml', pssLevel: 'baseline' };

  // A burst sent before the engine is loaded: every request is applied, one check answers the newest.
  let text = sample;
  const burst = [{ id: 1, type: 'open', text, options }];
  for (let id = 2; id <= 30; id++) {
    const at = (id * 97) % text.length;
    const insert = id % 3 ? `# edit ${id} é\n` : '';
    const end = id % 3 ? at : Math.min(text.length, at + 5);
    burst.push({ id, type: 'edit', start: at, end, text: insert });
    text = text.slice(0, at) + insert + text.slice(end);
  }
  // Sent with the worker's creation, so all are queued before its script runs.
  await p.evaluate((requests) => {
    window.answers = [];
    window.worker = new Worker(new URL('pkg/worker.js', location.href), { type: 'module' });
    window.worker.onmessage = (e) => window.answers.push(e.data);
    window.worker.onerror = (e) => window.answers.push({ workerError: e.message });
    requests.forEach((r) => window.worker.postMessage(r));
  }, burst);
  const first = await answer(30);
  assert.deepEqual(first[0], { type: 'ready', version: posture.version });
  assert.deepEqual(first.slice(1).map((a) => a.id), [30], 'superseded requests get no answer of their own');
  assert.deepEqual(first[1].report, posture.check(text, options));

  // One request at a time: each is answered.
  await send({ id: 31, type: 'edit', start: 0, end: 0, text: 'x' });
  text = `x${text}`;
  const one = await answer(31);
  assert.deepEqual(one.map((a) => a.id), [31]);
  assert.deepEqual(one[0].report, posture.check(text, options));

  // A burst while the engine is ready: however the checks fall, answers come in order, and the
  // last answers the newest request with the report of the text after every edit.
  const edits = [];
  for (let id = 100; id < 140; id++) {
    const at = (id * 31) % text.length;
    edits.push({ id, type: 'edit', start: at, end: at, text: `- ${id}\n` });
    text = text.slice(0, at) + `- ${id}\n` + text.slice(at);
  }
  await send(...edits);
  const burstAnswers = await answer(139);
  const ids = burstAnswers.map((a) => a.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(ids.at(-1), 139);
  assert.ok(burstAnswers.every((a) => a.report), JSON.stringify(burstAnswers.map((a) => a.error)));
  assert.deepEqual(burstAnswers.at(-1).report, posture.check(text, options));

  // Errors answer the newest request; after one the worker holds no text, so edits fail until an 'open'.
  await send({ id: 140, type: 'edit', start: 0, end: text.length + 10, text: '' });
  const range = await answer(140);
  assert.match(range[0].error, /^RangeError/);
  await send({ id: 141, type: 'edit', start: 1, end: 1, text: '' });
  assert.match((await answer(141))[0].error, /open/);
  await send({ id: 142, type: 'open', text, options });
  assert.deepEqual((await answer(142))[0].report, posture.check(text, options));
  await send({ id: 143, type: 'open', text: 'kind: Pod\n', options: { pssLevel: 'strict' } });
  assert.match((await answer(143))[0].error, /^TypeError: .*pssLevel/);
  await send({ id: 144, type: 'edit', start: 0, end: 0, text: 'x' });
  assert.match((await answer(144))[0].error, /open/, 'an edit after a failed open says to open');
  await send({ id: 145, type: 'open', text: 'kind: Pod\n' });
  assert.deepEqual((await answer(145))[0].report, posture.check('kind: Pod\n'));

  // A bad edit followed by good ones in one burst: the good ones assume the bad one was applied,
  // so none is (no report of a text the page never had): an error, and an 'open' recovers.
  await p.evaluate(() => {
    window.worker.postMessage({ id: 150, type: 'edit', start: 0, end: 99, text: '' });
    for (let id = 151; id <= 155; id++) window.worker.postMessage({ id, type: 'edit', start: 0, end: 0, text: '# x\n' });
  });
  const burstError = await answer(155);
  assert.ok(burstError.every((a) => a.error), JSON.stringify(burstError));
  assert.equal(burstError.at(-1).id, 155);
  await send({ id: 156, type: 'edit', start: 0, end: 0, text: '' });
  assert.match((await answer(156))[0].error, /open/, 'no text is held until an open');
  // An 'open' later in the same burst as a failure recovers at once.
  await send({ id: 157, type: 'edit', start: 0, end: 0, text: 'x' }, { id: 158, type: 'open', text: 'kind: Pod\n' },
    { id: 159, type: 'edit', start: 0, end: 0, text: '# x\n' });
  const recovered = await answer(159);
  assert.deepEqual(recovered.at(-1).report, posture.check('# x\nkind: Pod\n'));

  // One-shot requests (the playground's): each answered on its own, in order, leaving the text held as it was.
  await send({ id: 160, type: 'rules' }, { id: 161, type: 'check', text: sample, options },
    { id: 162, type: 'render', text: sample, options, format: 'sarif' }, { id: 163, type: 'fix', text: sample, options },
    { id: 164, type: 'render', text: '', format: 'xml' }, { id: 165, type: 'edit', start: 0, end: 0, text: '# y\n' });
  const oneShots = await answer(165);
  assert.deepEqual(oneShots.map((a) => a.id), [160, 161, 162, 163, 164, 165]);
  assert.deepEqual(oneShots[0].rules, posture.rules());
  assert.deepEqual(oneShots[1].report, posture.check(sample, options));
  assert.equal(oneShots[2].output, engine.render(sample, options, 'sarif'));
  assert.deepEqual(oneShots[3].fix, engine.fix(sample, options));
  assert.match(oneShots[4].error, /^TypeError: .*xml/);
  assert.deepEqual(oneShots[5].report, posture.check('# y\n# x\nkind: Pod\n'));
  // A type named like an Object.prototype property is as unknown as any other.
  for (const [id, type] of [[170, 'constructor'], [171, 'toString'], [172, 'hasOwnProperty']]) {
    await send({ id, type });
    assert.match((await answer(id))[0].error, /^TypeError: unknown request type/, type);
  }
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('in a Web Worker with changes: each answer changes the one before it (base), and patched they are check()', async () => {
  const p = await page();
  const options = { fileName: 'changes.yaml' };
  let text = corpus.map((f) => `---\n${read(`tests/corpus/${f}`)}`).join('').repeat(3);
  await p.evaluate(() => {
    window.answers = [];
    window.worker = new Worker(new URL('pkg/worker.js', location.href), { type: 'module' });
    window.worker.onmessage = (e) => window.answers.push(e.data);
  });
  const send = (...requests) => p.evaluate((rs) => rs.forEach((r) => window.worker.postMessage(r)), requests);
  let seen = 0;
  const answer = async (id) => {
    await p.waitForFunction((i) => window.answers.some((a) => a.id === i), id);
    const all = await p.evaluate(() => window.answers);
    const fresh = all.slice(seen).filter((a) => a.id !== undefined);
    seen = all.length;
    return fresh;
  };
  await send({ id: 1, type: 'open', text, options, changes: true });
  let [opened] = await answer(1);
  assert.equal(opened.base, null);
  let held = patch([], opened.changes);
  assert.deepEqual(held, posture.check(text, options));
  let last = 1;
  // Bursts of edits: however the checks fall, every answer is based on the one before it.
  const next = random(7);
  for (let round = 0; round < 6; round++) {
    const edits = [];
    for (let id = last + 1; id <= last + 15; id++) {
      const at = boundary(text, Math.floor(next() * text.length));
      const insert = PIECES[Math.floor(next() * PIECES.length)];
      edits.push({ id, type: 'edit', start: at, end: at, text: insert });
      text = text.slice(0, at) + insert + text.slice(at);
    }
    await send(...edits);
    const answers = await answer(last + 15);
    for (const a of answers) {
      assert.equal(a.base, last, `answer ${a.id} is based on the answer before it`);
      held = patch(held.findings, a.changes);
      last = a.id;
    }
    assert.equal(last, edits.at(-1).id);
    assert.deepEqual(held, posture.check(text, options), `round ${round}`);
  }
  // An 'open' starts again from no findings; without `changes` it answers whole reports as before.
  await send({ id: 500, type: 'open', text: 'kind: Pod\n', options, changes: true });
  [opened] = await answer(500);
  assert.equal(opened.base, null);
  assert.deepEqual(patch([], opened.changes), posture.check('kind: Pod\n', options));
  await send({ id: 501, type: 'open', text: 'kind: Pod\n', options });
  assert.deepEqual((await answer(501))[0].report, posture.check('kind: Pod\n', options));
  assert.deepEqual(p.errors, []);
  await p.close();
});
