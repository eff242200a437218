/** Set by scripts/build-binary.mjs in the single-file executable's bundle. */
declare const NETPOL_SINGLE_EXECUTABLE: boolean | undefined;

/** True in the single-file executable (Node's SEA), which carries no separate program files. */
export function inSingleExecutable(): boolean {
  return typeof NETPOL_SINGLE_EXECUTABLE !== 'undefined' && NETPOL_SINGLE_EXECUTABLE === true;
}
