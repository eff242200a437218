import type { CommandSpec } from './command-spec.js';
import { checkSpec } from './commands/check.spec.js';
import { diffSpec } from './commands/diff.spec.js';
import { explainSpec } from './commands/explain.spec.js';
import { genSpec } from './commands/gen.spec.js';
import { labSpec } from './commands/lab.spec.js';
import { lintSpec } from './commands/lint.spec.js';
import { matrixSpec } from './commands/matrix.spec.js';
import { reportSpec } from './commands/report.spec.js';
import { serveSpec } from './commands/serve.spec.js';
import { validateSpec } from './commands/validate.spec.js';

/** Every `netpol` command, in the order `--help` lists them. Add one line per command. */
export const COMMANDS: readonly CommandSpec[] = [
  validateSpec,
  checkSpec,
  explainSpec,
  matrixSpec,
  lintSpec,
  diffSpec,
  serveSpec,
  reportSpec,
  genSpec,
  labSpec,
];
