// The embed's frame (embed.html): a compact checker on the engine's worker
// (dist/pkg/worker.js). The page a frame sits in learns what happens through
// postMessage, addressed to that page's origin only (README, "Embedding and
// the JavaScript API", for the URL format and the messages).
import { fragment, fragmentPairs, unpack } from './share-link.js';
import { highlight, shiftMarks, utf16Marks, utf8Bytes } from './marks.js';

/** Most text an embed holds, in bytes (the engine reads up to 32 MB; an embed is for a docs page's YAML). */
const MAX_TEXT = 8 * 1024 * 1024;
/** Longest "Open in playground" link: the playground's Share button stops there too. */
const MAX_LINK = 1024 * 1024;
/** Most text the playground's editor takes (README, "Size ceilings"), in bytes. */
const MAX_PLAYGROUND = 2 * 1024 * 1024;
/** Findings listed; the rest are counted, and the playground shows them all. */
const LISTED = 100;
/**
 * Most text the editor lays out, in bytes. A browser takes seconds to lay out
 * megabytes in a textarea (and again in the highlights), so a longer text
 * is checked whole but shown read-only, its first lines only, and says so.
 */
const SHOWN = 256 * 1024;
const INDENT = '  ';

/**
 * How many UTF-16 code units of `s` fit in `limit` UTF-8 bytes (the
 * limits are the engine's and the playground's, which count bytes), never
 * half a surrogate pair; `s.length` when all of it does.
 */
function fitting(s, limit) {
  if (s.length * 3 <= limit) return s.length; // a code unit is at most 3 bytes
  let bytes = 0;
  for (let i = 0; i < s.length; ) {
    const c = s.codePointAt(i);
    bytes += utf8Bytes(c);
    if (bytes > limit) return i;
    i += c > 0xffff ? 2 : 1;
  }
  return s.length;
}

const query = new URLSearchParams(location.search);
const names = (key) => (query.get(key) || '').split(',').map((s) => s.trim()).filter(Boolean);
const hash = fragmentPairs(location.hash);
const settings = {
  level: query.get('level') || hash.get('level') || 'restricted',
  select: names('select'),
  ignore: [...names('ignore'), ...(hash.get('off') || '').split(',').filter(Boolean)],
  registries: names('registries'),
  // Present (empty) or =1; =0 and =false leave it editable.
  readonly: query.has('readonly') && !['0', 'false'].includes(query.get('readonly')),
  title: query.get('title') || 'Kubernetes YAML checked by Posture',
};

const root = document.documentElement;
root.dataset.theme = ['light', 'dark'].includes(query.get('theme')) ? query.get('theme') : 'auto';
root.dataset.findings = ['below', 'side'].includes(query.get('findings')) ? query.get('findings') : 'auto';
document.title = settings.title;

const main = document.querySelector('main');
const editor = document.querySelector('[data-testid=editor]');
const backdrop = document.querySelector('.backdrop');
const summary = document.querySelector('.summary');
const list = document.querySelector('.findings');
const more = document.querySelector('.more');
const notice = document.querySelector('[data-testid=notice]');
const open = document.querySelector('[data-testid=open-playground]');
editor.setAttribute('aria-label', settings.title);
editor.readOnly = settings.readonly;

// --- The page around the frame ---------------------------------------------

/**
 * The embedding page's origin, the only one messages go to: the browser's
 * own record where it keeps one (Chromium, Safari), else what embed.js put
 * in the query, else the referrer. Posting to a named origin is checked by
 * the browser: a page at any other origin receives nothing. An opaque
 * origin (a sandboxed page, or one that sends no referrer) is recorded as
 * "null", which is no address to post to.
 */
const parentOrigin = (() => {
  if (window.parent === window) return null;
  for (const claimed of [location.ancestorOrigins?.[0], query.get('origin'), document.referrer]) {
    try {
      const origin = new URL(claimed).origin;
      if (origin !== 'null') return origin;
    } catch { /* not a URL: try the next */ }
  }
  return null;
})();

function tell(message) {
  if (!parentOrigin) return;
  try {
    window.parent.postMessage({ type: 'posture-embed', ...message }, parentOrigin);
  } catch {
    // An origin the browser will not post to: the page hears nothing, the frame still works.
  }
}

let height = 0;
new ResizeObserver(() => {
  const now = Math.ceil(main.getBoundingClientRect().height);
  if (now !== height) tell({ kind: 'height', height: (height = now) });
}).observe(main);

/** Content too long for an address comes from embed.js by message (query `content=message`). */
function contentFromParent() {
  return new Promise((resolve, reject) => {
    addEventListener('message', function take(e) {
      if (e.source !== window.parent || e.origin !== parentOrigin) return;
      if (e.data?.type !== 'posture-embed' || e.data.kind !== 'content' || typeof e.data.text !== 'string') return;
      removeEventListener('message', take);
      if (fitting(e.data.text, MAX_TEXT) < e.data.text.length) reject(new Error(`the content is longer than ${MAX_TEXT / 1048576} MB, more than an embed holds`));
      else resolve(e.data.text);
    });
    if (!parentOrigin) reject(new Error('the page around this frame is unknown, so it cannot send the content'));
    tell({ kind: 'want-content' });
  });
}

// --- Checks, in the engine's worker ------------------------------------------

const worker = new Worker(new URL('pkg/worker.js', import.meta.url), { type: 'module' });
/** Id of the newest request: only its answer describes the text in the editor. */
let newest = 0;
/** After an error the worker holds no text to edit: the next change is sent whole. */
let reopen = false;
/** What is drawn: findings' and errors' ranges in UTF-16 code units of the editor's text. */
let marks = [];
let checks = 0;

/** Why the worker is gone (it did not start, or stopped): no request is answered after that. */
let dead = null;

function request(message) {
  if (dead) {
    fail(dead);
    return;
  }
  worker.postMessage({ id: ++newest, ...message });
  setState('checking');
}

worker.onmessage = ({ data }) => {
  if ('error' in data) {
    // The worker dropped its text at the error, so the requests sent since
    // fail too: send the whole text again now. If the failed request was
    // the newest, say so, and the next change sends the whole text.
    if (data.id === newest) {
      reopen = true;
      fail(String(data.error));
    } else {
      request({ type: 'open', text, options: options() });
    }
  } else if (data.id === newest) {
    show(data.report);
  }
};
worker.onerror = (e) => {
  e.preventDefault();
  dead = `the checker did not start (${e.message || 'pkg/worker.js could not be loaded'})`;
  fail(dead);
};

function options() {
  const o = { pssLevel: settings.level };
  if (settings.select.length) o.select = settings.select;
  if (settings.ignore.length) o.ignore = settings.ignore;
  if (settings.registries.length) o.allowedRegistries = settings.registries;
  return o;
}

function setState(state) {
  root.dataset.state = state;
  if (state === 'checking') tell({ kind: 'state', state });
}

function fail(message) {
  setState('error');
  summary.textContent = `Not checked: ${message}.`;
  tell({ kind: 'state', state: 'error', error: message });
}

// --- The editor --------------------------------------------------------------

/** The text the worker holds: every edit is sent as the range it replaced. */
let text = '';

/** The part of the text in the editor: all of it, or its lines up to SHOWN characters. */
let shown = '';

function draw() {
  backdrop.replaceChildren(highlight(shown, marks.filter((m) => m.start < shown.length)));
}

const isHigh = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The one edit that turns `old` into `next`: the range start..end of `old`
 * and what replaces it, never splitting a surrogate pair (two emoji that
 * share their first unit differ in their second; the worker refuses half a
 * character). As `difference()` in src/playground/text.rs.
 */
function difference(old, next) {
  let start = 0;
  const shortest = Math.min(old.length, next.length);
  while (start < shortest && old.charCodeAt(start) === next.charCodeAt(start)) start++;
  if (start > 0 && isHigh(old.charCodeAt(start - 1))) start--;
  let tail = 0;
  while (tail < shortest - start && old.charCodeAt(old.length - 1 - tail) === next.charCodeAt(next.length - 1 - tail)) tail++;
  // The common tail is the same in both: a low surrogate at its start is half of a pair in both.
  if (tail > 0 && isLow(old.charCodeAt(old.length - tail))) tail--;
  return { start, end: old.length - tail, inserted: next.slice(start, next.length - tail) };
}

editor.addEventListener('input', () => {
  const next = editor.value;
  const { start, end, inserted } = difference(text, next);
  text = shown = next;
  marks = shiftMarks(marks, start, end, inserted.length);
  draw();
  if (reopen) {
    reopen = false;
    request({ type: 'open', text, options: options() });
  } else {
    request({ type: 'edit', start, end, text: inserted });
  }
});

// Tab indents until Escape hands Tab back to focus navigation, as in the
// playground's editor; focusing the editor again restores it.
let tabIndents = true;
editor.addEventListener('focus', () => { tabIndents = true; });
editor.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') tabIndents = false;
  else if (e.key === 'Tab' && tabIndents && !editor.readOnly && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    indent();
  }
});

/**
 * Tab: the selection replaced by INDENT, or, when it spans lines, each of
 * its lines indented (and still selected). Through the browser's own
 * insertion, so Undo takes it back and `input` fires.
 */
function indent() {
  const { value, selectionStart: start, selectionEnd: end } = editor;
  const lines = value.slice(start, end).includes('\n');
  const from = lines ? value.lastIndexOf('\n', start - 1) + 1 : start;
  // A selection ending at the start of a line leaves that line alone.
  const insert = lines ? value.slice(from, end).replace(/^(?=[^\n])/gm, INDENT) : INDENT;
  editor.setSelectionRange(from, end);
  if (!document.execCommand('insertText', false, insert)) {
    editor.setRangeText(insert, from, end, 'end');
    // setRangeText fires no `input`.
    editor.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: insert }));
  }
  if (lines) editor.setSelectionRange(from, from + insert.length);
}

// --- Findings ----------------------------------------------------------------

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

function show(report) {
  checks += 1;
  marks = utf16Marks(text, report);
  draw();
  const counts = SEVERITIES.filter((s) => report.summary.bySeverity[s]).map((s) => `${report.summary.bySeverity[s]} ${s}`);
  const n = report.findings.length;
  const errors = report.errors.length ? `; ${report.errors.length} input error${report.errors.length > 1 ? 's' : ''}` : '';
  summary.textContent = n ? `${n} finding${n > 1 ? 's' : ''}: ${counts.join(', ')}${errors}` : `No findings${errors}`;
  summary.dataset.checkNumber = checks;
  // A keyboard user among the findings (a check answered after they went
  // there) stays at the same place in the list drawn again.
  const was = [...list.querySelectorAll('summary')].findIndex((head) => head.closest('li').contains(document.activeElement));
  list.replaceChildren(
    ...report.errors.map(inputError),
    ...worstFirst(report.findings).slice(0, LISTED).map((i) => findingItem(report.findings[i], i)),
  );
  const heads = [...list.querySelectorAll('summary')];
  const at = Math.max(0, Math.min(was, heads.length - 1));
  roving(heads, at);
  if (was >= 0) heads[at]?.focus();
  more.textContent = n > LISTED ? `${n - LISTED} more findings: open in the playground to see them all.` : '';
  setState('done');
  tell({ kind: 'report', report });
  updateLink();
}

/** Indexes of the findings, the most severe first, then in the order of the text. */
function worstFirst(findings) {
  const rank = (f) => SEVERITIES.indexOf(f.severity);
  return findings.map((_, i) => i).sort((a, b) => rank(findings[a]) - rank(findings[b])
    || findings[a].span.start.offset - findings[b].span.start.offset);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * One finding, folded to its severity and message so that an embed stays
 * compact; unfolded, its rule, line, remediation and snippet.
 */
function findingItem(f, index) {
  const item = el('li', `finding ${f.severity}`);
  Object.assign(item.dataset, { testid: 'finding', rule: f.rule, severity: f.severity, line: f.span.start.line });
  const fold = el('details');
  const head = el('summary', 'head');
  head.append(el('span', `severity ${f.severity}`, f.severity), ' ', el('span', 'message', f.message));
  const where = el('p', 'where');
  const line = el('button', 'line', `line ${f.span.start.line}`);
  line.type = 'button';
  line.title = 'Select it in the editor';
  // Selects what the finding points at, moved with any edit since.
  line.addEventListener('click', () => {
    const mark = marks.find((m) => m.finding === index);
    editor.focus();
    if (mark) editor.setSelectionRange(mark.start, mark.end);
  });
  where.append(line, ' · ', el('code', '', f.rule));
  fold.append(head, where, el('p', 'remediation', f.remediation.text));
  if (f.remediation.snippet) fold.append(snippet(f.remediation.snippet));
  item.append(fold);
  return item;
}

function inputError(e) {
  const item = el('li', 'finding error');
  Object.assign(item.dataset, { testid: 'input-error', line: e.span.start.line });
  const head = el('p', 'head');
  head.append(el('span', 'severity error', 'error'), ' ', el('span', 'message', e.message));
  item.append(head, el('p', 'where', `line ${e.span.start.line}`));
  return item;
}

function snippet(code) {
  const box = el('div', 'snippet');
  const pre = el('pre', '', code);
  const copy = el('button', 'copy', 'Copy');
  copy.type = 'button';
  copy.setAttribute('aria-label', 'Copy the fix');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code);
      copy.textContent = 'Copied';
    } catch {
      // No clipboard access (the page may not allow it): select the
      // snippet so the keyboard's copy works.
      getSelection().selectAllChildren(pre);
      copy.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
  });
  box.append(pre, copy);
  return box;
}

// The findings are one tab stop: the arrow keys, Home and End move between
// them, so a page of embeds is quick to pass through with Tab.
list.addEventListener('keydown', (e) => {
  const heads = [...list.querySelectorAll('summary')];
  const at = heads.indexOf(document.activeElement);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: heads.length - 1 }[e.key];
  if (at < 0 || to === undefined || !heads[to]) return;
  e.preventDefault();
  roving(heads, to);
  heads[to].focus();
});

function roving(heads, current) {
  heads.forEach((h, i) => { h.tabIndex = i === current ? 0 : -1; });
}

// --- Open in playground --------------------------------------------------------

/** Families the playground turns off: those `ignore` names, and those `select` leaves out. */
let familiesOff = null;
async function offFamilies() {
  if (familiesOff) return familiesOff;
  const family = (name) => name.replace(/\/$/, '');
  const off = new Set(settings.ignore.filter((n) => !family(n).includes('/')).map(family));
  if (settings.select.length) {
    // Only the engine knows every family; asked once, on this thread.
    const engine = await import('./pkg/playground-engine.js'); // the worker's build: its wasm is cached
    await engine.default();
    const familyOf = (id) => id.split('/')[0];
    const on = new Set(engine.rules().filter((r) => settings.select.some((s) => family(s) === familyOf(r.id) || s === r.id))
      .map((r) => familyOf(r.id)));
    for (const rule of engine.rules()) if (!on.has(familyOf(rule.id))) off.add(familyOf(rule.id));
  }
  return (familiesOff = [...off]);
}

let linkVersion = 0;
async function updateLink() {
  const version = ++linkVersion;
  try {
    const shared = fitting(text, MAX_PLAYGROUND) < text.length ? null : await fragment({ level: settings.level, off: await offFamilies(), text });
    if (version !== linkVersion) return;
    if (!shared || shared.length > MAX_LINK) {
      open.removeAttribute('href');
      open.textContent = 'Too large to open in the playground by link';
    } else {
      open.href = new URL(`index.html#${shared}`, location.href).href;
      open.textContent = 'Open in playground';
    }
  } catch {
    // Without the family list the link would not match: leave it out.
    if (version === linkVersion) open.removeAttribute('href');
  }
}

// --- Start -----------------------------------------------------------------------

(async () => {
  try {
    const initial = hash.has('yaml')
      ? await unpack(hash.get('yaml'), MAX_TEXT)
      : query.get('content') === 'message' ? await contentFromParent() : '';
    // As a textarea does with what is typed: the offsets the worker gets
    // are the editor's.
    text = initial.replace(/\r\n?/g, '\n');
  } catch (e) {
    fail(`its content could not be read: ${e.message}`);
    return;
  }
  shown = text;
  const cut = fitting(text, SHOWN);
  if (cut < text.length) {
    // Whole lines; a first line longer than that, clipped.
    shown = text.slice(0, text.lastIndexOf('\n', cut - 1) + 1) || text.slice(0, cut);
    editor.readOnly = true;
    const lines = (s) => (s.match(/\n/g)?.length ?? 0).toLocaleString('en');
    const part = shown.endsWith('\n') ? `the first ${lines(shown)} of ${lines(text)} lines`
      : `the first ${shown.length.toLocaleString('en')} characters of its first line`;
    notice.textContent = `Showing ${part}, read-only; the findings are for the whole text.`;
  }
  editor.value = shown;
  draw();
  request({ type: 'open', text, options: options() });
})();
