import type { FieldPath, Issue } from '../issues.js';
import { arr, obj, str } from '../model/read-fields.js';
import { isValidLabelValue } from './formats.js';
import { forbidden, invalid, required } from './messages.js';
import { validateLabelName, validateLabels } from './validate-meta.js';

/**
 * ValidateLabelSelector (apimachinery meta/v1/validation) with
 * AllowInvalidLabelValueInSelector=false, as the API server uses on create.
 * `selector` is already decoded (types are right); absent means nothing to check.
 */
export function validateLabelSelector(selector: unknown, path: FieldPath): Issue[] {
  if (selector === undefined || selector === null) return [];
  const sel = obj(selector);
  const issues = validateLabels(sel.matchLabels, [...path, 'matchLabels']);
  arr(sel.matchExpressions).forEach((expr, i) => {
    issues.push(...validateRequirement(obj(expr), [...path, 'matchExpressions', i]));
  });
  return issues;
}

function validateRequirement(req: Record<string, unknown>, path: FieldPath): Issue[] {
  const issues: Issue[] = [];
  const operator = str(req.operator) ?? '';
  const values = arr(req.values);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        issues.push(required([...path, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        issues.push(
          forbidden([...path, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    default:
      issues.push(invalid([...path, 'operator'], operator, 'not a valid selector operator'));
  }
  issues.push(...validateLabelName(str(req.key) ?? '', [...path, 'key']));
  values.forEach((value, i) => {
    const v = str(value) ?? '';
    for (const msg of isValidLabelValue(v)) issues.push(invalid([...path, 'values', i], v, msg));
  });
  return issues;
}
