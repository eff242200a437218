/**
 * Every `Issue.code`, by who reports it: a leaf module (types only) so that load, validate,
 * lint and the commands can all name their codes without importing each other. Codes are
 * stable: `--disable`, annotations, SARIF and `-o json` name them.
 */

/** Reading text into objects (`load/`). */
export type LoadCode =
  | 'syntax'
  | 'not-an-object'
  | 'missing-kind'
  | 'not-a-manifest'
  | 'duplicate-object'
  | 'read-as-stream'
  | 'unknown-kind';

/** The API server's validation (`validate/messages.ts` writes their wording). */
export type ValidationCode =
  | 'field-required'
  | 'field-invalid'
  | 'field-not-supported'
  | 'field-forbidden'
  | 'field-too-long'
  | 'field-duplicate'
  | 'field-type'
  | 'field-unknown'
  | 'field-warning';

/** Building the model: what it had to drop or could not make up. */
export type ModelCode = 'pods-dropped' | 'address-range-full' | 'namespace-assumed';

/** Lint rule ids (`lint/rules/`): a finding's code is the id of the rule that reported it. */
export type LintRuleId =
  | 'egress-rules-ignored'
  | 'ingress-rules-ignored'
  | 'namespace-pod-selector-or'
  | 'dns-egress-blocked'
  | 'one-sided-allow'
  | 'selects-nothing'
  | 'peer-matches-nothing'
  | 'named-port-unresolved'
  | 'ipblock-covers-pod-range'
  | 'ipblock-service-ip'
  | 'duplicate-policy'
  | 'shadowed-rule'
  | 'service-port-not-target-port'
  | 'host-network-pod'
  | 'admin-priority-tie'
  | 'admin-rule-shadowed'
  | 'pass-to-nothing'
  | 'admin-deny-blocks-dns'
  | 'baseline-never-applies'
  | 'domain-names-unenforceable-without-dns'
  | 'domain-names-not-accept'
  | 'lint-disable-unknown-rule';

/** What the commands report about files, folders and labs (which core never touches). */
export type CommandCode = 'subfolders-skipped' | 'no-objects' | 'lab-address';

export type IssueCode = LoadCode | ValidationCode | ModelCode | LintRuleId | CommandCode;
