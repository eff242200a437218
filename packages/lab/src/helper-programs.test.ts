import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type HelperProgram, helperProgram } from './helper-programs.js';

/**
 * The helper programs are real files (issue 12, item 8): found from the source and from the
 * built package, and compiled here (node --check, python3 -m py_compile); they are linted
 * by Biome and typechecked by `tsc -p tsconfig.tests.json` (`// @ts-check`).
 */
const PROGRAMS: HelperProgram[] = [
  'serve-helper.cjs',
  'probe-helper.cjs',
  'serve-helper.py',
  'sctp-probe-helper.py',
  'icmp-errors-unlimited.py',
];
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('lab helper programs', () => {
  for (const name of PROGRAMS) {
    it(`${name} is found from the source and compiles`, () => {
      const path = helperProgram(name);
      assert.ok(existsSync(path), path);
      if (name.endsWith('.py')) {
        if (!hasPython) return;
        const r = spawnSync('python3', [
          '-c',
          'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])',
          path,
        ]);
        assert.equal(r.status, 0, r.stderr.toString());
      } else {
        const r = spawnSync(process.execPath, ['--check', path]);
        assert.equal(r.status, 0, r.stderr.toString());
      }
    });
  }

  const built = fileURLToPath(new URL('../dist/helper-programs.js', import.meta.url));
  it('the built package finds them too', { skip: existsSync(built) ? false : 'not built' }, async () => {
    const module = (await import(built)) as { helperProgram: typeof helperProgram };
    for (const name of PROGRAMS) assert.ok(existsSync(module.helperProgram(name)), name);
  });
});
