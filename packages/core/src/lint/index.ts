/** @netpol/core/lint: the lint rules and their runner. */

export { LINT_RULES } from './registry.js';
export { lintRuleByRule, runLint, SEVERITY_RANK } from './run-lint.js';
