import type { FieldPath } from '../../issues.js';
import { describeObject, type LoadedObject, objectMeta } from '../../load/loaded-object.js';
import { canonicalPolicy } from '../../model/canonical.js';
import { originLocation } from '../../model/origin-location.js';
import type { PolicyModel } from '../../model/types.js';
import { whereIs } from '../rule-helpers.js';
import { allSteps, StepWork } from '../rule-steps.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

/**
 * Two policies with the same namespace/name (the later apply replaces the earlier), or two
 * policies that do exactly the same thing under different names (one is redundant, or a copy
 * whose selector was meant to change).
 */
export const duplicatePolicy: LintRule = {
  id: 'duplicate-policy',
  severity: 'warning',
  summary: 'two policies have the same name, or the same selector and rules',
  help: 'A namespace/name defined twice is one object in the cluster: `kubectl apply` keeps the last one, so the first is silently lost. Two policies with the same selector and rules are redundant; when one is a copy, check whether its podSelector or rules were meant to change.',
  check: allSteps(duplicateSteps),
  steps: duplicateSteps,
};

/** The rule's work, a step at a time: policies' canonical texts in chunks (a policy's text is five units). */
function* duplicateSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const { cluster, objects } = ctx;
  const work = new StepWork(ctx.stepWork);
  // The model keeps only the last definition of a name (as kubectl apply does): the
  // loaded objects still hold every one.
  const firstByName = new Map<string, LoadedObject>();
  for (const object of objects) {
    if (object.kind !== 'NetworkPolicy') continue;
    const { name, namespace } = objectMeta(object);
    if (name === '') continue;
    const key = `${namespace ?? ''}/${name}`;
    const first = firstByName.get(key);
    if (!first) {
      firstByName.set(key, object);
      continue;
    }
    const id = describeObject(object).slice('NetworkPolicy '.length);
    report({
      object,
      path: ['metadata', 'name'],
      message: `NetworkPolicy ${id} is defined twice (first at ${whereIsObject(first, ['metadata', 'name'])}); in a cluster the later one replaces the earlier, so rename one of them or delete the copy`,
    });
  }
  const byContent = new Map<string, PolicyModel>();
  for (const policy of cluster.policies) {
    if (work.full()) yield;
    work.add(5);
    if (!policy.origin) continue;
    const object = policy.origin.object;
    const key = canonicalPolicy(policy);
    const same = byContent.get(key);
    if (same) {
      report({
        object,
        path: ['metadata', 'name'],
        message: `same podSelector and rules as ${same.id} (${whereIs(same, ['metadata', 'name'])}), so one of them changes nothing: delete one, or if this copy was meant to differ, change its podSelector or rules`,
      });
      continue;
    }
    byContent.set(key, policy);
  }
}

function whereIsObject(object: LoadedObject, path: FieldPath): string {
  const at = originLocation({ object, path: [] }, path);
  return at ? `${at.file}:${at.line}` : object.source.name;
}
