import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliSandbox } from '../test-helpers.js';

const { dir, netpol } = cliSandbox('netpol-lint-');

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

// Seed 002, example 6 (the OR trap), verbatim; `- podSelector` is line 17.
const orTrap = file(
  'or-trap.yaml',
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: loose-api-ingress
  namespace: backend-ns
spec:
  podSelector:
    matchLabels:
      app: secure-api
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          user: alice
    - podSelector:
        matchLabels:
          role: client
`,
);

// Seed 000 part 3: default-deny egress in the frontend namespace, no DNS rule. Line 15 is `- Egress`.
const denyEgress = file(
  'deny-egress.yaml',
  `apiVersion: v1
kind: Pod
metadata: {name: frontend-client, namespace: frontend}
spec:
  containers: [{name: c, image: curlimages/curl}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-default-deny-egress
  namespace: frontend
spec:
  podSelector: {}
  policyTypes:
    - Egress
`,
);

const allowDns = file(
  'allow-dns.yaml',
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-allow-dns-egress
  namespace: frontend
spec:
  podSelector: {}
  policyTypes:
    - Egress
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
`,
);

describe('netpol lint', () => {
  it('reports the OR trap at the `- podSelector` line, exit 1 (default --fail-on warning)', async () => {
    const r = await netpol('lint', '-f', orTrap, '-o', 'json');
    assert.equal(r.code, 1);
    const { findings } = JSON.parse(r.out);
    const f = findings.find((x: { rule: string }) => x.rule === 'namespace-pod-selector-or');
    assert.deepEqual(
      { rule: f.rule, severity: f.severity, object: f.object, file: f.file, line: f.line, path: f.path },
      {
        rule: 'namespace-pod-selector-or',
        severity: 'warning',
        object: 'NetworkPolicy backend-ns/loose-api-ingress',
        file: 'or-trap.yaml',
        line: 17,
        path: 'spec.ingress[0].from[1]',
      },
    );
    for (const key of ['rule', 'severity', 'object', 'file', 'line', 'message']) assert.ok(key in f, key);
  });

  it('reports default-deny egress breaking DNS (seed 000 part 3) and not once DNS is allowed', async () => {
    const broken = await netpol('lint', '-f', denyEgress, '-o', 'json');
    assert.equal(broken.code, 1);
    const rules = JSON.parse(broken.out).findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`);
    assert.deepEqual(rules, ['dns-egress-blocked:15']);
    const fixed = await netpol('lint', '-f', denyEgress, '-f', allowDns, '-o', 'json');
    assert.equal(fixed.code, 0, fixed.out);
    assert.deepEqual(
      JSON.parse(fixed.out).findings.filter((f: { severity: string }) => f.severity !== 'info'),
      [],
    );
  });

  it('--fail-on error passes warnings; --disable and the annotation silence a rule', async () => {
    assert.equal((await netpol('lint', '-f', orTrap, '--fail-on', 'error')).code, 0);
    const disabled = await netpol('lint', '-f', orTrap, '--disable', 'namespace-pod-selector-or', '-o', 'json');
    assert.equal(disabled.code, 0);
    // Only the info note that the input has no pods remains.
    assert.deepEqual(
      JSON.parse(disabled.out).findings.map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`),
      ['selects-nothing info'],
    );
    const annotated = file(
      'annotated.yaml',
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: loose
  namespace: b
  annotations:
    netpol.dev/lint-disable: "shadowed-rule, namespace-pod-selector-or"
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
    - podSelector: {matchLabels: {role: client}}
`,
    );
    const r = await netpol('lint', '-f', annotated, '-o', 'json');
    assert.deepEqual(
      JSON.parse(r.out).findings.map((f: { rule: string }) => f.rule),
      [],
    );
    assert.equal(r.code, 0);
  });

  it('text output names file:line:col, object, field, severity and rule id', async () => {
    const r = await netpol('lint', '-f', orTrap);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /^or-trap\.yaml:17:7: NetworkPolicy backend-ns\/loose-api-ingress: spec\.ingress\[0\]\.from\[1\]: warning: .* \[namespace-pod-selector-or\]$/m,
    );
    const clean = await netpol('lint', '-f', allowDns);
    assert.equal(clean.code, 0);
  });

  it('bad input and unknown rules exit 2 without a stack', async () => {
    const bad = file('bad.yaml', 'kind: NetworkPolicy\nmetadata: {name: [x\n');
    const r = await netpol('lint', '-f', bad);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.yaml:\d+:\d+/);
    const u = await netpol('lint', '-f', orTrap, '--disable', 'one-sided');
    assert.equal(u.code, 2);
    assert.match(u.err, /one-sided-allow/);
    assert.doesNotMatch(u.err + r.err, /\n\s+at /);
  });

  it('-o sarif: SARIF 2.1.0 with rules, levels and physical locations at the YAML line', async () => {
    const r = await netpol('lint', '-f', orTrap, '-f', denyEgress, '-o', 'sarif');
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    // Columns count UTF-16 code units (JS string offsets), and SARIF is told so.
    assert.equal(sarif.runs[0].columnKind, 'utf16CodeUnits');
    assert.equal(sarif.runs.length, 1);
    const { driver } = sarif.runs[0].tool;
    assert.equal(driver.name, 'netpol');
    const ids = driver.rules.map((x: { id: string }) => x.id);
    for (const id of ['one-sided-allow', 'namespace-pod-selector-or', 'dns-egress-blocked', 'egress-rules-ignored']) {
      assert.ok(ids.includes(id), id);
    }
    for (const rule of driver.rules) {
      assert.ok(rule.help.text.length > 20, rule.id);
      assert.ok(rule.shortDescription.text, rule.id);
    }
    const results = sarif.runs[0].results;
    // The 2.1.0 shape code-scanning uploads check, on every result.
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(new Set(ids).size, ids.length, 'rule ids unique');
    for (const r of results) {
      assert.ok(ids.includes(r.ruleId), r.ruleId);
      assert.equal(driver.rules[r.ruleIndex].id, r.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(r.level), r.level);
      assert.ok(typeof r.message.text === 'string' && r.message.text.length > 0);
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      assert.doesNotMatch(artifactLocation.uri, /^(\/|\.\.|[a-z]+:)/, 'relative to the working directory');
      assert.ok(Number.isInteger(region.startLine) && region.startLine >= 1);
      assert.ok(Number.isInteger(region.startColumn) && region.startColumn >= 1);
      assert.ok(region.endLine >= region.startLine);
    }
    const or = results.find((x: { ruleId: string }) => x.ruleId === 'namespace-pod-selector-or');
    assert.equal(or.level, 'warning');
    assert.equal(driver.rules[or.ruleIndex].id, 'namespace-pod-selector-or');
    assert.ok(or.message.text);
    const loc = or.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'or-trap.yaml');
    assert.equal(loc.region.startLine, 17);
    assert.equal(loc.region.startColumn, 7);
    const dns = results.find((x: { ruleId: string }) => x.ruleId === 'dns-egress-blocked');
    assert.equal(dns.locations[0].physicalLocation.artifactLocation.uri, 'deny-egress.yaml');
    assert.equal(dns.locations[0].physicalLocation.region.startLine, 15);
  });
});
