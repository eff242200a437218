import { at } from '../at.js';
import type { MatrixResult } from '../matrix/compute-matrix.js';
import { matrixPortLabel } from '../matrix/matrix-json.js';
import type { Write } from './matrix-writer.js';

/**
 * Allowed edges between different endpoints, each with the ports it is allowed on
 * (a pod to itself is always allowed and left out; external↔external has no verdict). A
 * workload of two or more replicas gets a loop when its replicas may reach each other.
 */
export function allowedEdges(result: MatrixResult, visit: (from: number, to: number, ports: string[]) => void): void {
  const n = result.endpoints.length;
  const labels = result.ports.map(matrixPortLabel);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j && !hasReplicaPeers(result, i)) continue;
      const ports: string[] = [];
      for (let p = 0; p < labels.length; p++) if (result.allowed(i, j, p) === true) ports.push(at(labels, p));
      if (ports.length > 0) visit(i, j, ports);
    }
  }
}

function hasReplicaPeers(result: MatrixResult, i: number): boolean {
  const endpoint = at(result.endpoints, i);
  return endpoint.kind === 'workload' && endpoint.workload.pods.length > 1;
}

/** `-o dot` (Graphviz): every endpoint a node, every allowed pair an edge labelled by port. */
export function renderMatrixDot(result: MatrixResult, write: Write): void {
  const q = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  write('digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname="Helvetica"];\n');
  write(
    `  // allowed connections on ${result.ports.map(matrixPortLabel).join(', ')}; a pod to itself (always allowed) not drawn; a loop on a workload = replica to replica\n`,
  );
  for (const e of result.endpoints) write(`  ${q(e.id)}${e.kind === 'external' ? ' [shape=ellipse]' : ''};\n`);
  allowedEdges(result, (i, j, ports) => {
    write(`  ${q(at(result.endpoints, i).id)} -> ${q(at(result.endpoints, j).id)} [label=${q(ports.join(', '))}];\n`);
  });
  write('}\n');
}

/** `-o mermaid`: a flowchart, nodes `n<i>` labelled with endpoint ids. */
export function renderMatrixMermaid(result: MatrixResult, write: Write): void {
  const label = (s: string) => s.replace(/"/g, '#quot;');
  write('flowchart LR\n');
  write(
    `  %% allowed connections on ${result.ports.map(matrixPortLabel).join(', ')}; a pod to itself not drawn; a loop on a workload = replica to replica\n`,
  );
  result.endpoints.forEach((e, i) => {
    write(e.kind === 'external' ? `  n${i}(("${label(e.id)}"))\n` : `  n${i}["${label(e.id)}"]\n`);
  });
  allowedEdges(result, (i, j, ports) => {
    write(`  n${i} -->|"${label(ports.join(', '))}"| n${j}\n`);
  });
}
