// The CLI's Markdown report, rendered by a GFM renderer (markdown-it with
// autolinks, tables and strike-through, as on GitHub): text from a hostile
// manifest or file name stays plain text and the tables keep their shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { run } from './common.mjs';

const md = new MarkdownIt({ html: true, linkify: true });

// Every piece of markup GitHub would act on, each with a marker word.
const HOSTILE = 'https://evil.example/a www.evil.example ~~struck~~ @octocat <b>bold</b> **strong** [x](https://evil.example) | `tick` \\| end';
const MARKERS = ['evil', 'struck', 'octocat', 'bold', 'strong', 'tick'];

const pod = (name) => `apiVersion: v1
kind: Pod
metadata:
  name: ${JSON.stringify(name)}
  namespace: "ns\`\`with\`\`ticks"
spec:
  hostNetwork: true  # posture:ignore pss/host-namespaces reviewed at https://evil.example/b by @octocat ~~struck~~
  containers:
  - name: ${JSON.stringify(name)}
    image: nginx:1.27
    securityContext:
      privileged: true
---
kind: Pod
apiVersion: v1
metadata: {name: a}
spec: {${JSON.stringify(name)}: 1, ${JSON.stringify(name)}: 2}
`;

/** Inline text outside code spans, anywhere in the rendered document. */
function plainText(tokens) {
  return tokens.flatMap((t) => (t.children ? plainText(t.children) : t.type === 'text' ? [t.content] : []));
}

/** Cells per row of the table whose header starts with `first`. */
function table(tokens, first) {
  const rows = [];
  let inTable = false;
  let row = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'table_open') inTable = tokens[i + 3]?.type === 'th_open' && tokens[i + 4].content === first;
    if (!inTable) continue;
    if (t.type === 'tr_open') row = [];
    if (t.type === 'inline' && row) row.push(t.content);
    if (t.type === 'tr_close') rows.push(row);
    if (t.type === 'table_close') inTable = false;
  }
  return rows;
}

test('hostile names, messages, reasons and file names render as plain text', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'posture-md-'));
  try {
    const file = path.join(dir, 'evil\r~~struck~~ | www.evil.example.yaml');
    writeFileSync(file, pod(HOSTILE));
    const { code, stdout } = run(['check', file, '--select', 'pss', '--format', 'markdown']);
    assert.equal(code, 2, stdout);
    const tokens = md.parse(stdout, {});
    const html = md.render(stdout);

    for (const text of plainText(tokens)) {
      for (const marker of MARKERS) assert.ok(!text.includes(marker), `"${marker}" outside a code span in: ${text}`);
    }
    assert.ok(!/<a [^>]*evil/.test(html), html);
    assert.ok(!html.includes('<s>') && !html.includes('<del>') && !html.includes('<b>'), html);

    // Every finding is one row of five cells, the hostile text in its cells.
    const findings = table(tokens, 'Severity');
    assert.ok(findings.length >= 3, stdout);
    for (const row of findings) assert.equal(row.length, 5, JSON.stringify(row));
    assert.ok(findings.some((row) => row[3].includes('www.evil.example ~~struck') && row[2].includes('\\x0d')), JSON.stringify(findings));
    assert.ok(stdout.includes('Suppressed') && stdout.includes('reviewed at https://evil.example/b'), stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
