import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LINT_RULES } from '@netpol/core/lint';
import { cliSandbox } from '../test-helpers.js';
import { artifactUri } from './lint-sarif.js';

const { dir, netpol } = cliSandbox('netpol-sarif-');

describe('SARIF uris and input errors (issue 16, item 15)', () => {
  const rows: [string, string, string][] = [
    ['# and ? are encoded, / kept', 'a#b/c?d.yaml', 'a%23b/c%3Fd.yaml'],
    ['spaces and % in a segment', 'my dir/50%.yaml', 'my%20dir/50%25.yaml'],
    ['a plain path is unchanged', 'policies/web.yaml', 'policies/web.yaml'],
    ['./ is dropped', './web.yaml', 'web.yaml'],
    ['git:REV:PATH gives PATH', 'git:main:deploy/#1.yaml', 'deploy/%231.yaml'],
    ['outside cwd: a file uri, encoded', '/elsewhere/a#b.yaml', 'file:///elsewhere/a%23b.yaml'],
    ['stdin', '-', 'stdin'],
  ];
  for (const [name, given, uri] of rows) {
    it(name, () => {
      assert.equal(artifactUri(given, '/src/repo'), uri);
      // Parsed back, the uri names the file (no fragment, no query).
      const parsed = new URL(uri, 'file:///src/repo/');
      assert.equal(parsed.hash, '');
      assert.equal(parsed.search, '');
    });
  }

  it('lint -o sarif on invalid input writes the errors as results, under their code, and exits 2', async () => {
    mkdirSync(join(dir, 'x#y'), { recursive: true });
    writeFileSync(
      join(dir, 'x#y', 'bad.yaml'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  policyTypes: [Sideways]\n',
    );
    const r = await netpol('lint', '-f', 'x#y/bad.yaml', '-o', 'sarif');
    assert.equal(r.code, 2, r.err);
    const sarif = JSON.parse(r.out);
    const { results, tool } = sarif.runs[0];
    assert.ok(results.length >= 1);
    for (const result of results) {
      assert.equal(result.level, 'error');
      assert.equal(tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(!LINT_RULES.some((rule) => rule.id === result.ruleId), 'an input code, not a lint rule');
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'x%23y/bad.yaml');
      assert.equal(result.locations[0].physicalLocation.region.startLine, 6);
    }
  });

  it('lint --list-rules keeps its columns apart for the longest id', async () => {
    const r = await netpol('lint', '--list-rules');
    assert.equal(r.code, 0);
    for (const line of r.out.trim().split('\n')) assert.match(line, /^[a-z-]+ {2,}(error|warning|info) +\S/, line);
  });
});
