import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './test-helpers.js';

/**
 * Real repositories and cluster dumps, as users have them (issue 11): a hand-trimmed
 * `kubectl get -o json` dump (containers without names, ownerReferences without uid, a
 * lowercase `containerport` on an unnamed port, a finished Job pod), policy names with
 * underscores inside a List in a List, an earlier draft of one policy in another file, and
 * Helm and kustomize files beside them. Analyzed as they are, they must give exactly the
 * verdicts of the same cluster written cleanly, with a warning or note for each imperfection.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'imperfect-input');
const CLEAN = join(FIXTURES, 'clean');
const IMPERFECT = join(FIXTURES, 'imperfect');
const PORTS = ['--port', '80', '--port', '8080', '--port', '5432', '--port', 'http', '--port', '53/UDP'];

describe('imperfect input is analyzed as it is, with the verdicts of the cleaned input', () => {
  it('matrix: the same endpoints and verdicts, every imperfection named on stderr', async () => {
    const clean = await runCli(['matrix', '-R', '-f', CLEAN, ...PORTS, '-o', 'json']);
    const imperfect = await runCli(['matrix', '-R', '-f', IMPERFECT, ...PORTS, '-o', 'json']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(imperfect.code, 0, imperfect.stderr);
    assert.deepEqual(JSON.parse(imperfect.stdout), JSON.parse(clean.stdout));
    assert.equal(clean.stderr, '');
    for (const expected of [
      /metadata\.name: warning: Invalid value: "web_to_api"/,
      /spec\.containers\[0\]\.name: warning: Required value/,
      /ports\[1\]\.containerport: warning: strict decoding error: unknown field/,
      /00-draft\.yaml:2:1: NetworkPolicy shop\/web_to_api: warning: defined again at .*policies\.yaml:12:\d+/,
      /Chart\.yaml: note: skipped a Helm chart file/,
      /values\.yaml: note: skipped a Helm chart file/,
      /kustomization\.yaml: note: skipped a kustomization: .*kubectl kustomize/,
      /note: left out 1 pod that takes no traffic: 1 finished .*: shop\/migrate-28999999-q7x2p/,
      /13 validation errors that do not change connectivity were read as warnings; --strict makes them fatal/,
    ]) {
      assert.match(imperfect.stderr, expected);
    }
  });

  it('diff from the clean to the imperfect input opens and closes nothing', async () => {
    const r = await runCli(['diff', CLEAN, IMPERFECT, '-R', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const diff = JSON.parse(r.stdout);
    assert.deepEqual([diff.opened, diff.closed], [[], []]);
    // Only the names changed (underscores), and the pods got their real addresses.
    assert.deepEqual(diff.policies.added, ['shop/api_to_db', 'shop/default_deny', 'shop/web_to_api']);
  });

  it('check gives the same verdict; a finished pod is named as such', async () => {
    for (const [from, to, port, code] of [
      ['web/frontend[Deployment]', 'shop/api[Deployment]', 'http', 0],
      ['web/frontend[Deployment]', 'shop/db', '5432', 1],
      ['shop/api[Deployment]', 'shop/db', '5432', 0],
    ] as const) {
      const clean = await runCli(['check', '-R', '-f', CLEAN, '--from', from, '--to', to, '--port', port]);
      const imperfect = await runCli(['check', '-R', '-f', IMPERFECT, '--from', from, '--to', to, '--port', port]);
      assert.deepEqual([clean.code, imperfect.code], [code, code], `${from} -> ${to}: ${imperfect.stderr}`);
    }
    const finished = await runCli([
      'check',
      '-R',
      '-f',
      IMPERFECT,
      '--from',
      'shop/migrate-28999999-q7x2p',
      '--to',
      'shop/db',
      '--port',
      '5432',
    ]);
    assert.equal(finished.code, 2);
    assert.match(
      finished.stderr,
      /--from: Pod shop\/migrate-28999999-q7x2p is in the input but is no endpoint: it finished \(status\.phase Succeeded or Failed\)/,
    );
  });

  it('--strict refuses it, as the API server would', async () => {
    const r = await runCli(['matrix', '-R', '-f', IMPERFECT, '--port', '80', '--strict']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /metadata\.name: Invalid value: "web_to_api"/);
    assert.doesNotMatch(r.stderr, /warning: Invalid value/);
  });

  it('an error in a field that decides connectivity stays fatal', async () => {
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad_name}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 80, protocol: tcp}]}]
`;
    const r = await runCli(['check', '-f', '-', '--from', '203.0.113.1', '--to', '203.0.113.2', '--port', '80'], {
      stdin: policy,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /spec\.ingress\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp"/);
    assert.match(r.stderr, /metadata\.name: warning: Invalid value: "bad_name"/);
  });
});
