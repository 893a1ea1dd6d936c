// The CLI's SARIF output is valid against the SARIF 2.1.0 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { root, run } from './common.mjs';

const schema = JSON.parse(readFileSync(new URL('./schemas/sarif-2.1.0.json', import.meta.url)));
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

function sarif(args, input) {
  const { stdout } = run(['check', ...args, '--format', 'sarif'], input);
  const log = JSON.parse(stdout);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  return log;
}

test('findings on real manifests', () => {
  const log = sarif(['tests/data/insecure.yaml']);
  assert.ok(log.runs[0].results.length > 5);
  assert.equal(log.runs[0].tool.driver.name, 'posture');
});

test('input errors become notifications with a location', () => {
  const log = sarif(['-'], 'a: 1\n---\nb: [\n---\nkind: Pod\n');
  const notes = log.runs[0].invocations[0].toolExecutionNotifications;
  assert.equal(notes.length, 2);
  assert.equal(notes[0].locations[0].physicalLocation.region.startLine, 3);
});

test('an empty report', () => {
  const log = sarif(['tests/data/hardened.yaml']);
  assert.deepEqual(log.runs[0].results, []);
});

// A relative path is a reference against %SRCROOT%; an absolute one is a
// file:// URI with no base (SARIF1004: a relative reference may not start
// with a slash). Both validate, and both resolve to the file checked.
test('artifact locations for relative and absolute paths', () => {
  const artifact = (log) => log.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
  const relative = artifact(sarif(['tests/data/insecure.yaml']));
  assert.deepEqual(relative, { uri: 'tests/data/insecure.yaml', uriBaseId: '%SRCROOT%' });

  const file = join(mkdtempSync(join(tmpdir(), 'posture-sarif-')), 'my deploy.yaml');
  copyFileSync(join(root, 'tests/data/insecure.yaml'), file);
  const absolute = artifact(sarif([file]));
  assert.equal(absolute.uriBaseId, undefined);
  assert.equal(absolute.uri, pathToFileURL(file).href);
});

// Fixable findings carry `fixes[]`: one fix, one artifact change on the
// result's own file, replacements as byte ranges into the file as read.
test('fixes[] validate and point into the file checked', () => {
  const bytes = readFileSync(join(root, 'tests/data/insecure.yaml'));
  const log = sarif(['tests/data/insecure.yaml']);
  const fixed = log.runs[0].results.filter((r) => r.fixes);
  assert.ok(fixed.length >= 5, `${fixed.length} results with fixes`);
  const kinds = new Set(fixed.map((r) => r.fixes[0].properties.applicability));
  assert.deepEqual([...kinds].sort(), ['needs-value', 'safe', 'unsafe']);
  for (const r of fixed) {
    assert.equal(r.fixes.length, 1);
    const [change] = r.fixes[0].artifactChanges;
    assert.deepEqual(change.artifactLocation, r.locations[0].physicalLocation.artifactLocation);
    assert.ok(change.replacements.length > 0);
    for (const { deletedRegion: d, insertedContent: c } of change.replacements) {
      assert.ok(d.byteOffset >= 0 && d.byteOffset + d.byteLength <= bytes.length, JSON.stringify(d));
      assert.equal(typeof c.text, 'string');
    }
  }
  // Read from stdin: the fixes validate too.
  assert.ok(sarif(['-'], bytes.toString('utf8')).runs[0].results.some((r) => r.fixes));
});
