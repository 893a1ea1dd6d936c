// The worker protocol (README, "The JavaScript module"), answered by the
// engine wherever it runs: in pkg/worker.js, and in the page itself when no
// worker can start (the playground's fallback). `serve(post)` loads the
// engine, posts `{ type: 'ready', version }`, and returns the function that
// takes each request; answers go to `post(answer, transfer)`, with the
// buffers a worker may transfer rather than copy.
//
// 'open' and 'edit' change the text held: requests that arrived while a
// check ran are applied together, checked once, and answered with the
// newest id (the report answers every request up to it). After an error the
// text is dropped (later edits fail too) until the next 'open'.
// An 'open' with `changes: true` asks for answers as changes (see
// `Checker.changes()`): `{ id, changes, base }`, where `base` is the id of
// the answer they change (null: they change an empty report), so a page
// that keeps the findings patches them instead of reading them all again.
// With `changes: 'packed'` (the playground's page), the changes are
// `Checker.packedChanges()`, whose bytes are transferred, not copied.
// 'rules', 'check', 'fix', 'render', 'lesson' and 'objects' are one-shot: each
// is answered on its own (`{ id, rules }`, `{ id, report }`, `{ id, fix }`,
// `{ id, output }`, `{ id, lesson }` or `{ id, errors }`, `{ id, objects }`, or `{ id, error }`) and
// leaves the text held as it is.
// `whenIdle(busy)`, if given, is called each time the engine is loaded and no
// request waits (once loaded, and after each batch is answered); `busy()`
// then says whether a request has arrived since. The worker warms its engine
// up in those moments (worker.js); the page's fallback does not.
// The playground's build of the engine (the public posture.js has none of fix, render, readLesson, objects, packedChanges).
import init, { Checker, check, fix, objects, readLesson, render, rules, version } from './playground-engine.js';

export function serve(post, whenIdle = () => {}) {
  /** Requests not yet applied, oldest first. */
  const queue = [];
  let checker = null;
  /** Whether the text held is answered with changes (false, true or 'packed'), and the id of its last answer. */
  let changes = false;
  let base = null;
  let loaded = false;
  let scheduled = false;

  // A check starts from a task of its own, after the messages already
  // waiting have been queued, so a burst of edits is checked once.
  function schedule() {
    if (loaded && !scheduled && queue.length > 0) {
      scheduled = true;
      setTimeout(drain, 0);
    }
  }

  const busy = () => !loaded || scheduled || queue.length > 0;

  function drain() {
    scheduled = false;
    answer(queue.splice(0));
    if (!busy()) whenIdle(busy);
  }

  function answer(batch) {
    let id = null;
    let error = null;
    for (const request of batch) {
      if (Object.hasOwn(ONE_SHOT, request?.type)) {
        answerOneShot(request);
        continue;
      }
      id = request?.id;
      try {
        apply(request);
        // A whole new text: what failed before it no longer matters.
        if (request.type === 'open') error = null;
      } catch (e) {
        error ??= message(e);
        // The page's later edits assume this one was applied: they must not
        // be applied to a text without it, so every edit fails until an 'open'.
        checker?.free();
        checker = null;
      }
    }
    if (id === null) return;
    if (error === null) {
      try {
        if (changes === 'packed') {
          const packed = checker.packedChanges();
          post({ id, changes: packed, base }, [packed.findings.buffer]);
          base = id;
        } else if (changes) {
          post({ id, changes: checker.changes(), base });
          base = id;
        } else {
          post({ id, report: checker.check() });
        }
      } catch (e) {
        post({ id, error: message(e) });
        // The findings answered may be ahead of the page's: start again.
        checker.free();
        checker = null;
      }
    } else {
      post({ id, error });
    }
  }

  function apply(request) {
    switch (request && request.type) {
      case 'open': {
        checker?.free();
        checker = null;
        const next = new Checker(request.options);
        next.setText(textOf(request));
        checker = next;
        changes = request.changes === 'packed' ? 'packed' : request.changes === true;
        base = null;
        return;
      }
      case 'edit':
        if (checker === null) throw new Error("'edit' before a successful 'open'");
        checker.edit(request.start, request.end, textOf(request));
        return;
      default:
        throw new TypeError(
          `unknown request type ${JSON.stringify(request && request.type)} (expected 'open', 'edit', 'rules', 'check', 'fix', 'render', 'lesson' or 'objects')`);
    }
  }

  function answerOneShot(request) {
    try {
      post({ id: request.id, ...ONE_SHOT[request.type](request) });
    } catch (e) {
      post({ id: request.id, error: message(e) });
    }
  }

  // A wasm that cannot be fetched or instantiated (a network failure, a
  // cached module of another build) is said once, so the page can check
  // elsewhere; inside a worker a rejected promise alone fires no `error`.
  init().then(
    () => {
      loaded = true;
      post({ type: 'ready', version });
      schedule();
      if (!busy()) whenIdle(busy);
    },
    (e) => post({ type: 'failed', error: message(e) }),
  );

  return (request) => {
    queue.push(request);
    schedule();
  };
}

/** The one-shot requests, each to its answer's fields. */
const ONE_SHOT = {
  rules: () => ({ rules: rules() }),
  check: (r) => ({ report: check(String(r.text ?? ''), r.options) }),
  fix: (r) => ({ fix: fix(String(r.text ?? ''), r.options, r.select) }),
  render: (r) => ({ output: render(String(r.text ?? ''), r.options, r.format) }),
  // The playground's lessons: a lesson file read, and a text's objects.
  lesson: (r) => readLesson(String(r.text ?? '')),
  objects: (r) => ({ objects: objects(String(r.text ?? '')) }),
};

/** A request's text: `text`, or a long one's UTF-8 `bytes` (a Uint8Array the page transfers, rather
 * than a string it would have to build). */
function textOf(request) {
  return request.bytes instanceof Uint8Array ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(request.bytes) : String(request.text ?? '');
}

function message(e) {
  return `${e.name || 'Error'}: ${e.message || e}`;
}
