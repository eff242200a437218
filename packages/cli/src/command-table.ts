import type { CommandSpec } from './command-spec.js';
import { checkDefinition } from './commands/check-definition.js';
import { completionDefinition } from './commands/completion-definition.js';
import { diffDefinition } from './commands/diff-definition.js';
import { explainDefinition } from './commands/explain-definition.js';
import { genDefinition } from './commands/gen-definition.js';
import { labDefinition } from './commands/lab-definition.js';
import { lintDefinition } from './commands/lint-definition.js';
import { matrixDefinition } from './commands/matrix-definition.js';
import { reportDefinition } from './commands/report-definition.js';
import { serveDefinition } from './commands/serve-definition.js';
import { validateDefinition } from './commands/validate-definition.js';
import { versionDefinition } from './commands/version-definition.js';

/** Every `netpol` command, in the order `--help` lists them. Add one line per command. */
export const COMMANDS: readonly CommandSpec[] = [
  validateDefinition,
  checkDefinition,
  explainDefinition,
  matrixDefinition,
  lintDefinition,
  diffDefinition,
  serveDefinition,
  reportDefinition,
  genDefinition,
  labDefinition,
  completionDefinition,
  versionDefinition,
];
