import { matchPort } from '../../engine/match-port.js';
import { serviceSelectsPod } from '../../engine/service-selects-pod.js';
import { listSome, portWords } from '../../format/words.js';
import type { Protocol, ServiceModel } from '../../model/types.js';
import { effectiveRules, portPath } from '../rule-helpers.js';
import { allSteps, StepWork } from '../rule-steps.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

/**
 * "Traffic to a Service is judged against the backing pods after translation to targetPort"
 * (SPEC, as CNIs do): a rule that allows a Service's `port` where the pods listen on a
 * different `targetPort` allows the wrong port. Flagged on ingress rules of policies selecting
 * the Service's pods, when the rule's port is the Service port, no selected pod listens on it,
 * and no port of the rule covers the target port.
 */
export const servicePortNotTargetPort: LintRule = {
  id: 'service-port-not-target-port',
  severity: 'warning',
  summary: "an ingress rule allows a Service's port, but traffic reaches the pods on its targetPort",
  help: "NetworkPolicies see traffic after the Service translates it: the destination port is the Service's targetPort on the pod, not the Service port clients dial. Allow the targetPort number (or the container port name) in the ingress rule.",
  check: allSteps(targetPortSteps),
  steps: targetPortSteps,
};

/** The rule's work, a step at a time: policies in chunks (a unit: a policy, and ten of its selected endpoints asked about a Service). */
function* targetPortSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const { cluster, selectedBy } = ctx;
  const work = new StepWork(ctx.stepWork);
  // A Service selects pods of its own namespace only: look there, not at every Service.
  const servicesIn = new Map<string, ServiceModel[]>();
  for (const service of cluster.services) {
    const list = servicesIn.get(service.namespace);
    if (list) list.push(service);
    else servicesIn.set(service.namespace, [service]);
  }
  for (const policy of cluster.policies) {
    if (work.full()) yield;
    work.add(1);
    if (!policy.origin || !policy.types.ingress) continue;
    const selected = selectedBy(policy);
    if (selected.length === 0) continue;
    work.add((selected.length * (servicesIn.get(policy.namespace)?.length ?? 0)) / 10);
    const services = (servicesIn.get(policy.namespace) ?? []).filter((s) =>
      selected.some((e) => serviceSelectsPod(s, e.pod)),
    );
    if (services.length === 0) continue;
    for (const rule of effectiveRules(policy)) {
      if (rule.direction !== 'ingress' || rule.ports === 'all') continue;
      const rulePorts = rule.ports;
      // Some entry admits the target port on some selected pod.
      const covers = (protocol: Protocol, n: number) =>
        rulePorts.some((p) => selected.some((e) => matchPort(p, protocol, n, e.pod)));
      for (const port of rulePorts) {
        if (typeof port.port !== 'number' || port.endPort !== undefined) continue;
        const n = port.port;
        if (selected.some((e) => e.pod.ports.some((c) => c.port === n && c.protocol === port.protocol))) continue;
        for (const service of services) {
          const sp = service.ports.find((p) => p.port === n && p.protocol === port.protocol);
          if (!sp) continue;
          const targets = [
            ...new Set(
              selected.flatMap((e) => {
                if (typeof sp.targetPort === 'number') return [sp.targetPort];
                const c = e.pod.ports.find((x) => x.name === sp.targetPort && x.protocol === sp.protocol);
                return c ? [c.port] : [];
              }),
            ),
          ].filter((t) => t !== n);
          if (targets.length === 0 || targets.every((t) => covers(port.protocol, t))) continue;
          report({
            object: policy.origin.object,
            path: [...portPath(rule, port), 'port'],
            message: `${portWords(port)} is the port of Service ${service.id}, but its traffic reaches ${listSome(selected.map((e) => e.id))} on targetPort ${targets.join(', ')}, and policies see the port after that translation: allow ${targets.map((t) => `${t}/${port.protocol}`).join(', ')}${typeof sp.targetPort === 'string' ? ` (or the port name ${sp.targetPort})` : ''} instead`,
          });
          break;
        }
      }
    }
  }
}
