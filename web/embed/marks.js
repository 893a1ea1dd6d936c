// What the frame's editor underlines: each finding's and input error's span,
// from the report's UTF-8 byte offsets to the editor's UTF-16 code units.

const RANK = { error: 5, critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/**
 * Marks for a report of `text`: `{ start, end, severity, rule, finding }`
 * in UTF-16 code units (`finding` is the index in `report.findings`, absent
 * for input errors, whose rule is `error`). An empty span (an error at a
 * point) is widened to the character there so it can be seen.
 */
export function utf16Marks(text, report) {
  const spans = [
    ...report.findings.map((f, finding) => ({ span: f.span, severity: f.severity, rule: f.rule, finding })),
    ...report.errors.map((e) => ({ span: e.span, severity: 'error', rule: 'error' })),
  ];
  const at = utf16Offsets(text, spans.flatMap(({ span }) => [span.start.offset, span.end.offset]));
  return spans.map(({ span, ...rest }) => {
    const start = at.get(span.start.offset);
    const end = Math.max(at.get(span.end.offset), Math.min(start + 1, text.length));
    return { start, end, ...rest };
  });
}

/** The UTF-8 length of code point `c` (a lone surrogate counts 3, as its replacement character does). */
export const utf8Bytes = (c) => (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);

/** UTF-16 index of each UTF-8 byte offset into `text` (offsets past the end map to its length). */
function utf16Offsets(text, offsets) {
  const at = new Map();
  if (!/[^\x00-\x7f]/.test(text)) {
    for (const o of offsets) at.set(o, Math.min(o, text.length));
    return at;
  }
  let byte = 0;
  let i = 0;
  for (const target of [...new Set(offsets)].sort((a, b) => a - b)) {
    while (byte < target && i < text.length) {
      const c = text.codePointAt(i);
      byte += utf8Bytes(c);
      i += c > 0xffff ? 2 : 1;
    }
    at.set(target, i);
  }
  return at;
}

/**
 * Marks after `start..end` was replaced by `inserted` code units, so the
 * underlines stay on their text while the worker checks the edit: marks
 * past the edit move, a mark the edit touches keeps its start and covers
 * what was inserted.
 */
export function shiftMarks(marks, start, end, inserted) {
  const delta = inserted - (end - start);
  return marks.map((m) => {
    if (m.end <= start) return m;
    if (m.start >= end) return { ...m, start: m.start + delta, end: m.end + delta };
    return { ...m, start: Math.min(m.start, start), end: Math.max(start + inserted, m.end + delta) };
  });
}

/**
 * The editor's backdrop: `text` with each marked range in a `<mark>`
 * (`data-testid="highlight"`, `data-rule` of the most severe mark there).
 * Text nodes only, never markup: the text is anyone's.
 */
export function highlight(text, marks) {
  const out = document.createDocumentFragment();
  // Sweep the ranges' starts and ends; between two of them the same marks apply.
  const edges = new Set([0, text.length]);
  for (const m of marks) edges.add(m.start).add(Math.min(m.end, text.length));
  const points = [...edges].sort((a, b) => a - b);
  const starting = new Map();
  for (const m of marks) {
    if (m.end > m.start) (starting.get(m.start) ?? starting.set(m.start, []).get(m.start)).push(m);
  }
  let active = [];
  for (let p = 0; p + 1 < points.length; p++) {
    const [from, to] = [points[p], points[p + 1]];
    active = active.filter((m) => m.end > from).concat(starting.get(from) ?? []);
    const piece = text.slice(from, to);
    if (!active.length) {
      out.append(piece);
      continue;
    }
    const top = active.reduce((a, b) => (RANK[b.severity] > RANK[a.severity] ? b : a));
    const mark = document.createElement('mark');
    mark.className = `hl ${top.severity}`;
    mark.dataset.testid = 'highlight';
    mark.dataset.rule = top.rule;
    mark.textContent = piece;
    out.append(mark);
  }
  // A textarea shows a last empty line after a final line break; a <pre>
  // would not, and the heights would differ.
  out.append(' ');
  return out;
}
