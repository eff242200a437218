import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replaceScaleBlock, type ScaleRow, scaleGrowth, scaleMarkdown } from './bench-scale.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A measured row: `ms` CPU milliseconds for every timed column unless overridden. */
function row(pods: number, ms: number, overrides: Partial<ScaleRow> = {}): ScaleRow {
  const t = { wallMs: ms, cpuMs: ms };
  return {
    name: `generated ${pods.toLocaleString('en-US')}`,
    pods,
    workloads: pods / 5,
    namespaces: pods / 50,
    policies: pods / 5,
    inputMiB: pods / 4500,
    parseFloor: { what: 'JSON.parse', ...t },
    load: { ...t, issues: 0 },
    groupedMatrix: { ...t, groups: 1, endpoints: 1, classes: 1 },
    check: { ...t, questions: 1000, engineMs: 1 },
    explain: t,
    lint: { ...t, findings: 0 },
    diff: { ...t, opened: 0, closed: 0 },
    peakRssMiB: ms,
    loadAlone: { ...t, peakRssMiB: ms },
    loadOverParse: 1,
    ...overrides,
  };
}

const META = {
  date: '2026-12-03T13:20:00.000Z',
  node: 'v20',
  cpus: 2,
  loadBefore: [1, 2, 3],
  loadAfter: [4, 5, 6],
  scaleMs: 120000,
};

describe('scale bench tables', () => {
  it('growth exponent per column: linear 1, quadratic 2, unmeasured null', () => {
    const small = row(10000, 1000);
    const big = row(20000, 2000, {
      lint: { wallMs: 4000, cpuMs: 4000, findings: 0 },
      diff: { skipped: 'not measured' },
      loadAlone: { failed: 'exit 1' },
    });
    const [step] = scaleGrowth([small, big]).steps;
    assert.ok(step);
    assert.equal(step.from, 10000);
    assert.equal(step.to, 20000);
    assert.equal(step.load, 1);
    assert.equal(step.explain, 1);
    assert.equal(step.lint, 2);
    assert.equal(step.diff, null);
    assert.equal(step.loadAloneRss, null);
  });

  it('markdown: the machine, every row, the growth table and the targets judged at 150,000 pods', () => {
    const rows = [
      row(65000, 1000),
      row(150000, 2000, {
        loadOverParse: 12,
        loadAlone: { wallMs: 1, cpuMs: 1, peakRssMiB: 512 },
        lint: { wallMs: 8000, cpuMs: 8000, findings: 0 },
      }),
    ];
    const markdown = scaleMarkdown([...rows, { name: 'pod dump 150,000', failed: 'exit 137' }], META);
    assert.match(markdown, /load average 1\.0 2\.0 3\.0 at the start, 4\.0 5\.0 6\.0 at the end/);
    assert.match(markdown, /\| generated 150,000: 150,000 pods, 30,000 workloads, 30,000 policies \|/);
    assert.match(markdown, /\| 8\.00 s \(4\.0×\) \|/, 'lint as a multiple of the load');
    assert.match(markdown, /\| pod dump 150,000 \| failed: exit 137 \|/);
    assert.match(markdown, /\| 65,000 → 150,000 \| /);
    assert.match(markdown, /load 12× `JSON\.parse` \(target ≤ 10×: \*\*not met\*\*\)/);
    assert.match(markdown, /peak RSS of load alone 0\.50 GiB \(target < 2 GiB: met\)/);
  });

  it('the block between the markers is replaced, the rest kept; files without markers are refused', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const once = replaceScaleBlock(readme, 'TABLE ONE\n');
    assert.ok(once, 'README.md has the bench-scale block');
    assert.ok(once.includes('TABLE ONE'));
    const twice = replaceScaleBlock(once, 'TABLE TWO\n');
    assert.ok(twice && !twice.includes('TABLE ONE') && twice.includes('TABLE TWO'));
    assert.equal(replaceScaleBlock(twice, 'TABLE ONE\n'), once, 'replacing is idempotent');
    const outside = (text: string) => text.split('<!-- bench-scale:')[0];
    assert.equal(outside(once), outside(readme));
    assert.ok(replaceScaleBlock(readFileSync(join(ROOT, 'docs', 'scale.md'), 'utf8'), 'x\n'), 'docs/scale.md too');
    assert.equal(replaceScaleBlock('no markers here\n', 'x\n'), undefined);
  });
});
