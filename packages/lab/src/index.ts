// dataplane: nftables compiler and applier for the lab node (packages/lab/src/dataplane).
export type {
  DataplaneOptions,
  DataplanePlan,
  PlannedUpdate,
  ServicePlan,
  UpdateMode,
  UpdateResult,
} from './dataplane/index.js';
export {
  applyCluster,
  applyRuleset,
  compileRuleset,
  DEFAULT_TABLE,
  forgetRuleset,
  NftError,
  planDataplane,
  planServices,
  planUpdate,
  updateRuleset,
} from './dataplane/index.js';
