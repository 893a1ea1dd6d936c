// The playground's fallback when no worker can start: the engine module's
// own protocol (pkg/serve.js, as pkg/worker.js runs it) in the page. The
// engine module and its wasm are loaded only then, so the playground's own
// wasm never holds the engine.

/** Starts the engine in the page; returns the function that takes a request.
 * Answers go to `answer` as a worker's would; `{ type: 'failed', error }` if
 * the engine module cannot be loaded. */
export function startInPage(base, answer) {
  let handle = null;
  const waiting = [];
  import(new URL('pkg/serve.js', base).href).then(
    ({ serve }) => {
      handle = serve(answer);
      for (const request of waiting.splice(0)) handle(request);
    },
    (e) => answer({ type: 'failed', error: `${e.name || 'Error'}: ${e.message || e}` }),
  );
  return (request) => (handle ? handle(request) : waiting.push(request));
}
