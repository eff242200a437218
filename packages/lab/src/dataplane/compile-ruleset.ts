import type { ClusterModel } from '@netpol/core';
import { planDataplane } from './plan.js';
import { type RenderOptions, renderRuleset } from './render.js';

export interface DataplaneOptions {
  /** False: Service NAT only, no filtering (a CNI that ignores NetworkPolicy). */
  enforce: boolean;
  /** nftables table name in family inet; default `netpol`. */
  table?: string;
  /**
   * Where `applyCluster`/`updateRuleset` keep the class ids of what they applied (JSON), so a
   * later process can update by elements as well. Without it, only this process can.
   */
  stateFile?: string;
}

export const DEFAULT_TABLE = 'netpol';

export function renderOptions(options: DataplaneOptions): RenderOptions {
  const table = options.table ?? DEFAULT_TABLE;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(table)) throw new Error(`invalid nftables table name: ${table}`);
  return { enforce: options.enforce, table };
}

/**
 * The whole lab node ruleset for a cluster, as one nft script (pure). It deletes and recreates
 * table `inet netpol`, so `nft -f` applies it atomically. Keyed by address only: applied before
 * pods have links, it isolates each pod from its first packet.
 */
export function compileRuleset(cluster: ClusterModel, options: DataplaneOptions): string {
  return renderRuleset(planDataplane(cluster), renderOptions(options));
}
