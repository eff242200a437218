import type { FieldPath, Issue } from '../issues.js';
import { type Obj, obj, str } from '../model/read-fields.js';
import { byteLength, isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from './formats.js';
import { forbidden, goLiteral, invalid, invalidEach, type PathStack, pointAt, required, tooLong } from './messages.js';

/** A name rule of apimachinery (NameIsDNSSubdomain, ...): detail messages, empty when valid. */
export type NameRule = (name: string, prefix: boolean) => readonly string[];

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
}

/** The options of most namespaced kinds: a name that is a DNS-1123 subdomain. */
export const NAMESPACED_SUBDOMAIN: ObjectMetaOptions = { namespaced: true, nameRule: nameIsDNSSubdomain };

/** `validateObjectMeta` of an object's `metadata`, into `out`; `path` is the object's path stack (empty). */
export function metadataInto(meta: Obj, options: ObjectMetaOptions, path: PathStack, out: Issue[]): void {
  path.push('metadata');
  objectMetaInto(meta, options, path, out);
  path.pop();
}

/**
 * ValidateObjectMeta (apimachinery api/validation/objectmeta.go) for an object on creation.
 * One difference: a namespaced object may omit `metadata.namespace` (kubectl fills it from
 * the context; netpol uses the default namespace), so absence is not an error here.
 */
export function validateObjectMeta(meta: Obj, options: ObjectMetaOptions, path: FieldPath = ['metadata']): Issue[] {
  const out: Issue[] = [];
  objectMetaInto(meta, options, [...path], out);
  return out;
}

/** `validateObjectMeta` of the value at `path`, into `out` (see `PathStack`). */
export function objectMetaInto(meta: Obj, options: ObjectMetaOptions, path: PathStack, out: Issue[]): void {
  const name = str(meta.name) ?? '';
  const generateName = str(meta.generateName) ?? '';
  if (generateName !== '') {
    for (const msg of options.nameRule(generateName, true))
      out.push(invalid([...path, 'generateName'], generateName, msg));
  }
  if (name === '') {
    if (generateName === '') out.push(required([...path, 'name'], 'name or generateName is required'));
  } else {
    invalidEach(out, options.nameRule(name, false), name, path, 'name');
  }
  const namespace = str(meta.namespace) ?? '';
  if (options.namespaced) {
    if (namespace !== '') {
      invalidEach(out, isDNS1123Label(namespace), namespace, path, 'namespace');
    }
  } else if (namespace !== '') {
    out.push(forbidden([...path, 'namespace'], 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    out.push(invalid([...path, 'generation'], meta.generation, 'must be greater than or equal to 0'));
  }
  path.push('labels');
  labelsInto(meta.labels, path, out);
  path.pop();
  if (meta.annotations !== undefined) {
    path.push('annotations');
    annotationsInto(meta.annotations, path, out);
    path.pop();
  }
  if (meta.ownerReferences !== undefined) {
    path.push('ownerReferences');
    ownerReferencesInto(meta.ownerReferences, path, out);
    path.pop();
  }
  const finalizers = meta.finalizers;
  if (Array.isArray(finalizers)) {
    for (let i = 0; i < finalizers.length; i++) {
      const f = str(finalizers[i]) ?? '';
      for (const msg of isQualifiedName(f))
        out.push(pointAt(invalid([...path, 'finalizers'], f, msg), [...path, 'finalizers', i]));
    }
  }
}

/** ValidateLabels: each key a qualified name, each value a label value; errors at the map's path. */
export function validateLabels(labels: unknown, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  labelsInto(labels, path, out);
  return out;
}

/** `validateLabels` into `out`. */
export function labelsInto(labels: unknown, path: FieldPath, out: Issue[]): void {
  const map = obj(labels);
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    const keyErrors = isQualifiedName(key);
    const v = str(map[key]) ?? '';
    const valueErrors = isValidLabelValue(v);
    if (keyErrors.length === 0 && valueErrors.length === 0) continue; // no path built for a valid label
    const at = [...path, key];
    for (const msg of keyErrors) out.push(pointAt(invalid(path, key, msg), at));
    for (const msg of valueErrors) out.push(pointAt(invalid(path, v, msg), at));
  }
}

export function validateLabelName(key: string, path: FieldPath): Issue[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  annotationsInto(annotations, path, out);
  return out;
}

/** `validateAnnotations` into `out`. */
export function annotationsInto(annotations: unknown, path: FieldPath, out: Issue[]): void {
  let size = 0;
  const map = obj(annotations);
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    for (const msg of isQualifiedName(key.toLowerCase())) out.push(pointAt(invalid(path, key, msg), [...path, key]));
    size += byteLength(key) + byteLength(str(map[key]) ?? '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
}

/** ValidateOwnerReferences (paths carry no index, as upstream's do). */
function ownerReferencesInto(refs: unknown, path: FieldPath, out: Issue[]): void {
  if (!Array.isArray(refs)) return;
  let firstController = '';
  for (let index = 0; index < refs.length; index++) {
    const ref = obj(refs[index]);
    const at = (field: string) => [...path, index, field];
    const apiVersion = str(ref.apiVersion) ?? '';
    const kind = str(ref.kind) ?? '';
    const name = str(ref.name) ?? '';
    const uid = str(ref.uid) ?? '';
    // schema.FromAPIVersionAndKind: the version is the part after the last `/` (all of it without one).
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '' || apiVersion.split('/').length > 2) {
      out.push(pointAt(invalid([...path, 'apiVersion'], apiVersion, 'version must not be empty'), at('apiVersion')));
    }
    if (kind === '') out.push(pointAt(invalid([...path, 'kind'], kind, 'must not be empty'), at('kind')));
    if (name === '') out.push(pointAt(invalid([...path, 'name'], name, 'must not be empty'), at('name')));
    if (uid === '') out.push(pointAt(invalid([...path, 'uid'], uid, 'must not be empty'), at('uid')));
    if (apiVersion === 'v1' && kind === 'Event') {
      out.push(invalid(path, goLiteral('{...}'), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        out.push(
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
  }
}
