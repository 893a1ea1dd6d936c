// The worker's warm-up (js/worker.js, README "The worker's warm-up"), run in Node: the built
// dist/pkg/worker.js with `self` standing in for the worker's global and the wasm read from disk.
// The engine module it imports is this process's too, so its Checker's methods are wrapped to see
// which checker does what, and when: the page's (the one holding the text opened) or the warm-up's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { root } from './common.mjs';

const pkg = path.join(root, 'dist/pkg');
globalThis.fetch = async (url) =>
  new Response(readFileSync(fileURLToPath(url)), { headers: { 'content-type': 'application/wasm' } });
const answers = [];
let answered = () => {};
globalThis.self = {
  postMessage(message) {
    answers.push(message);
    log.push(['answer', message.id ?? message.type]);
    answered();
  },
};
const engine = await import(pathToFileURL(path.join(pkg, 'playground-engine.js')));

/** What the engine was asked, in order: [what, checker ('page' or 'warm-up'), method] or ['answer', id]. */
const log = [];
const pageCheckers = new WeakSet();
/** This test's own checkers, the reference answers are taken from (not logged). */
const references = new WeakSet();
/** Checkers of the warm-up not yet freed, and what happens on a warm-up call (set by the test). */
const warmUpLive = new Set();
let onWarmUpCall = () => {};
let text = readFileSync(path.join(root, 'tests/corpus/webapp.yaml'), 'utf8');
for (const method of ['setText', 'edit', 'packedChanges', 'check', 'free']) {
  const original = engine.Checker.prototype[method];
  engine.Checker.prototype[method] = function (...args) {
    if (references.has(this)) return original.apply(this, args);
    if (method === 'setText' && args[0] === text) pageCheckers.add(this);
    const whose = pageCheckers.has(this) ? 'page' : 'warm-up';
    log.push(['call', whose, method]);
    if (whose === 'warm-up') {
      if (method === 'free') warmUpLive.delete(this);
      else warmUpLive.add(this);
      onWarmUpCall(method);
    }
    return original.apply(this, args);
  };
}

const until = async (done) => {
  while (!done()) await new Promise((resolve) => { answered = resolve; setTimeout(resolve, 50); });
};
const answerTo = async (id) => {
  await until(() => answers.some((a) => a.id === id));
  return answers.find((a) => a.id === id);
};
const send = (request) => {
  log.push(['request', request.id]);
  self.onmessage({ data: request });
};
/** The log's entries after the request `id`, up to its answer. */
const between = (id) => {
  const from = log.findIndex((e) => e[0] === 'request' && e[1] === id);
  const to = log.findIndex((e, i) => i > from && e[0] === 'answer' && e[1] === id);
  assert.ok(from >= 0 && to > from, JSON.stringify(log.slice(-20)));
  return log.slice(from + 1, to);
};
const warmUpCalls = (from = 0) => log.slice(from).filter((e) => e[1] === 'warm-up').length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

test('the worker warms its engine up while idle, for the playground only, on checkers of its own; requests that arrive meanwhile go first and are answered as without it', { timeout: 120000 }, async () => {
  const options = { fileName: 'warm.yaml' };
  // Sent before the engine is loaded.
  await import(pathToFileURL(path.join(pkg, 'worker.js')));
  send({ id: 1, type: 'open', text, options });
  assert.deepEqual((await answerTo(1)).report, engine.check(text, options));
  assert.deepEqual(answers[0], { type: 'ready', version: engine.version });
  // A page that does not ask for packed changes (an embed) gets no warm-up.
  await settle();
  assert.equal(warmUpCalls(), 0);

  // The playground's page: its answers, packed, are exactly those of a checker given the same
  // requests with no warm-up between them.
  const reference = new engine.Checker(options);
  references.add(reference);
  reference.setText(text);
  send({ id: 2, type: 'open', text, options, changes: 'packed' });
  assert.deepEqual((await answerTo(2)).changes, reference.packedChanges());
  assert.deepEqual(between(2), [['call', 'page', 'free'], ['call', 'page', 'setText'], ['call', 'page', 'packedChanges']]);

  // A request that arrives while a warm-up step runs (a message is a task of its own: it comes
  // after the step) is answered before the next step, from the page's text alone.
  const midStep = (id, request, when) => new Promise((resolve) => {
    onWarmUpCall = (method) => {
      if (!when(method)) return;
      onWarmUpCall = () => {};
      setTimeout(() => { send({ id, ...request }); resolve(); }, 0);
    };
  });
  // In the warm-up's pastes (texts set whole), then in its typing (edits).
  let sets = 0;
  await midStep(3, { type: 'edit', start: 0, end: 0, text: '# one\n' }, (m) => m === 'setText' && ++sets === 3);
  reference.edit(0, 0, '# one\n');
  assert.deepEqual((await answerTo(3)).changes, reference.packedChanges());
  assert.deepEqual(between(3), [['call', 'page', 'edit'], ['call', 'page', 'packedChanges']]);
  const end = text.length + '# one\n'.length;
  await midStep(4, { type: 'edit', start: end, end, text: '# two\n' }, (m) => m === 'edit');
  reference.edit(end, end, '# two\n');
  assert.deepEqual((await answerTo(4)).changes, reference.packedChanges());
  assert.deepEqual(between(4), [['call', 'page', 'edit'], ['call', 'page', 'packedChanges']]);
  reference.free();

  // The warm-up goes on once the worker is idle, and ends with its checkers freed; then no more steps.
  await until(() => warmUpLive.size === 0 && log.filter((e) => e[1] === 'warm-up' && e[2] === 'edit').length > 100);
  const calls = log.length;
  text = 'kind: Pod\n';
  send({ id: 5, type: 'open', text, options: { ...options, pssLevel: 'baseline' } });
  assert.deepEqual((await answerTo(5)).report, engine.check(text, { ...options, pssLevel: 'baseline' }));
  await settle();
  assert.equal(warmUpCalls(calls), 0, 'no warm-up step once it has ended');
  // It posted nothing of its own: the ready message and one answer per request.
  assert.deepEqual(answers.map((a) => a.id ?? a.type), ['ready', 1, 2, 3, 4, 5]);
  assert.ok(answers.every((a) => !a.error), JSON.stringify(answers.filter((a) => a.error)));
});
