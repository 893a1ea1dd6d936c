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
import { serve } from './serve.js';

const handle = serve((answer, transfer = []) => self.postMessage(answer, transfer));
self.onmessage = (event) => handle(event.data);
