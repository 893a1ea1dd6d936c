// The engine in a module Web Worker, so no check blocks the page:
//   new Worker(new URL('pkg/worker.js', base), { type: 'module' })
// Requests (main -> worker):
//   { id, type: 'open', text, options }   the whole text, and the options (as check() takes them)
//   { id, type: 'edit', start, end, text } the UTF-16 range start..end of the current text replaced by text
// Answers (worker -> main):
//   { type: 'ready', version }            once, when the engine is loaded
//   { id, report } or { id, error }       for the newest request only: requests that arrived
//                                         while a check ran are applied together, checked once,
//                                         and answered with the newest id (the report answers
//                                         every request up to it). After an error, the worker
//                                         holds no text (later edits fail too): send 'open'.
import init, { Checker, version } from './posture.js';

/** Requests not yet applied, oldest first. */
const queue = [];
let checker = null;
let loaded = false;
let scheduled = false;

self.onmessage = (event) => {
  queue.push(event.data);
  schedule();
};

// A check starts from a task of its own, after the messages already waiting
// have been queued, so a burst of edits is checked once.
function schedule() {
  if (loaded && !scheduled && queue.length > 0) {
    scheduled = true;
    setTimeout(drain, 0);
  }
}

function drain() {
  scheduled = false;
  const batch = queue.splice(0);
  const id = batch[batch.length - 1].id;
  let error = null;
  for (const request of batch) {
    try {
      apply(request);
      // A whole new text: what failed before it no longer matters.
      if (request.type === 'open') error = null;
    } catch (e) {
      error ??= `${e.name || 'Error'}: ${e.message || e}`;
      // The page's later edits assume this one was applied: they must not
      // be applied to a text without it, so every edit fails until an 'open'.
      checker?.free();
      checker = null;
    }
  }
  if (error === null) {
    try {
      self.postMessage({ id, report: checker.check() });
    } catch (e) {
      self.postMessage({ id, error: `${e.name || 'Error'}: ${e.message || e}` });
    }
  } else {
    self.postMessage({ id, error });
  }
}

function apply(request) {
  switch (request && request.type) {
    case 'open': {
      checker?.free();
      checker = null;
      const next = new Checker(request.options);
      next.setText(String(request.text ?? ''));
      checker = next;
      return;
    }
    case 'edit':
      if (checker === null) throw new Error("'edit' before a successful 'open'");
      checker.edit(request.start, request.end, String(request.text ?? ''));
      return;
    default:
      throw new TypeError(`unknown request type ${JSON.stringify(request && request.type)} (expected 'open' or 'edit')`);
  }
}

await init();
loaded = true;
self.postMessage({ type: 'ready', version });
schedule();
