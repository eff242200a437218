import { hasErrors, type Issue, type Result } from './issues.js';
import { lastDefinitions } from './load/last-definitions.js';
import { loadDocuments } from './load/load-documents.js';
import { describeObject, type LoadedObject } from './load/loaded-object.js';
import { isStreamedSource } from './load/read-json-stream.js';
import type { SourceFile } from './load/source.js';
import { AddressRangeFullError } from './model/address-allocator.js';
import { type BuildOptions, buildCluster, SUPPORTED_KINDS } from './model/build-cluster.js';
import type { ClusterModel } from './model/types.js';
import { isForeignGroup, validateObject } from './validate/validate-object.js';

export interface LoadedCluster {
  /** Every supported object that was read (valid or not). */
  objects: LoadedObject[];
  /** Built from the valid objects only; of two with one kind/namespace/name, the last. */
  cluster: ClusterModel;
}

/**
 * The one pipeline every command runs: read → parse (positions kept) → validate → model.
 * Issues carry file and range; `ok` is false when any is an error. Unknown kinds are
 * skipped with an `info` issue (`unknown-kind`), never an error.
 */
export function loadCluster(sources: readonly SourceFile[], options: BuildOptions = {}): Result<LoadedCluster> {
  const issues: Issue[] = [];
  const objects: LoadedObject[] = [];
  const valid = new Set<LoadedObject>();
  for (const source of sources) {
    // A source too large for one string was read as a stream: its objects are read already.
    const loaded = isStreamedSource(source)
      ? { issues: source.streamed.issues, value: source.streamed.objects }
      : loadDocuments(source);
    issues.push(...loaded.issues);
    for (const object of loaded.value) {
      // netpol's own files (examples' expect.yaml) live beside manifests: skip them quietly.
      if (object.apiVersion.startsWith('netpol.dev/')) continue;
      // A kind of the same name from another API group (Calico's projectcalico.org/v3
      // NetworkPolicy) is another resource: skipped like any unknown kind.
      if (!SUPPORTED_KINDS.includes(object.kind) || isForeignGroup(object.kind, object.apiVersion)) {
        issues.push({
          code: 'unknown-kind',
          severity: 'info',
          path: [],
          message: `skipped ${object.apiVersion ? `${object.apiVersion} ` : ''}${object.kind}: netpol reads ${SUPPORTED_KINDS.join(', ')}`,
          file: source.name,
          range: object.locate([]),
          object: describeObject(object),
        });
        continue;
      }
      objects.push(object);
      const found = validateObject(object).map((issue) => ({
        ...issue,
        file: source.name,
        range: object.locate(issue.at ?? issue.path),
        object: describeObject(object),
      }));
      issues.push(...found);
      if (!hasErrors(found)) valid.add(object);
    }
  }
  const latest = lastDefinitions(objects, options.defaultNamespace);
  issues.push(...latest.issues);
  const usable = latest.objects.filter((object) => valid.has(object));
  let cluster: ClusterModel;
  try {
    cluster = buildCluster(usable, options);
  } catch (error) {
    if (!(error instanceof AddressRangeFullError)) throw error;
    issues.push({
      code: 'address-range-full',
      severity: 'error',
      path: [],
      message: `more pods or Services than addresses in ${error.range}; give a larger range`,
    });
    cluster = buildCluster([], options);
  }
  return { ok: !hasErrors(issues), value: { objects, cluster }, issues };
}
