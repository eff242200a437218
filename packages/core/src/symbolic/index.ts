/** @netpol/core/symbolic: every pod that could exist, in classes (policy-only analysis). */

export { checkSymbolic } from './check-symbolic.js';
export type { SymbolicDiff } from './diff-symbolic.js';
export { diffSymbolic } from './diff-symbolic.js';
export { explainSymbolicPods } from './explain-symbolic.js';
export { formatSymbolicCheck, symbolicCheckToJson } from './symbolic-check-report.js';
export type { SymbolicEndpoint } from './symbolic-endpoint.js';
export { isSymbolicEndpoint, parseSelector, parseSymbolicEndpoint } from './symbolic-endpoint.js';
export { symbolicMatrix } from './symbolic-matrix.js';
export { computeSymbolicSpace } from './symbolic-space.js';
