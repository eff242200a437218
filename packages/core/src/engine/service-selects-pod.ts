import { compileSelector, type LabelMatcher } from '../model/selector.js';
import type { Labels, ServiceModel } from '../model/types.js';
import type { PodFacts } from './compile-policy.js';

/** Per selector object, weakly held (it goes with its model). */
const matchers = new WeakMap<Labels, LabelMatcher>();

/**
 * ServiceSpec.selector: "Route service traffic to pods with label keys and values matching
 * this selector." Only pods of the Service's namespace; a Service without a selector
 * (endpoints managed by hand) selects no pod.
 */
export function serviceSelectsPod(service: ServiceModel, pod: PodFacts): boolean {
  const selector = service.selector;
  if (!selector || pod.namespace !== service.namespace) return false;
  let matcher = matchers.get(selector);
  if (!matcher) {
    matcher = compileSelector({ matchLabels: selector, matchExpressions: [] });
    matchers.set(selector, matcher);
  }
  return matcher(pod.labels);
}
