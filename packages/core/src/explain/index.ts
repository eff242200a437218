/** @netpol/core/explain: which policies select a pod, and what each rule admits. */

export type { AdminPolicyExplanation, AdminRuleExplanation } from './explain-admin.js';
export { adminPoliciesOfPod, explainAdminPolicy } from './explain-admin.js';
export type { PodDirectionExplanation, PodExplanation } from './explain-pod.js';
export { explainPod } from './explain-pod.js';
export type { PolicyDirectionExplanation, PolicyExplanation, RuleExplanation } from './explain-policy.js';
export { explainPolicy } from './explain-policy.js';
export type { PodTrafficSide } from './pod-traffic.js';
export { explainPodTraffic } from './pod-traffic.js';
