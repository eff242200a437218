import { fileURLToPath } from 'node:url';

/**
 * The small programs the lab runs inside pod namespaces, shipped as real files beside `src/`
 * and `dist/` (`packages/lab/helpers/`): linted, typechecked (`// @ts-check`, in
 * tsconfig.tests.json) and compiled (`helper-programs.test.ts`) like the rest, found from
 * this module at run time whether it runs from source or from the built package. They are
 * run in place, never copied into the lab's state directory.
 */
export type HelperProgram =
  | 'serve-helper.cjs'
  | 'probe-helper.cjs'
  | 'serve-helper.py'
  | 'sctp-probe-helper.py'
  | 'icmp-errors-unlimited.py';

export function helperProgram(name: HelperProgram): string {
  return fileURLToPath(new URL(`../helpers/${name}`, import.meta.url));
}
