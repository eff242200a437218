import assert from 'node:assert/strict';
import { at } from '../at.js';
import type { Issue } from '../issues.js';
import { loadCluster } from '../load-cluster.js';
import type { ClusterModel } from '../model/types.js';
import type { JsonStreamReader, StreamedSource } from './read-json-stream.js';
import { positionOf, type SourceFile } from './source.js';

const encoder = new TextEncoder();

/** `text` pushed through a stream reader in chunks of the given sizes (cycled), as a file or a pipe delivers it. */
export function streamThrough(
  reader: JsonStreamReader,
  text: string,
  sizes: readonly number[] = [65536],
): StreamedSource {
  const bytes = encoder.encode(text);
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = Math.max(1, at(sizes, k % sizes.length));
    reader.push(bytes.subarray(i, i + size));
    i += size;
  }
  return reader.end();
}

/** What the engine sees of a cluster (origins and compiled matchers aside). */
export function clusterShape(cluster: ClusterModel) {
  return {
    namespaces: [...cluster.namespaces.values()].map((n) => [n.name, n.labels]),
    pods: cluster.pods.map((p) => [p.id, p.labels, p.ips, p.ports, p.workload?.id, p.hostNetwork]),
    workloads: cluster.workloads.map((w) => [w.id, w.pods.length]),
    services: cluster.services.map((s) => JSON.stringify(s, (k, v) => (k === 'origin' ? undefined : v))),
    policies: cluster.policies.map((p) =>
      JSON.stringify(p, (k, v) => (k === 'origin' || typeof v === 'function' ? undefined : v)),
    ),
  };
}

/** Issues as printed: code, severity, object, path and line:col. */
export function printedIssues(issues: readonly Issue[], source: SourceFile) {
  return issues
    .filter((i) => i.code !== 'read-as-stream')
    .map((i) => {
      const at = i.range ? positionOf(source, i.range[0]) : undefined;
      return `${at ? `${at.line}:${at.col}` : '-'} ${i.severity} ${i.code} ${i.object ?? ''} ${i.path.join('.')}`;
    });
}

/** The streamed read loads the same cluster as the whole text, with the same issues at the same places. */
export function assertStreamedAsText(text: string, name: string, streamed: StreamedSource) {
  const whole: SourceFile = { name, text };
  const a = loadCluster([whole]);
  const b = loadCluster([streamed]);
  assert.deepEqual(printedIssues(b.issues, streamed), printedIssues(a.issues, whole));
  assert.equal(b.ok, a.ok);
  assert.deepEqual(clusterShape(b.value.cluster), clusterShape(a.value.cluster));
  assert.deepEqual(
    b.value.objects.map((o) => [o.kind, o.basePath, o.docIndex]),
    a.value.objects.map((o) => [o.kind, o.basePath, o.docIndex]),
  );
  return { whole: a, streamed: b, source: streamed };
}
