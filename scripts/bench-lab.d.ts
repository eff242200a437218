import { type ClusterModel } from '@netpol/core';
/**
 * The 10,000-pod cluster: the `gen` generator of packages/core when it is there, else a
 * synthetic one of the same shape (50 namespaces × 10 Deployments × 20 replicas, a Service per
 * Deployment, 20 policies per namespace: default deny, chains of allowed callers by app and
 * named port, namespaceSelector and ipBlock/except peers, egress with endPort ranges).
 */
export declare function bigCluster(policies: number): Promise<{
    cluster: ClusterModel;
    source: string;
}>;
export declare function benchLab(): Promise<object>;
