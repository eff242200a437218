import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Io } from '../io.js';
import { run } from '../run.js';

const examples = resolve(fileURLToPath(import.meta.url), '../../../../../examples');

/** The files of an example up to and including `stage` (stages apply cumulatively). */
function stageFiles(example: string, stage: string): string[] {
  const expect = parse(readFileSync(join(examples, example, 'expect.yaml'), 'utf8')) as {
    stages: { name: string; apply?: string[]; delete?: string[] }[];
  };
  const files: string[] = [];
  for (const s of expect.stages) {
    for (const f of s.apply ?? []) if (!files.includes(f)) files.push(f);
    for (const f of s.delete ?? []) files.splice(files.indexOf(f), 1);
    if (s.name === stage) return files;
  }
  throw new Error(`${example}: no stage ${stage}`);
}

async function lintStage(example: string, stage: string): Promise<string[]> {
  let out = '';
  const io: Io = {
    stdout: {
      write: (s: string) => {
        out += s;
      },
    },
    stderr: { write: () => {} },
    readStdin: async () => '',
    cwd: join(examples, example),
    env: { NO_COLOR: '1' },
  };
  const files = stageFiles(example, stage);
  const code = await run(['lint', ...files.flatMap((f) => ['-f', f]), '-o', 'json'], io);
  const findings = (JSON.parse(out).findings as { rule: string; severity: string; file: string }[])
    .filter((f) => f.severity !== 'info')
    .map((f) => `${f.rule} ${f.file}`);
  assert.equal(code, findings.length > 0 ? 1 : 0);
  return findings.sort();
}

/** The seeds' traps, stage by stage, as the tutorials walk into them and out again. */
const cases: { example: string; stage: string; expect: string[] }[] = [
  { example: '003-default-deny-dns', stage: 'open-by-default', expect: [] },
  { example: '003-default-deny-dns', stage: 'default-deny-all', expect: ['dns-egress-blocked default-deny-all.yaml'] },
  { example: '003-default-deny-dns', stage: 'allow-dns', expect: [] },
  // The tutorial's ingress rule for the api, while default-deny-all still blocks the frontend's egress.
  { example: '003-default-deny-dns', stage: 'api-allow-frontend', expect: ['one-sided-allow api-allow-frontend.yaml'] },
  { example: '003-default-deny-dns', stage: 'frontend-allow-api-egress', expect: [] },
  { example: '000-part3-egress-dns', stage: 'before-egress-policy', expect: [] },
  {
    example: '000-part3-egress-dns',
    stage: 'frontend-default-deny-egress',
    expect: ['dns-egress-blocked frontend-default-deny-egress.yaml', 'one-sided-allow backend-ingress-policies.yaml'],
  },
  {
    example: '000-part3-egress-dns',
    stage: 'frontend-allow-dns-egress',
    expect: ['one-sided-allow backend-ingress-policies.yaml'],
  },
  { example: '000-part3-egress-dns', stage: 'frontend-allow-backend-egress', expect: [] },
  {
    example: '002-ex6-or-selector-trap',
    stage: 'loose-api-ingress',
    expect: ['namespace-pod-selector-or loose-api-ingress.yaml'],
  },
  // Seed 001 applies the same ingress policy under a second name.
  { example: '001-frontend-backend', stage: 'allow-frontend-to-backend', expect: [] },
  {
    example: '001-frontend-backend',
    stage: 'frontend-egress-to-backend',
    expect: ['duplicate-policy allow-frontend-to-backend-ingress.yaml'],
  },
  {
    example: '002-ex1-default-deny-all',
    stage: 'default-deny-all',
    expect: ['dns-egress-blocked default-deny-all.yaml'],
  },
  { example: '002-ex2-allow-dns', stage: 'allow-dns-egress', expect: [] },
  {
    example: '002-ex7-ipblock-except',
    stage: 'external-db-egress',
    expect: ['dns-egress-blocked external-db-egress.yaml'],
  },
  {
    example: '002-ex8-egress-port-range',
    stage: 'multiport-egress',
    expect: ['dns-egress-blocked multiport-egress.yaml'],
  },
  // The clean ones stay clean (no false positives).
  { example: '000-part1-pod-label-ingress', stage: 'allow-client-to-backend', expect: [] },
  { example: '000-part2-namespace-ingress', stage: 'allow-frontend-namespace', expect: [] },
  { example: '002-ex3-pod-ingress', stage: 'db-ingress-policy', expect: [] },
  { example: '002-ex4-namespace-ingress', stage: 'api-allow-namespace', expect: [] },
  { example: '002-ex5-and-selector', stage: 'strict-api-ingress', expect: [] },
  { example: '004-mysql-db-test', stage: 'default-deny-ingress', expect: [] },
];

describe('lint on the seed labs, stage by stage', () => {
  for (const c of cases) {
    it(`${c.example} @ ${c.stage}`, async () => {
      assert.deepEqual(await lintStage(c.example, c.stage), c.expect);
    });
  }
});
