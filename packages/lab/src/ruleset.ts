/** The dataplane the lab applies (one line to switch when the compiler changes place). */
export { applyRuleset, compileRuleset, updateRuleset } from './dataplane-fallback.js';
