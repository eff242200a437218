import { disabledRulesOf, LINT_DISABLE_ANNOTATION } from '../lint-disable.js';
import type { LintRule } from '../types.js';

/** A netpol.dev/lint-disable annotation naming a rule that does not exist (a typo silences nothing). */
export const lintDisableUnknownRule: LintRule = {
  id: 'lint-disable-unknown-rule',
  severity: 'warning',
  summary: `the ${LINT_DISABLE_ANNOTATION} annotation names a rule that does not exist`,
  help: `The ${LINT_DISABLE_ANNOTATION} annotation takes rule ids separated by commas (or \`all\`); \`netpol lint --list-rules\` prints them. A misspelt id disables nothing.`,
  check({ objects, ruleIds }, report) {
    for (const object of objects) {
      const unknown = disabledRulesOf(object).filter((id) => id !== 'all' && id !== '*' && !ruleIds.includes(id));
      if (unknown.length === 0) continue;
      report({
        object,
        path: ['metadata', 'annotations', LINT_DISABLE_ANNOTATION],
        message: `${LINT_DISABLE_ANNOTATION} names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a rule' : 'are not rules'}; netpol lint --list-rules prints the rule ids`,
      });
    }
  },
};
