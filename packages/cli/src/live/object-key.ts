import { isStreamedSource, loadDocuments, objectMeta, type SourceFile } from '@netpol/core';

/** `Kind/namespace/name` (namespace empty for a Namespace): what a file object replaces. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${kind === 'Namespace' ? '' : (namespace ?? '')}/${name}`;
}

/**
 * The key of every object in the `-f` sources → the file it is in. Objects that name no
 * namespace are in `defaultNamespace` (the command's -n), as the model puts them.
 */
export function fileObjectKeys(sources: readonly SourceFile[], defaultNamespace: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const source of sources) {
    const objects = isStreamedSource(source) ? source.streamed.objects : loadDocuments(source).value;
    for (const object of objects) {
      const { name, namespace } = objectMeta(object);
      if (name) keys.set(objectKey(object.kind, namespace ?? defaultNamespace, name), source.name);
    }
  }
  return keys;
}
