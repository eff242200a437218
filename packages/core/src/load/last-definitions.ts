import { at } from '../at.js';
import type { Issue } from '../issues.js';
import { describeObject, isNamespaced, type LoadedObject, objectMeta } from './loaded-object.js';
import { positionOf } from './source.js';

/**
 * `kubectl apply -f` applies objects in order, so of two definitions of one
 * kind/namespace/name the last one is what the cluster holds. Returns the objects that win
 * (in input order), their indices in `objects`, and a warning on each replaced definition naming both places. Objects
 * without a name (invalid, or `generateName`) are each their own object.
 */
export function lastDefinitions(
  objects: readonly LoadedObject[],
  defaultNamespace = 'default',
): { objects: LoadedObject[]; indices: number[]; issues: Issue[] } {
  const lastIndex = new Map<string, number>();
  const keys = objects.map((object, index) => {
    const { name, namespace } = objectMeta(object);
    if (name === '') return undefined;
    const key = `${object.kind}/${isNamespaced(object.kind) ? (namespace ?? defaultNamespace) : ''}/${name}`;
    lastIndex.set(key, index);
    return key;
  });
  const issues: Issue[] = [];
  const winners: LoadedObject[] = [];
  const indices: number[] = [];
  objects.forEach((object, index) => {
    const key = keys[index];
    const last = key === undefined ? index : (lastIndex.get(key) ?? index);
    if (last === index) {
      winners.push(object);
      indices.push(index);
      return;
    }
    issues.push({
      code: 'duplicate-object',
      severity: 'warning',
      path: [],
      message: `defined again at ${where(at(objects, last))}: the later definition replaces this one, as kubectl apply does`,
      file: object.source.name,
      range: object.locate([]),
      object: describeObject(object),
    });
  });
  return { objects: winners, indices, issues };
}

function where(object: LoadedObject): string {
  const range = object.locate([]);
  if (!range) return object.source.name;
  const { line, col } = positionOf(object.source, range[0]);
  return `${object.source.name}:${line}:${col}`;
}
