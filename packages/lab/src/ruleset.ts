/** The dataplane the lab applies: the nftables compiler of `dataplane/`. */
export { applyCluster, applyRuleset, compileRuleset, updateRuleset } from './dataplane/index.js';
