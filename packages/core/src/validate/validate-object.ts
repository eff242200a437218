import type { Issue } from '../issues.js';
import type { LoadedObject } from '../load/loaded-object.js';

/**
 * Validate one loaded object as the API server would, returning issues with paths relative
 * to the object (no file/range: the pipeline attaches those). Never throws on user input.
 * TODO(validation): full upstream rules live in the per-kind modules beside this file.
 */
export function validateObject(object: LoadedObject): Issue[] {
  const issues: Issue[] = [];
  const meta = object.value.metadata;
  if (meta === undefined || meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    issues.push({
      code: 'field-required',
      severity: 'error',
      path: ['metadata', 'name'],
      message: 'Required value: name or generateName is required',
    });
    return issues;
  }
  const name = (meta as Record<string, unknown>).name;
  if (typeof name !== 'string' || name === '') {
    issues.push({
      code: 'field-required',
      severity: 'error',
      path: ['metadata', 'name'],
      message: 'Required value: name or generateName is required',
    });
  }
  return issues;
}
