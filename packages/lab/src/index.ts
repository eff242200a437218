export { adminTierLabLimits } from './admin-tier-limits.js';
export type { AgentReply, AgentRequest, PortRole, ServeRequest } from './agent-protocol.js';
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
export { answerAddresses, buildAnswer, buildQuery, parseQuery } from './dns-message.js';
export { dnsLookup, dnsRecords } from './dns-records.js';
export { exec, LabError } from './exec.js';
export {
  type DownReport,
  type LabChangeResult,
  type LabContext,
  type LabLog,
  type LabStatus,
  labAgentAlive,
  labChange,
  labDown,
  labStateDir,
  labStatus,
  labUp,
  requireState,
  type UpOptions,
} from './lab.js';
export {
  type AddressFix,
  type AddressProblem,
  clusterAddressErrors,
  fixAddresses,
  isLabPodAddress,
  outsideAddressesWithoutHost,
  outsideHostErrors,
} from './lab-addresses.js';
export {
  applyObjects,
  deleteObjects,
  isDnsPod,
  type LabCluster,
  labCluster,
  objectKey,
  storeObject,
} from './lab-cluster.js';
export {
  type ExecStreams,
  execInNetns,
  findLabPod,
  labPodNetns,
  missingProgram,
  PROGRAM_PACKAGES,
} from './lab-exec.js';
export { lockHolder } from './lab-lock.js';
export * from './lab-names.js';
export { listLabNetns, resolvConf } from './lab-netns.js';
export {
  type Disagreement,
  defaultProbePorts,
  labProbe,
  type ProbeEndpoint,
  type ProbePort,
  type ProbeReport,
  type ProbeResult,
  probeEndpoints,
} from './lab-probe.js';
export { describeReplicaEvent, isReplica, type ReplicaEvent, reconcileReplicas } from './lab-replicas.js';
export { type LabState, readState, type StoredObject } from './lab-state.js';
export { labCapabilityProblem, labPreflight } from './preflight.js';
