// The engine in a module Web Worker, so no check blocks the page:
//   new Worker(new URL('pkg/worker.js', base), { type: 'module' })
// Requests (main -> worker):
//   { id, type: 'open', text, options, changes? }   the whole text, and the options (as check() takes
//                                         them); with changes: true, answered { id, changes, base }
//   { id, type: 'edit', start, end, text } the UTF-16 range start..end of the current text replaced by text
//                                         (for 'open' and 'edit', `bytes`, a Uint8Array of UTF-8, may stand for `text`)
//   { id, type: 'rules' }                 the registry, as rules() returns it
//   { id, type: 'check', text, options }  one text checked on its own (the text held is kept)
//   { id, type: 'fix', text, options, select }   fix(text, options, select) (see posture.d.ts)
//   { id, type: 'render', text, options, format } render(text, options, format): 'json' or 'sarif'
//   { id, type: 'lesson', text }, { id, type: 'objects', text }   for the playground's lessons (serve.js)
// Answers (worker -> main):
//   { type: 'ready', version }            once, when the engine is loaded
//   { type: 'failed', error }             instead, when the engine's wasm cannot be loaded
//   { id, report } or { id, error }       for 'open' and 'edit': for the newest request only: requests
//                                         that arrived while a check ran are applied together, checked
//                                         once, and answered with the newest id (the report answers
//                                         every request up to it). After an error, the worker
//                                         holds no text (later edits fail too): send 'open'.
//   { id, changes, base }                 instead of { id, report } after an 'open' with changes: true:
//                                         Checker.changes() since the answer with id `base` (null: since
//                                         an empty report); with changes: 'packed', Checker.packedChanges()
//                                         (the playground's), its bytes transferred
//   { id, rules }, { id, report }, { id, fix }, { id, output } or { id, error }
//                                         for each 'rules', 'check', 'fix', 'render'
// The protocol itself is serve.js, which the playground also runs in the
// page when no worker can start.
//
// While no request waits, the worker warms its engine up (README, "The
// worker's warm-up"): V8 runs wasm first as its baseline compiler's code and
// optimises a function only after it has run a while, so a fresh worker's
// first large check (a paste) and first edits in a large text (the keystroke
// after it) ran up to eight times slower than later ones. The warm-up checks
// the registry's own `bad` examples as the page's requests would (texts
// opened and answered as packed changes, then edited a document at a time),
// on a Checker of its own (the text held for the page is never touched),
// in tasks of a few ms, once no request has come for half a second (the
// page done drawing its answer, a person reading rather than typing). A
// request that arrives is answered before the next task; the steps go on
// after the next quiet half second, until done. Nothing is posted: the page
// sees the same answers, only sooner.
// Only the playground's page is warmed for (its 'open' asks for packed
// changes): it is the one that takes pastes of megabytes, where a docs page
// may start twenty embeds, each with its worker and a small text.
import { serve } from './serve.js';
import { Checker, rules } from './playground-engine.js';

/** How long the worker has had no request before the warm-up goes on (ms), and how long a task of it
 * runs steps (ms: browsers wait 4 ms between nested timeouts, so with one step a task, most of the
 * warm-up was waiting). */
const QUIET = 500;
const SLICE = 2;
/** The warm-up's steps not yet run (null once done), whether the page wants them, whether the next is
 * scheduled, and when the last request came. */
let warmUp = warmUpSteps();
let wanted = false;
let stepping = false;
let lastRequest = 0;

const handle = serve((answer, transfer = []) => self.postMessage(answer, transfer), (busy) => {
  if (warmUp === null || !wanted || stepping) return;
  stepping = true;
  setTimeout(function step() {
    stepping = false;
    // A request came in since: it goes first (serve calls again once it is answered).
    if (warmUp === null || busy()) return;
    const quietFor = performance.now() - lastRequest;
    if (quietFor < QUIET) {
      stepping = true;
      setTimeout(step, QUIET - quietFor);
      return;
    }
    let done = true;
    const end = performance.now() + SLICE;
    try {
      do done = warmUp.next().done;
      while (!done && performance.now() < end);
    } catch {
      // A warm-up that fails only ends early (its checker was freed on the way out).
    }
    if (done) {
      warmUp = null;
    } else {
      stepping = true;
      setTimeout(step, 0);
    }
  }, 0);
});
self.onmessage = (event) => {
  lastRequest = performance.now();
  wanted ||= event.data?.type === 'open' && event.data.changes === 'packed';
  handle(event.data);
};

/** The warm-up, a step per `next()`: each about a millisecond once the engine's code is compiled. */
function* warmUpSteps() {
  const examples = rules().flatMap((rule) => rule.bad).map((bad) => `---\n${bad.replace(/\n?$/, '\n')}`);
  yield;
  // As pastes: a few examples opened and answered whole.
  for (let i = 0; i < examples.length; i += 4) {
    const checker = new Checker();
    try {
      checker.setText(examples.slice(i, i + 4).join(''));
      checker.packedChanges();
    } finally {
      checker.free();
    }
    yield;
  }
  // As typing: a text that grows an example at a time, and a character typed
  // into each, answered after each edit; the engine's loops over a text's
  // documents run over a few hundred of them by the end.
  const checker = new Checker();
  try {
    let length = 0;
    for (const example of examples) {
      checker.edit(length, length, example);
      length += example.length;
      checker.packedChanges();
      const inside = length - (example.length >> 1);
      checker.edit(inside, inside, 'x');
      length += 1;
      checker.packedChanges();
      yield;
    }
  } finally {
    checker.free();
  }
}
