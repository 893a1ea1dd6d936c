// The engine module's speed in Node: CPU time of `check()` on about 0.75 MB of
// tests/corpus/ (its files joined as one multi-document text, repeated), the
// lowest and the median of several rounds. CPU time rather than wall time:
// on a shared machine it moves far less with the other processes' load.
// Prints figures; asserts nothing. `cargo xtask bench` runs it on dist/pkg/;
// given directories (each holding posture.js and posture_bg.wasm, e.g. builds
// of the module with other compiler settings) it times them in turn, round
// by round, so a change in size can be weighed against a change in speed:
//   node bench-module.mjs ../../dist/pkg /tmp/other-build
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { root } from './common.mjs';

const dirs = process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, 'dist/pkg')];
const rounds = Number(process.env.ROUNDS) || 10;

const modules = [];
for (const dir of dirs) {
  // A query per directory: each import is its own module instance.
  const url = `${pathToFileURL(path.resolve(dir, 'posture.js'))}?${modules.length}`;
  const module = await import(url);
  const wasm = readFileSync(path.resolve(dir, 'posture_bg.wasm'));
  module.initSync({ module: wasm });
  modules.push({ dir, module, raw: wasm.length, gzipped: gzipSync(wasm, { level: 9 }).length, times: [] });
}

const corpus = path.join(root, 'tests/corpus');
const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml')).sort();
const once = files.map((f) => readFileSync(path.join(corpus, f), 'utf8')).join('\n---\n');
let text = once;
while (text.length < 750_000) text += `\n---\n${once}`;

let findings;
for (let round = 0; round < rounds; round++) {
  for (const m of modules) {
    const start = process.cpuUsage();
    const report = m.module.check(text);
    const used = process.cpuUsage(start);
    m.times.push((used.user + used.system) / 1000);
    findings ??= report.findings.length;
    if (report.findings.length !== findings) throw new Error(`${m.dir}: ${report.findings.length} findings, not ${findings}`);
  }
}

// Whole KB rounded down, as `cargo xtask size` prints them.
const kb = (bytes) => `${Math.floor(bytes / 1024)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`engine module, check() of ${kb(text.length)} (${findings} findings), CPU time over ${rounds} rounds:`);
for (const m of modules) {
  console.log(`  ${Math.min(...m.times).toFixed(0)} ms lowest, ${median(m.times).toFixed(0)} ms median; `
    + `wasm ${kb(m.raw)} raw, ${kb(m.gzipped)} gzipped (${path.relative(process.cwd(), path.resolve(m.dir)) || '.'})`);
}
