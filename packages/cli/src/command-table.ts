import type { CommandSpec } from './command-spec.js';
import { checkSpec } from './commands/check.spec.js';
import { explainSpec } from './commands/explain.spec.js';
import { validateSpec } from './commands/validate.spec.js';
import { matrixSpec } from './commands/matrix.spec.js';
import { genSpec } from './commands/gen.spec.js';

/** Every `netpol` command, in the order `--help` lists them. Add one line per command. */
export const COMMANDS: readonly CommandSpec[] = [validateSpec, checkSpec, explainSpec, matrixSpec, genSpec];
