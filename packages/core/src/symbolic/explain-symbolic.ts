import { at } from '../at.js';
import { adminPoliciesOfPod } from '../explain/explain-admin.js';
import { explainPod, type PodDirectionExplanation, type PodExplanation } from '../explain/explain-pod.js';
import { explainRule } from '../explain/explain-policy.js';
import type { AdminPolicyModel } from '../model/admin-types.js';
import type { ClusterModel } from '../model/types.js';
import { endpointClasses, originalPolicies } from './endpoint-classes.js';
import type { SymbolicEndpoint } from './symbolic-endpoint.js';
import { computeSymbolicSpace } from './symbolic-space.js';

/** Pods of an endpoint that every policy treats alike, explained once. */
export interface SymbolicPodGroup {
  /** The group's classes in SPEC syntax: `prod/{app=web,tier=db}` (several joined by ` | `). */
  pods: string;
  /** Each class of the group, in SPEC syntax (each one an endpoint `check` takes). */
  classes: string[];
  /**
   * `explain --pod` of one pod of the group (its `pod` is that witness, made up: name, address
   * and port numbers mean nothing to people): the input's policies (never a namespace
   * variant's copy), each rule's `pods` among the input's pods, as `explain --policy` lists them.
   */
  explanation: PodExplanation;
  /** The admin tier policies selecting these pods, in the order they are consulted. */
  adminPolicies: AdminPolicyModel[];
}

export interface SymbolicPodExplanation {
  groups: SymbolicPodGroup[];
  /** Where the analysis is coarser than exact (the symbolic space's notes). */
  notes: string[];
}

/**
 * `explain --pod 'prod/{app=web}'` (SPEC "Symbolic endpoints"): every pod that could exist
 * and match the endpoint, in groups that the same policies select per direction (so the same
 * rules admit their traffic), each explained as `explain --pod` explains one pod. The classes
 * come from the policies' atoms and the endpoint's own selectors (each class lies wholly
 * inside or outside the endpoint); a class is explained on its witness. Not ok when the
 * endpoint can match no pod at all (its selectors contradict each other).
 */
export function explainSymbolicPods(
  cluster: ClusterModel,
  endpoint: Extract<SymbolicEndpoint, { kind: 'pods' }>,
): { ok: true; value: SymbolicPodExplanation } | { ok: false } {
  const space = computeSymbolicSpace([cluster], {
    atoms: { pods: [endpoint.atom], ipBlocks: endpoint.address ? [endpoint.address] : [] },
  });
  const classes = endpointClasses(space, endpoint).sort((a, b) =>
    at(space.classes, a).id < at(space.classes, b).id ? -1 : 1,
  );
  if (classes.length === 0) return { ok: false };
  const witnesses = space.witnessCluster(cluster);
  const original = originalPolicies(cluster);
  const groups = new Map<string, { classes: number[]; explanation: PodExplanation; admin: AdminPolicyModel[] }>();
  for (const c of classes) {
    const { pod } = at(space.witnesses, at(space.classes, c).witness);
    const witnessed = explainPod(witnesses, pod);
    const side = (d: PodDirectionExplanation): PodDirectionExplanation => {
      const selectedBy = d.selectedBy.map(original);
      return {
        ...d,
        selectedBy,
        selectedWithout: d.selectedWithout.map(original),
        // The rules in the input's words and pods. A named port stays a name: a possible pod
        // may give it any number (the witness's is made up).
        rules: selectedBy.flatMap((policy) =>
          (d.direction === 'ingress' ? policy.ingress : policy.egress).map((rule) => ({
            policy,
            ...explainRule(cluster, policy, rule),
          })),
        ),
      };
    };
    const explanation = { pod, ingress: side(witnessed.ingress), egress: side(witnessed.egress) };
    const admin = adminPoliciesOfPod(witnesses, pod);
    // The same policies per direction: the same rules, so the same explanation.
    const key = JSON.stringify([
      ...[explanation.ingress, explanation.egress].map((d) => [
        d.selectedBy.map((p) => p.id),
        d.selectedWithout.map((p) => p.id),
      ]),
      admin.map((p) => p.id),
    ]);
    const group = groups.get(key);
    if (group) group.classes.push(c);
    else groups.set(key, { classes: [c], explanation, admin });
  }
  return {
    ok: true,
    value: {
      groups: [...groups.values()].map((g) => ({
        pods: space.describeUnion(g.classes),
        classes: g.classes.map((c) => at(space.classes, c).id),
        explanation: g.explanation,
        adminPolicies: g.admin,
      })),
      notes: space.notes,
    },
  };
}
