import { at, first } from '../../at.js';
import {
  adminPeerMatches,
  adminRuleMatches,
  type CompiledAdminPolicy,
  compileAdminPolicies,
  selectionHolds,
} from '../../engine/admin-tiers.js';
import { compileCluster } from '../../engine/compile-cluster.js';
import type { PeerFacts } from '../../engine/compile-policy.js';
import type { PortQuery } from '../../engine/types.js';
import { adminPolicyName } from '../../format/admin-words.js';
import { listSome, plural } from '../../format/words.js';
import type { FieldPath } from '../../issues.js';
import type { LoadedObject } from '../../load/loaded-object.js';
import type { AdminPeerModel, AdminPolicyModel, AdminPortModel, AdminRuleModel } from '../../model/admin-types.js';
import { cidrContainsCidr, parseCidr } from '../../model/cidr.js';
import { isEmptySelector } from '../../model/selector.js';
import type { Direction, PodModel, Protocol } from '../../model/types.js';
import type { LintContext, LintRule } from '../types.js';

/**
 * Lint rules of the admin tiers (docs/admin-tiers.md): ties, shadowed rules, a Pass with
 * nothing after it, an admin Deny that cuts DNS, a baseline no pod reaches, domain names.
 * They ask the engine's admin matchers (engine/admin-tiers.ts), never re-decide matching.
 */

const rulePath = (rule: AdminRuleModel): FieldPath => ['spec', rule.direction, rule.index];
const rulesOf = (policy: AdminPolicyModel, direction: Direction) =>
  direction === 'ingress' ? policy.ingress : policy.egress;
const objectOf = (policy: AdminPolicyModel): LoadedObject | undefined => policy.origin?.object;
const ruleName = (rule: AdminRuleModel) => `spec.${rule.direction}[${rule.index}]${rule.name ? ` "${rule.name}"` : ''}`;

/** The compiled admin policies and the pods (one per endpoint, host network excluded) each selects. */
function subjects(ctx: LintContext) {
  const semantics = compileCluster(ctx.cluster);
  const compiled = compileAdminPolicies(ctx.cluster);
  const pods = ctx.endpoints.map((e) => e.pod).filter((pod) => !pod.hostNetwork);
  const selected = new Map<CompiledAdminPolicy, PodModel[]>();
  for (const policy of compiled) {
    selected.set(
      policy,
      pods.filter((pod) => selectionHolds(policy.subject, pod, semantics.namespaceLabels(pod.namespace))),
    );
  }
  return { semantics, compiled, selected };
}

/** Port queries worth asking for a rule set: every number and range start named, and one more per protocol. */
function portsOf(policies: readonly AdminPolicyModel[]): PortQuery[] {
  const out = new Map<string, PortQuery>();
  const add = (protocol: Protocol, port: number | string) => out.set(`${protocol}/${port}`, { protocol, port });
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) add(protocol, 65535);
  for (const policy of policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.ports === 'all') continue;
      for (const port of rule.ports) {
        if (typeof port.port === 'string')
          for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) add(protocol, port.port);
        else if (port.port !== undefined && port.protocol) add(port.protocol, port.port);
      }
    }
  }
  return [...out.values()];
}

export const adminPriorityTie: LintRule = {
  id: 'admin-priority-tie',
  severity: 'warning',
  summary: 'two admin tier policies at one priority decide a connection differently: which wins is undefined upstream',
  help: 'Upstream: "If two (or more) policies in the same tier with the same priority could match a connection, then the implementation can apply any of the matching policies". netpol consults ClusterNetworkPolicy before AdminNetworkPolicy, then by name (docs/admin-tiers.md), but a cluster may not. Give the policies distinct priorities.',
  check(ctx, report) {
    if ((ctx.cluster.adminPolicies ?? []).length < 2) return;
    const { semantics, compiled, selected } = subjects(ctx);
    // Peers that every rule of the two policies treats alike are asked once (namespace,
    // labels, ports, host network, and which admin networks/node addresses hold the address).
    const compiledAll = compileAdminPolicies(ctx.cluster);
    const seen = new Set<string>();
    const facts = ctx.endpoints
      .map((e) => semantics.podFacts(e.pod))
      .filter((f) => {
        const pod = f.pod as PodModel;
        const where = compiledAll
          .flatMap((p) => [...p.egress, ...p.ingress])
          .flatMap((r) => r.peers)
          .filter((peer) => peer.kind === 'addresses')
          .map((peer) => (adminPeerMatches(peer, f) ? '1' : '0'))
          .join('');
        const key = JSON.stringify([pod.namespace, pod.labels, pod.ports, pod.hostNetwork, where]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    const ports = portsOf(compiled.map((p) => p.policy));
    for (let a = 0; a < compiled.length; a++) {
      for (let b = a + 1; b < compiled.length; b++) {
        const [pa, pb] = [at(compiled, a), at(compiled, b)];
        if (pa.policy.tier !== pb.policy.tier || pa.policy.priority === undefined) continue;
        if (pa.policy.priority !== pb.policy.priority) continue;
        const shared = (selected.get(pa) ?? []).filter((pod) => (selected.get(pb) ?? []).includes(pod));
        const clash = firstClash(pa, pb, shared, facts, ports);
        const object = objectOf(pb.policy);
        if (!clash || !object) continue;
        report({
          object,
          path: ['spec', 'priority'],
          message: `${adminPolicyName(pb.policy)} and ${adminPolicyName(pa.policy)} share priority ${pa.policy.priority} and decide ${clash.pair} differently (${pa.policy.name} ${ruleName(clash.a)} ${clash.a.action}, ${pb.policy.name} ${ruleName(clash.b)} ${clash.b.action}); which applies is undefined upstream: give them distinct priorities`,
        });
      }
    }
  },
};

/** A connection both policies match with rules of different effect: the order decides it. */
function firstClash(
  pa: CompiledAdminPolicy,
  pb: CompiledAdminPolicy,
  shared: readonly PodModel[],
  others: readonly PeerFacts[],
  ports: readonly PortQuery[],
): { pair: string; a: AdminRuleModel; b: AdminRuleModel } | undefined {
  for (const subject of shared) {
    for (const direction of ['ingress', 'egress'] as const) {
      const ra = direction === 'ingress' ? pa.ingress : pa.egress;
      const rb = direction === 'ingress' ? pb.ingress : pb.egress;
      if (ra.length === 0 || rb.length === 0) continue;
      for (const other of others) {
        const otherPod = other.pod as PodModel | undefined;
        if (otherPod?.id === subject.id) continue;
        const destination = direction === 'ingress' ? subject : otherPod;
        for (const query of ports) {
          const port =
            typeof query.port === 'number'
              ? query.port
              : destination?.ports.find((p) => p.name === query.port && p.protocol === query.protocol)?.port;
          if (port === undefined) continue;
          const first = (rules: typeof ra) =>
            rules.find((r) => adminRuleMatches(r, other, query.protocol, port, destination) !== undefined);
          const ha = first(ra);
          const hb = first(rb);
          if (!ha || !hb || ha.model.effect === hb.model.effect) continue;
          const peer = otherPod?.id ?? 'an address';
          const [from, to] = direction === 'egress' ? [subject.id, peer] : [peer, subject.id];
          return { pair: `${from} -> ${to} on ${port}/${query.protocol}`, a: ha.model, b: hb.model };
        }
      }
    }
  }
  return undefined;
}

// ---- admin-rule-shadowed ----

function peerCovers(outer: AdminPeerModel, inner: AdminPeerModel): boolean {
  if (outer.kind === 'namespaces' && isEmptySelector(outer.namespaceSelector)) {
    return inner.kind === 'namespaces' || inner.kind === 'pods';
  }
  if (outer.kind === 'networks' && inner.kind === 'networks') {
    return inner.cidrs.every((text) => {
      const cidr = parseCidr(text);
      return (
        cidr !== undefined &&
        outer.cidrs.some((o) => {
          const c = parseCidr(o);
          return c !== undefined && cidrContainsCidr(c, cidr);
        })
      );
    });
  }
  const { index: _a, ...o } = outer;
  const { index: _b, ...i } = inner;
  return JSON.stringify(o) === JSON.stringify(i);
}

function portCovers(outer: AdminPortModel, inner: AdminPortModel): boolean {
  if (outer.unknownProtocol !== undefined) return false;
  if (inner.unknownProtocol !== undefined) return true;
  if (typeof outer.port === 'string' || typeof inner.port === 'string') {
    return typeof outer.port === 'string' && outer.port === inner.port;
  }
  if (outer.protocol !== inner.protocol) return false;
  if (outer.port === undefined) return true;
  if (inner.port === undefined) return false;
  const innerEnd = inner.endPort ?? inner.port;
  if (innerEnd < inner.port) return true; // an empty range matches nothing anyway
  return inner.port >= outer.port && innerEnd <= (outer.endPort ?? outer.port);
}

/** Whether `earlier` matches every packet `later` does (every peer and every port covered). */
function ruleCovers(earlier: AdminRuleModel, later: AdminRuleModel): boolean {
  const ports =
    earlier.ports === 'all' ||
    (later.ports !== 'all' &&
      later.ports.every((p) => (earlier.ports as AdminPortModel[]).some((e) => portCovers(e, p))));
  return ports && later.peers.every((p) => earlier.peers.some((e) => peerCovers(e, p)));
}

export const adminRuleShadowed: LintRule = {
  id: 'admin-rule-shadowed',
  severity: 'warning',
  summary: 'an admin tier rule no packet can reach: an earlier rule of the same policy matches everything it does',
  help: 'In ClusterNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy the first matching rule decides, in written order. A rule whose peers and ports an earlier rule already covers never applies: move it up, narrow the earlier rule, or delete it.',
  check(ctx, report) {
    for (const policy of ctx.cluster.adminPolicies ?? []) {
      const object = objectOf(policy);
      if (!object) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = rulesOf(policy, direction);
        rules.forEach((later, i) => {
          const earlier = rules.slice(0, i).find((r) => ruleCovers(r, later));
          if (!earlier) return;
          const same = earlier.action === later.action ? ' (same action: it changes nothing)' : '';
          report({
            object,
            path: rulePath(later),
            message: `${ruleName(later)} ${later.action} is never reached: ${ruleName(earlier)} ${earlier.action} matches every peer and port it does${same}`,
          });
        });
      }
    }
  },
};

// ---- pass-to-nothing ----

export const passToNothing: LintRule = {
  id: 'pass-to-nothing',
  severity: 'info',
  summary:
    'an admin tier Pass where no NetworkPolicy isolates the pods and no baseline rule decides: the same as Accept',
  help: 'Pass hands a connection to the NetworkPolicies of the pod, then to the baseline tier. Where none isolates the pod and no baseline policy selects it, the connection falls to the default: allowed. Write Accept if that is meant, or add the NetworkPolicy / baseline rule the Pass delegates to.',
  check(ctx, report) {
    if (!ctx.cluster.adminPolicies?.some((p) => p.tier === 'admin')) return;
    const { semantics, compiled, selected } = subjects(ctx);
    const baseline = compiled.filter((p) => p.policy.tier === 'baseline');
    for (const policy of compiled) {
      if (policy.policy.tier !== 'admin') continue;
      const pods = selected.get(policy) ?? [];
      const object = objectOf(policy.policy);
      if (!object || pods.length === 0) continue;
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of rulesOf(policy.policy, direction)) {
          if (rule.effect !== 'pass') continue;
          const isolated = pods.some((pod) =>
            semantics.policiesSelecting(pod).some((np) => np.policy.types[direction]),
          );
          const baselined = pods.some((pod) =>
            baseline.some((b) => (selected.get(b) ?? []).includes(pod) && rulesOf(b.policy, direction).length > 0),
          );
          if (isolated || baselined) continue;
          report({
            object,
            path: rulePath(rule),
            message: `${ruleName(rule)} Pass hands ${direction} of ${plural(pods.length, 'pod')} (${listSome(pods.map((p) => p.id))}) to the next tiers, but no NetworkPolicy isolates them for ${direction} and no baseline rule selects them: it allows, as Accept would`,
          });
        }
      }
    }
  },
};

// ---- admin-deny-blocks-dns ----

export const adminDenyBlocksDns: LintRule = {
  id: 'admin-deny-blocks-dns',
  severity: 'warning',
  summary: 'an admin tier Deny catches DNS (UDP/TCP 53 to the cluster DNS) for pods no earlier Accept lets through',
  help: 'Admin tier Deny rules beat every NetworkPolicy: a broad Deny (to kube-system, to 0.0.0.0/0, to every namespace) also cuts name lookups, and no namespace owner can fix it. Put an Accept for DNS (UDP and TCP 53 to k8s-app=kube-dns in kube-system) before it, in the same policy or at a lower priority value.',
  check(ctx, report) {
    const dns = ctx.endpoints.filter(
      (e) => e.namespace === 'kube-system' && e.pod.labels['k8s-app'] === 'kube-dns' && !e.pod.hostNetwork,
    );
    if (dns.length === 0 || !ctx.cluster.adminPolicies) return;
    const caught = new Map<AdminRuleModel, { policy: AdminPolicyModel; pods: string[] }>();
    for (const source of ctx.endpoints) {
      if (dns.some((d) => d.id === source.id)) continue;
      for (const protocol of ['UDP', 'TCP'] as const) {
        const verdict = ctx.engine.check(
          { kind: 'pod', pod: source.pod },
          { kind: 'pod', pod: first(dns).pod },
          { protocol, port: 53 },
        );
        const ref = verdict.egress.tier === 'admin' ? verdict.egress.adminRule : undefined;
        if (ref?.action !== 'Deny') continue;
        const rule = ref.policy.egress.find((r) => r.index === ref.ruleIndex);
        if (!rule) continue;
        const entry = caught.get(rule) ?? { policy: ref.policy, pods: [] };
        if (!entry.pods.includes(source.id)) entry.pods.push(source.id);
        caught.set(rule, entry);
      }
    }
    for (const [rule, { policy, pods }] of caught) {
      const object = objectOf(policy);
      if (!object) continue;
      report({
        object,
        path: rulePath(rule),
        message: `${ruleName(rule)} Deny blocks DNS to ${first(dns).id} for ${plural(pods.length, 'pod')} (${listSome(pods)}) and no NetworkPolicy can reopen it: accept UDP/TCP 53 to the cluster DNS before it`,
      });
    }
  },
};

// ---- baseline-never-applies ----

export const baselineNeverApplies: LintRule = {
  id: 'baseline-never-applies',
  severity: 'info',
  summary: 'a baseline tier policy whose every selected pod is isolated by NetworkPolicies: it never decides',
  help: 'The baseline tier judges only pods no NetworkPolicy isolates in that direction ("v1.NetworkPolicy always makes a final decision for selected pods"). When NetworkPolicies isolate every pod the baseline policy selects, in every direction it has rules for, it has no effect on the pods in the input.',
  check(ctx, report) {
    if (!ctx.cluster.adminPolicies?.some((p) => p.tier === 'baseline')) return;
    const { semantics, compiled, selected } = subjects(ctx);
    for (const policy of compiled) {
      if (policy.policy.tier !== 'baseline') continue;
      const pods = selected.get(policy) ?? [];
      const object = objectOf(policy.policy);
      const directions = (['ingress', 'egress'] as const).filter((d) => rulesOf(policy.policy, d).length > 0);
      if (!object || pods.length === 0 || directions.length === 0) continue;
      const covered = directions.every((d) =>
        pods.every((pod) => semantics.policiesSelecting(pod).some((np) => np.policy.types[d])),
      );
      if (!covered) continue;
      report({
        object,
        path: ['spec', 'subject'],
        message: `every pod it selects (${plural(pods.length, 'pod')}: ${listSome(pods.map((p) => p.id))}) is isolated by NetworkPolicies for ${directions.join(' and ')}: this baseline policy never decides`,
      });
    }
  },
};

// ---- domain names ----

export const domainNamesUnenforceableWithoutDns: LintRule = {
  id: 'domain-names-unenforceable-without-dns',
  severity: 'warning',
  summary:
    'a domainNames peer: enforced only by implementations that intercept DNS; netpol check/matrix match no address for it',
  help: "domainNames (experimental) match the addresses the cluster DNS returned for the names, which the implementation must observe. netpol's engine has no DNS: check and matrix treat the peer as matching nothing (a later Deny then denies the name). Make sure the CNI supports domainNames, and pair them with networks for addresses that must work regardless.",
  check(ctx, report) {
    for (const policy of ctx.cluster.adminPolicies ?? []) {
      const object = objectOf(policy);
      if (!object) continue;
      for (const rule of policy.egress) {
        for (const peer of rule.peers) {
          if (peer.kind !== 'domainNames') continue;
          report({
            object,
            path: [...rulePath(rule), 'to', peer.index, 'domainNames'],
            message: `${peer.names.join(', ')}: enforced only where the implementation intercepts DNS; netpol's check and matrix match no address for these names`,
          });
        }
      }
    }
  },
};

export const domainNamesNotAccept: LintRule = {
  id: 'domain-names-not-accept',
  severity: 'error',
  summary:
    'domainNames in a Deny or Pass rule: upstream supports them only in Accept/Allow rules (the CRD does not check it)',
  help: 'The API: "DomainNames is only supported for Accept rules. In order to control access, DomainNames Accept rules should be used with a lower precedence egress deny". The CRD accepts other actions, but implementations do not support them. Use Accept for the names and a later Deny for the rest.',
  check(ctx, report) {
    for (const policy of ctx.cluster.adminPolicies ?? []) {
      const object = objectOf(policy);
      if (!object) continue;
      for (const rule of policy.egress) {
        if (rule.effect === 'allow') continue;
        for (const peer of rule.peers) {
          if (peer.kind !== 'domainNames') continue;
          report({
            object,
            path: [...rulePath(rule), 'action'],
            message: `${ruleName(rule)} ${rule.action} with domainNames peers: only Accept/Allow supports them`,
          });
        }
      }
    }
  },
};

export const ADMIN_LINT_RULES: readonly LintRule[] = [
  adminPriorityTie,
  adminRuleShadowed,
  passToNothing,
  adminDenyBlocksDns,
  baselineNeverApplies,
  domainNamesUnenforceableWithoutDns,
  domainNamesNotAccept,
];
