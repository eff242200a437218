/** @netpol/core/matrix: the fast connectivity matrix and its endpoints. */

export type { MatrixResult } from './compute-matrix.js';
export { computeMatrix } from './compute-matrix.js';
export { defaultMatrixPorts } from './default-ports.js';
export { groupByNamespace } from './group-by-namespace.js';
export type { MatrixEndpoint } from './matrix-endpoints.js';
export { cellPeers, endpointPeer, listMatrixEndpoints } from './matrix-endpoints.js';
