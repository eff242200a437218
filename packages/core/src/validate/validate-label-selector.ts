import type { FieldPath, Issue } from '../issues.js';
import { arr, obj, str } from '../model/read-fields.js';
import { isQualifiedName, isValidLabelValue } from './formats.js';
import { forbidden, invalid, invalidEach, type PathStack, required } from './messages.js';
import { labelsInto } from './validate-meta.js';

/**
 * ValidateLabelSelector (apimachinery meta/v1/validation) with
 * AllowInvalidLabelValueInSelector=false, as the API server uses on create.
 * `selector` is already decoded (types are right); absent means nothing to check.
 */
export function validateLabelSelector(selector: unknown, path: FieldPath): Issue[] {
  const out: Issue[] = [];
  labelSelectorInto(selector, [...path], out);
  return out;
}

/** `validateLabelSelector` of the value at `path`, into `out` (see `PathStack`). */
export function labelSelectorInto(selector: unknown, path: PathStack, out: Issue[]): void {
  if (selector === undefined || selector === null) return;
  const sel = obj(selector);
  path.push('matchLabels');
  labelsInto(sel.matchLabels, path, out);
  path.pop();
  const expressions = sel.matchExpressions;
  if (!Array.isArray(expressions)) return;
  for (let i = 0; i < expressions.length; i++) {
    path.push('matchExpressions', i);
    requirementInto(obj(expressions[i]), path, out);
    path.length -= 2;
  }
}

/** Why `In` and `NotIn` need values (`k in ()` selects nothing, `k notin ()` everything). */
export const SET_VALUES_REQUIRED = "must be specified when `operator` is 'In' or 'NotIn'";

function requirementInto(req: Record<string, unknown>, path: FieldPath, out: Issue[]): void {
  const operator = str(req.operator) ?? '';
  const values = arr(req.values);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        out.push(required([...path, 'values'], SET_VALUES_REQUIRED));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        out.push(forbidden([...path, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      out.push(invalid([...path, 'operator'], operator, 'not a valid selector operator'));
  }
  const key = str(req.key) ?? '';
  invalidEach(out, isQualifiedName(key), key, path, 'key');
  for (let i = 0; i < values.length; i++) {
    const v = str(values[i]) ?? '';
    invalidEach(out, isValidLabelValue(v), v, path, 'values', i);
  }
}
