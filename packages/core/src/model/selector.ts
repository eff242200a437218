import type { LabelSelectorModel, Labels, SelectorOperator } from './types.js';

export type LabelMatcher = (labels: Labels) => boolean;

/**
 * One requirement of a selector: matchLabels entries are `In` with one value (apimachinery
 * turns them into the same requirement).
 */
export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: ReadonlySet<string>;
}

export function requirementsOf(selector: LabelSelectorModel): LabelRequirement[] {
  return [
    ...Object.entries(selector.matchLabels).map(
      ([key, value]): LabelRequirement => ({ key, operator: 'In', values: new Set([value]) }),
    ),
    ...selector.matchExpressions.map(
      ({ key, operator, values }): LabelRequirement => ({ key, operator, values: new Set(values) }),
    ),
  ];
}

/**
 * Whether one requirement holds for the value of its key (undefined: the key is absent).
 * NotIn is true when the key is absent (apimachinery labels.Selector semantics). The one
 * place the operators are decided: matchers and the fast matrix's set algebra both ask it.
 */
export function requirementHolds(requirement: LabelRequirement, value: string | undefined): boolean {
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && requirement.values.has(value);
    case 'NotIn':
      return value === undefined || !requirement.values.has(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** Whether two label sets hold the same keys with the same values (in any order). */
export function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** The value of a label, undefined when the key is absent (never an inherited property). */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/**
 * "A label selector is a label query over a set of resources. The result of matchLabels and
 * matchExpressions are ANDed. An empty label selector matches all objects."
 */
export function compileSelector(selector: LabelSelectorModel): LabelMatcher {
  const requirements = requirementsOf(selector);
  const [only] = requirements;
  if (only === undefined) return () => true;
  if (requirements.length === 1) return (labels) => requirementHolds(only, labelValue(labels, only.key));
  return (labels) => requirements.every((r) => requirementHolds(r, labelValue(labels, r.key)));
}

export function matchesSelector(selector: LabelSelectorModel, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

/**
 * `matchesSelector` for one question, without compiling a matcher (validation asks it once
 * per workload): a matchLabels entry is `In` with its one value, that is, equal to it.
 */
export function selectorMatches(selector: LabelSelectorModel, labels: Labels): boolean {
  const { matchLabels } = selector;
  for (const key in matchLabels) {
    if (Object.hasOwn(matchLabels, key) && labelValue(labels, key) !== matchLabels[key]) return false;
  }
  return selector.matchExpressions.every(({ key, operator, values }) =>
    requirementHolds({ key, operator, values: new Set(values) }, labelValue(labels, key)),
  );
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
