import type { ClusterModel } from '@netpol/core';
import {
  applyCluster as applyClusterNft,
  type DataplaneOptions,
  NftError,
  type UpdateResult,
  updateRuleset as updateRulesetNft,
} from './dataplane/index.js';
import { LabError } from './exec.js';

/**
 * The dataplane the lab applies: the nftables compiler of `dataplane/`. An nft failure is
 * an expected lab failure (a kernel without nf_tables, a rule it refuses): a LabError with
 * nft's own message, not an internal error.
 */

export async function applyCluster(netns: string, cluster: ClusterModel, options: DataplaneOptions): Promise<void> {
  await asLabError(() => applyClusterNft(netns, cluster, options));
}

export function updateRuleset(
  netns: string,
  previous: ClusterModel,
  next: ClusterModel,
  options: DataplaneOptions,
): Promise<UpdateResult> {
  return asLabError(() => updateRulesetNft(netns, previous, next, options));
}

async function asLabError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof NftError)) throw error;
    throw new LabError(
      `the lab's nftables ruleset could not be applied: ${error.message}`,
      'the lab needs nftables (nf_tables in the kernel, the nft command); nft said why above',
    );
  }
}
