import type { FieldPath, Issue } from '../issues.js';
import { arr, type Obj, obj, str } from '../model/read-fields.js';
import { byteLength, isDNS1123Label, isQualifiedName, isValidLabelValue } from './formats.js';
import { forbidden, goLiteral, invalid, pointAt, required, tooLong } from './messages.js';

/** A name rule of apimachinery (NameIsDNSSubdomain, ...): detail messages, empty when valid. */
export type NameRule = (name: string, prefix: boolean) => string[];

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * ValidateObjectMeta (apimachinery api/validation/objectmeta.go) for an object on creation.
 * One difference: a namespaced object may omit `metadata.namespace` (kubectl fills it from
 * the context; netpol uses the default namespace), so absence is not an error here.
 */
export function validateObjectMeta(
  meta: Obj,
  options: { namespaced: boolean; nameRule: NameRule },
  path: FieldPath = ['metadata'],
): Issue[] {
  const issues: Issue[] = [];
  const name = str(meta.name) ?? '';
  const generateName = str(meta.generateName) ?? '';
  if (generateName !== '') {
    for (const msg of options.nameRule(generateName, true))
      issues.push(invalid([...path, 'generateName'], generateName, msg));
  }
  if (name === '') {
    if (generateName === '') issues.push(required([...path, 'name'], 'name or generateName is required'));
  } else {
    for (const msg of options.nameRule(name, false)) issues.push(invalid([...path, 'name'], name, msg));
  }
  const namespace = str(meta.namespace) ?? '';
  if (options.namespaced) {
    if (namespace !== '') {
      for (const msg of isDNS1123Label(namespace)) issues.push(invalid([...path, 'namespace'], namespace, msg));
    }
  } else if (namespace !== '') {
    issues.push(forbidden([...path, 'namespace'], 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    issues.push(invalid([...path, 'generation'], meta.generation, 'must be greater than or equal to 0'));
  }
  issues.push(...validateLabels(meta.labels, [...path, 'labels']));
  issues.push(...validateAnnotations(meta.annotations, [...path, 'annotations']));
  issues.push(...validateOwnerReferences(meta.ownerReferences, [...path, 'ownerReferences']));
  arr(meta.finalizers).forEach((finalizer, i) => {
    const f = str(finalizer) ?? '';
    for (const msg of isQualifiedName(f))
      issues.push(pointAt(invalid([...path, 'finalizers'], f, msg), [...path, 'finalizers', i]));
  });
  return issues;
}

/** ValidateLabels: each key a qualified name, each value a label value; errors at the map's path. */
export function validateLabels(labels: unknown, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  const map = obj(labels);
  for (const key of Object.keys(map)) {
    const keyErrors = isQualifiedName(key);
    const v = str(map[key]) ?? '';
    const valueErrors = isValidLabelValue(v);
    if (keyErrors.length === 0 && valueErrors.length === 0) continue; // no path built for a valid label
    const at = [...path, key];
    for (const msg of keyErrors) issues.push(pointAt(invalid(path, key, msg), at));
    for (const msg of valueErrors) issues.push(pointAt(invalid(path, v, msg), at));
  }
  return issues;
}

export function validateLabelName(key: string, path: FieldPath): Issue[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(obj(annotations))) {
    for (const msg of isQualifiedName(key.toLowerCase())) issues.push(pointAt(invalid(path, key, msg), [...path, key]));
    size += byteLength(key) + byteLength(str(value) ?? '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) issues.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return issues;
}

/** ValidateOwnerReferences (paths carry no index, as upstream's do). */
function validateOwnerReferences(refs: unknown, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  let firstController = '';
  arr(refs).forEach((item, index) => {
    const ref = obj(item);
    const at = (field: string) => [...path, index, field];
    const apiVersion = str(ref.apiVersion) ?? '';
    const kind = str(ref.kind) ?? '';
    const name = str(ref.name) ?? '';
    const uid = str(ref.uid) ?? '';
    // schema.FromAPIVersionAndKind: the version is the part after the last `/` (all of it without one).
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '' || apiVersion.split('/').length > 2) {
      issues.push(pointAt(invalid([...path, 'apiVersion'], apiVersion, 'version must not be empty'), at('apiVersion')));
    }
    if (kind === '') issues.push(pointAt(invalid([...path, 'kind'], kind, 'must not be empty'), at('kind')));
    if (name === '') issues.push(pointAt(invalid([...path, 'name'], name, 'must not be empty'), at('name')));
    if (uid === '') issues.push(pointAt(invalid([...path, 'uid'], uid, 'must not be empty'), at('uid')));
    if (apiVersion === 'v1' && kind === 'Event') {
      issues.push(invalid(path, goLiteral('{...}'), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        issues.push(
          invalid(
            path,
            goLiteral('[...]'),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  });
  return issues;
}
