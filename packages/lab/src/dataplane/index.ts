// The lab's dataplane: the nftables compiler (pure) and its applier (nft in a namespace).
export { applyCluster, applyRuleset, forgetRuleset, type UpdateResult, updateRuleset } from './apply-cluster.js';
export { compileRuleset, type DataplaneOptions, DEFAULT_TABLE } from './compile-ruleset.js';
export { NftError } from './nft-run.js';
export type { ClassState, DataplanePlan, PeerClass, PortRange, SubjectClass } from './plan.js';
export { planDataplane } from './plan.js';
export type { ServicePlan } from './services.js';
export { planServices } from './services.js';
export { domainNameSets } from './tier-plan.js';
export type { PlannedUpdate, UpdateMode } from './update.js';
export { planUpdate } from './update.js';
