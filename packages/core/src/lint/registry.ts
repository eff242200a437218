import { ADMIN_LINT_RULES } from './rules/admin-tiers.js';
import { dnsEgressBlocked } from './rules/dns-egress-blocked.js';
import { duplicatePolicy } from './rules/duplicate-policy.js';
import { hostNetworkPod } from './rules/host-network-pod.js';
import { ipblockCoversPodRange } from './rules/ipblock-covers-pod-range.js';
import { ipblockServiceIp } from './rules/ipblock-service-ip.js';
import { lintDisableUnknownRule } from './rules/lint-disable-unknown-rule.js';
import { namedPortUnresolved } from './rules/named-port-unresolved.js';
import { namespacePodSelectorOr } from './rules/namespace-pod-selector-or.js';
import { oneSidedAllow } from './rules/one-sided-allow.js';
import { peerMatchesNothing } from './rules/peer-matches-nothing.js';
import { egressRulesIgnored, ingressRulesIgnored } from './rules/rules-ignored.js';
import { selectsNothing } from './rules/selects-nothing.js';
import { servicePortNotTargetPort } from './rules/service-port-not-target-port.js';
import { shadowedRule } from './rules/shadowed-rule.js';
import type { LintRule } from './types.js';

/** Every lint rule, in the order findings of one object are listed. Ids are stable. */
export const LINT_RULES: readonly LintRule[] = [
  egressRulesIgnored,
  ingressRulesIgnored,
  namespacePodSelectorOr,
  dnsEgressBlocked,
  oneSidedAllow,
  selectsNothing,
  peerMatchesNothing,
  namedPortUnresolved,
  ipblockCoversPodRange,
  ipblockServiceIp,
  duplicatePolicy,
  shadowedRule,
  servicePortNotTargetPort,
  hostNetworkPod,
  ...ADMIN_LINT_RULES,
  lintDisableUnknownRule,
];

export function findLintRule(id: string): LintRule | undefined {
  return LINT_RULES.find((rule) => rule.id === id);
}
