import type { LabelSelectorModel, Labels } from './types.js';

export type LabelMatcher = (labels: Labels) => boolean;

/**
 * "A label selector is a label query over a set of resources. The result of matchLabels and
 * matchExpressions are ANDed. An empty label selector matches all objects."
 */
export function compileSelector(selector: LabelSelectorModel): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    tests.push((labels) => Object.hasOwn(labels, key) && labels[key] === value);
  }
  for (const { key, operator, values } of selector.matchExpressions) {
    const set = new Set(values);
    switch (operator) {
      case 'In':
        tests.push((labels) => Object.hasOwn(labels, key) && set.has(labels[key]));
        break;
      // NotIn is true when the key is absent (apimachinery labels.Selector semantics).
      case 'NotIn':
        tests.push((labels) => !Object.hasOwn(labels, key) || !set.has(labels[key]));
        break;
      case 'Exists':
        tests.push((labels) => Object.hasOwn(labels, key));
        break;
      case 'DoesNotExist':
        tests.push((labels) => !Object.hasOwn(labels, key));
        break;
    }
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (labels) => tests.every((test) => test(labels));
}

export function matchesSelector(selector: LabelSelectorModel, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

export function isEmptySelector(selector: LabelSelectorModel): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** `app=web,tier in (a,b),!debug`, as kubectl prints selectors. */
export function formatSelector(selector: LabelSelectorModel): string {
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values } of selector.matchExpressions) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else parts.push(`!${key}`);
  }
  return parts.length === 0 ? '{}' : parts.join(',');
}
