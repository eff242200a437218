import type { FieldPath, Range } from '../issues.js';
import type { SourceFile } from './source.js';

/**
 * One Kubernetes object as read from a source, before validation. It keeps where it came
 * from so any field path can be turned into a source range when (and only when) printing.
 */
export interface LoadedObject {
  source: SourceFile;
  /** Index of the document in a multi-document stream (0-based). */
  docIndex: number;
  /** Path of the object inside its document: `[]`, or `['items', 3]` inside a List. */
  basePath: FieldPath;
  /** `kind`, taken from the enclosing typed list (`PodList`) when the item lacks it. */
  kind: string;
  apiVersion: string;
  /** Plain JSON-like value of the object (kind/apiVersion filled in from a typed list). */
  value: Record<string, unknown>;
  /** Range of `path` (relative to the object); falls back to the nearest existing ancestor. */
  locate(path: FieldPath): Range | undefined;
}

export function objectMeta(object: LoadedObject): { name: string; namespace?: string } {
  const meta = object.value.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const { name, namespace } = meta as Record<string, unknown>;
    return {
      name: typeof name === 'string' ? name : '',
      namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined,
    };
  }
  return { name: '' };
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
]);

/** Kinds whose objects live in a namespace (everything we read except the cluster-scoped ones). */
export function isNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}

/** `NetworkPolicy default/allow-dns`, as issues and reports name an object. */
export function describeObject(object: LoadedObject): string {
  const { name, namespace } = objectMeta(object);
  if (!isNamespaced(object.kind)) return `${object.kind} ${name || '<unnamed>'}`;
  return `${object.kind} ${namespace ?? 'default'}/${name || '<unnamed>'}`;
}
