import {
  type AdminPolicyKind,
  type AdminPolicyModel,
  type ClusterModel,
  closestNames,
  first,
  formatPath,
  originLocation,
  type PodModel,
  type PolicyModel,
  resolveEndpoint,
} from '@netpol/core';
import {
  type AdminPolicyExplanation,
  type AdminRuleExplanation,
  adminPoliciesOfPod,
  explainAdminPolicy,
  explainPod,
  explainPolicy,
  type PodDirectionExplanation,
  type PodExplanation,
  type PolicyDirectionExplanation,
  type PolicyExplanation,
  type RuleExplanation,
} from '@netpol/core/explain';
import {
  adminDirectionWords,
  adminPolicyName,
  adminTierWords,
  peerWord,
  podListWords,
  ruleMatchWords,
} from '@netpol/core/format';
import { explainSymbolicPods, isSymbolicEndpoint, parseSymbolicEndpoint } from '@netpol/core/symbolic';
import { type ColorMode, type Colors, colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { type AnalysisOptions, loadInput } from '../load-input.js';
import { droppedPodNote, endpointError } from './check.js';
import { citeField, formatLocation, listSome, plural } from './explain-source.js';

export interface ExplainOptions extends AnalysisOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  pod?: string;
  policy?: string;
  namespace?: string;
  output: string;
  color?: ColorMode;
}

/** `netpol explain`: a pod (`--pod`), a policy (`--policy`) or every policy, in words. */
export async function explainCommand(options: ExplainOptions, io: Io): Promise<number> {
  if (options.pod && options.policy) throw new UsageError('give --pod or --policy, not both');
  const namespace = options.namespace ?? 'default';
  const { cluster } = await loadInput(options, io, { defaultNamespace: namespace });
  const c = colorsFor(io.stdout, io, options.color);
  const json = options.output === 'json';
  if (options.pod && isSymbolicEndpoint(options.pod)) {
    io.stdout.write(explainClassText(cluster, options.pod, json, c));
    return 0;
  }
  if (options.pod) {
    const result = resolveEndpoint(cluster, options.pod, { defaultNamespace: namespace });
    if (!result.ok) {
      const noPods = cluster.pods.length === 0 && cluster.workloads.length === 0 ? { policies: true } : undefined;
      throw endpointError('--pod', result.error, droppedPodNote(cluster, options.pod, namespace), noPods);
    }
    const endpoint = result.value;
    if (endpoint.kind !== 'pod') {
      throw new UsageError(
        `--pod: ${options.pod} is ${endpoint.kind === 'service' ? `Service ${endpoint.service.id}` : 'an outside address'}, not a pod`,
        endpoint.kind === 'service' ? `its pods: ${listSome(endpoint.backends.map((p) => p.id)) || 'none'}` : undefined,
      );
    }
    const explanation = explainPod(cluster, endpoint.pod);
    const admin = adminPoliciesOfPod(cluster, endpoint.pod);
    if (json) {
      const pod = {
        ...podToJson(explanation),
        ...(cluster.adminPolicies ? { adminPolicies: admin.map(adminRefToJson) } : {}),
      };
      io.stdout.write(`${JSON.stringify({ pod }, null, 2)}\n`);
    } else {
      io.stdout.write(
        formatPod(explanation, c) + (cluster.adminPolicies ? formatPodAdmin(endpoint.pod, admin, c) : ''),
      );
    }
    return 0;
  }
  const admin = options.policy ? findAdminPolicy(cluster, options.policy) : undefined;
  const policies = admin ? [] : options.policy ? [findPolicy(cluster, options.policy, namespace)] : cluster.policies;
  const adminPolicies = admin ? [admin] : options.policy ? [] : (cluster.adminPolicies ?? []);
  const explanations = policies.map((p) => explainPolicy(cluster, p));
  const adminExplanations = adminPolicies.map((p) => explainAdminPolicy(cluster, p));
  if (json) {
    const out = {
      policies: explanations.map(policyToJson),
      ...(adminExplanations.length > 0 ? { adminPolicies: adminExplanations.map(adminPolicyToJson) } : {}),
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (explanations.length === 0 && adminExplanations.length === 0) {
    io.stdout.write('no NetworkPolicy in the input: no pod is isolated, all traffic is allowed\n');
  } else {
    const texts = [
      ...explanations.map((e) => formatPolicy(e, c)),
      ...adminExplanations.map((e) => formatAdminPolicy(e, c)),
    ];
    io.stdout.write(texts.join('\n'));
  }
  return 0;
}

/**
 * `explain --pod 'prod/{app=web}'`: every pod that could exist and match the class endpoint
 * (SPEC "Symbolic endpoints"), in groups the same policies select, each explained as a pod is.
 */
function explainClassText(cluster: ClusterModel, text: string, json: boolean, c: Colors): string {
  const parsed = parseSymbolicEndpoint(text);
  if (!parsed.ok) {
    throw new UsageError(
      `--pod: ${parsed.error.message}`,
      "a pod (ns/name, ns/name[Kind]) or a class of pods: 'prod/{app=web}', '{team=a}/{tier!=db}', '*/{}'",
    );
  }
  const endpoint = parsed.value;
  if (endpoint.kind !== 'pods') {
    throw new UsageError(
      `--pod: ${endpoint.text} is outside addresses, not pods`,
      "a class of pods: 'prod/{app=web}', '*/{}' (with @CIDR for their addresses)",
    );
  }
  const result = explainSymbolicPods(cluster, endpoint);
  if (!result.ok) {
    throw new UsageError(`--pod: ${endpoint.text} can match no pod at all (its selectors contradict each other)`);
  }
  const { groups, notes } = result.value;
  const admin = cluster.adminPolicies !== undefined;
  if (json) {
    const pods = {
      endpoint: endpoint.text,
      symbolic: true,
      groups: groups.map((g) => {
        const { ingress, egress } = podToJson(g.explanation);
        return {
          pods: g.pods,
          classes: g.classes,
          ingress,
          egress,
          ...(admin ? { adminPolicies: g.adminPolicies.map(adminRefToJson) } : {}),
        };
      }),
      notes,
    };
    return `${JSON.stringify({ pods }, null, 2)}\n`;
  }
  const how =
    groups.length === 1
      ? 'every pod that could exist there; the policies treat them alike'
      : `every pod that could exist there, in ${groups.length} groups the policies treat apart`;
  const lines = [`${c.bold(`Pods ${endpoint.text}`)}  (${how})`];
  const texts = groups.map((g) => {
    const explained = formatPod(g.explanation, c).split('\n').slice(1).join('\n');
    const tiers = admin ? formatPodAdmin(g.explanation.pod, g.adminPolicies, c) : '';
    return `${c.bold(g.pods)}\n${explained}${tiers}`;
  });
  const noted = notes.map((note) => `${c.dim(`note: ${note}`)}\n`).join('');
  return `${lines.join('\n')}\n${texts.join('')}${noted}`;
}

const ADMIN_KIND_NAMES: Readonly<Record<string, AdminPolicyKind>> = {
  clusternetworkpolicy: 'ClusterNetworkPolicy',
  clusternetworkpolicies: 'ClusterNetworkPolicy',
  cnp: 'ClusterNetworkPolicy',
  adminnetworkpolicy: 'AdminNetworkPolicy',
  adminnetworkpolicies: 'AdminNetworkPolicy',
  anp: 'AdminNetworkPolicy',
  baselineadminnetworkpolicy: 'BaselineAdminNetworkPolicy',
  baselineadminnetworkpolicies: 'BaselineAdminNetworkPolicy',
  banp: 'BaselineAdminNetworkPolicy',
};

/**
 * `--policy` naming an admin tier policy: `Kind/name` (`cnp/NAME`, `anp/NAME`, `banp/NAME`,
 * kubectl's names), or a bare name no NetworkPolicy has and one admin policy has.
 */
function findAdminPolicy(cluster: ClusterModel, text: string): AdminPolicyModel | undefined {
  const all = cluster.adminPolicies ?? [];
  const slash = text.indexOf('/');
  const kind = slash > 0 ? ADMIN_KIND_NAMES[text.slice(0, slash).toLowerCase()] : undefined;
  if (kind) {
    const name = text.slice(slash + 1);
    const found = all.find((p) => p.kind === kind && p.name === name);
    if (found) return found;
    const same = all.filter((p) => p.kind === kind).map((p) => p.id);
    throw new UsageError(
      `--policy: no ${kind} "${name}" in the input`,
      same.length > 0 ? `did you mean ${closestNames(text, same).join(', ')}?` : `the input has no ${kind}`,
    );
  }
  if (slash >= 0 || cluster.policies.some((p) => p.name === text)) return undefined;
  const named = all.filter((p) => p.name === text);
  if (named.length > 1) {
    throw new UsageError(
      `--policy: "${text}" names ${named.length} policies`,
      `name one of: ${named.map((p) => p.id).join(', ')}`,
    );
  }
  return named[0];
}

function formatAdminPolicy(e: AdminPolicyExplanation, c: Colors): string {
  const { policy } = e;
  const where = formatLocation(originLocation(policy.origin, []));
  const lines = [`${c.bold(adminPolicyName(policy))}${where ? `  (${where})` : ''}  ${c.dim(adminTierWords(policy))}`];
  lines.push(
    `  subject ${e.subjectText}: ${e.selects.length === 0 ? c.yellow('no pod in the input') : podListWords(e.selects.map((p) => p.id))}`,
  );
  for (const [direction, rules] of [
    ['ingress', e.ingress],
    ['egress', e.egress],
  ] as const) {
    lines.push(`  ${direction}: ${adminDirectionWords(direction, rules.length)}`);
    for (const rule of rules) {
      const name = rule.name ? ` "${rule.name}"` : '';
      lines.push(`    ${citeField(policy.origin, rule.path)}${name}: ${rule.text}`);
      lines.push(`      ${c.dim(ruleMatchWords(rule.pods, rule.external))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function adminPolicyToJson(e: AdminPolicyExplanation) {
  const where = originLocation(e.policy.origin, []);
  const rule = (r: AdminRuleExplanation) => {
    const at = originLocation(e.policy.origin, r.path);
    return {
      rule: formatPath(r.path),
      name: r.name ?? null,
      action: r.action,
      file: at?.file ?? null,
      line: at?.line ?? null,
      text: r.text,
      peers: r.peers,
      ports: r.ports,
      pods: r.pods,
      external: r.external,
    };
  };
  return {
    policy: {
      id: e.policy.id,
      kind: e.policy.kind,
      name: e.policy.name,
      file: where?.file ?? null,
      line: where?.line ?? null,
    },
    tier: e.policy.tier,
    priority: e.policy.priority ?? null,
    subject: e.subjectText,
    selects: e.selects.map((p) => p.id),
    ingress: e.ingress.map(rule),
    egress: e.egress.map(rule),
  };
}

function findPolicy(cluster: ClusterModel, text: string, namespace: string): PolicyModel {
  const id = text.includes('/') ? text : `${namespace}/${text}`;
  const exact = cluster.policies.find((p) => p.id === id);
  if (exact) return exact;
  if (!text.includes('/')) {
    const named = cluster.policies.filter((p) => p.name === text);
    if (named.length === 1) return first(named);
    if (named.length > 1) {
      throw new UsageError(
        `--policy: "${text}" names ${named.length} policies`,
        `name one of: ${named.map((p) => p.id).join(', ')}`,
      );
    }
  }
  const ids = cluster.policies.map((p) => p.id);
  throw new UsageError(
    `--policy: no NetworkPolicy "${text}" in the input`,
    ids.length > 0 ? `did you mean ${closestNames(text, ids).join(', ')}?` : 'the input has no NetworkPolicy',
  );
}

function ruleMatches(rule: RuleExplanation): string {
  return ruleMatchWords(rule.pods, rule.external);
}

function formatPolicy(e: PolicyExplanation, c: Colors): string {
  const { policy } = e;
  const where = formatLocation(originLocation(policy.origin, []));
  const lines = [`${c.bold(`NetworkPolicy ${policy.id}`)}${where ? `  (${where})` : ''}`];
  lines.push(
    `  selects ${e.selectorText}: ${e.selects.length === 0 ? c.yellow('no pod in the input') : podListWords(e.selects.map((p) => p.id))}`,
  );
  for (const d of [e.ingress, e.egress]) lines.push(...formatPolicyDirection(policy, d, c));
  return `${lines.join('\n')}\n`;
}

function formatPolicyDirection(policy: PolicyModel, d: PolicyDirectionExplanation, c: Colors): string[] {
  const type = d.direction === 'ingress' ? 'Ingress' : 'Egress';
  if (d.ignored) {
    return [
      `  ${d.direction}: ${c.yellow('IGNORED')}: ${citeField(policy.origin, ['spec', d.direction])} has ${plural(d.rules.length, 'rule')} but policyTypes lacks ${type}, so ${d.rules.length === 1 ? 'it has' : 'they have'} no effect`,
    ];
  }
  if (!d.isolates) return [`  ${d.direction}: not affected (policyTypes lacks ${type})`];
  if (d.rules.length === 0) {
    return [`  ${d.direction}: isolates the selected pods and allows nothing (no rules: deny all ${d.direction})`];
  }
  const lines = [`  ${d.direction}: isolates the selected pods; allows what any rule admits:`];
  for (const rule of d.rules) {
    lines.push(`    ${citeField(policy.origin, rule.path)}: ${peerWord(d.direction)} ${rule.text}`);
    lines.push(`      ${c.dim(ruleMatches(rule))}`);
  }
  return lines;
}

function podHeader(pod: PodModel): string {
  // A workload without replicas is explained on its pod template, which has the workload's id.
  const template = pod.workload !== undefined && pod.workload.id === pod.id;
  const facts = [
    template ? 'no replicas: its pod template' : pod.workload ? `replica of ${pod.workload.id}` : undefined,
    pod.ips.length === 0
      ? 'no address'
      : pod.addressMadeUp
        ? `${pod.ips.join(', ')} (made up: the input gives no status.podIP; --pod-cidr sets the range)`
        : pod.ips.join(', '),
    pod.hostNetwork ? "hostNetwork: the node's address, verdicts CNI-defined" : undefined,
    pod.ports.length > 0
      ? `ports ${pod.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ')}`
      : 'no declared ports',
    Object.keys(pod.labels).length > 0
      ? `labels ${Object.entries(pod.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      : 'no labels',
  ].filter((f): f is string => f !== undefined);
  return `${template ? pod.workload?.kind : 'Pod'} ${pod.id}  (${facts.join('; ')})`;
}

function formatPod(e: PodExplanation, c: Colors): string {
  const lines = [c.bold(podHeader(e.pod))];
  for (const d of [e.ingress, e.egress]) lines.push(...formatPodDirection(d, c));
  return `${lines.join('\n')}\n`;
}

function formatPodDirection(d: PodDirectionExplanation, c: Colors): string[] {
  const lines: string[] = [];
  const everyone = d.direction === 'ingress' ? 'any source may reach it' : 'it may reach any destination';
  if (!d.isolated) {
    lines.push(`  ${d.direction}: not isolated (no policy selects it for ${d.direction}): ${everyone} on every port`);
  } else {
    const by = d.selectedBy.map(
      (p) =>
        `${p.id}${formatLocation(originLocation(p.origin, [])) ? ` (${formatLocation(originLocation(p.origin, []))})` : ''}`,
    );
    lines.push(`  ${d.direction}: isolated by ${by.join(', ')}`);
    if (d.rules.length === 0) {
      lines.push(
        `    ${c.yellow('no rule admits anything')}: ${d.direction === 'ingress' ? 'nothing may reach it' : 'it may reach nothing'} (except itself)`,
      );
    } else {
      lines.push(`    ${d.direction === 'ingress' ? 'may be reached from' : 'may reach'} (union of these rules):`);
      for (const rule of d.rules) {
        lines.push(`      ${rule.policy.id} ${citeField(rule.policy.origin, rule.path)}: ${rule.text}`);
        lines.push(`        ${c.dim(ruleMatches(rule))}`);
      }
    }
  }
  for (const p of d.selectedWithout) {
    const rules = d.direction === 'ingress' ? p.ingress : p.egress;
    if (rules.length > 0) {
      lines.push(
        `    ${c.yellow('note')}: ${p.id} selects it and has ${d.direction} rules, but its policyTypes lacks ${d.direction === 'ingress' ? 'Ingress' : 'Egress'}: they are ignored`,
      );
    }
  }
  return lines;
}

/** The admin tier policies selecting a pod, in the order they are consulted (docs/admin-tiers.md). */
function formatPodAdmin(pod: PodModel, admin: readonly AdminPolicyModel[], c: Colors): string {
  if (pod.hostNetwork) return '  admin tiers: a host-network pod is never an admin policy subject\n';
  if (admin.length === 0) {
    return '  admin tiers: no ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy selects it\n';
  }
  const lines = [
    '  admin tiers, consulted in this order per direction (the first matching rule decides; Pass moves on to the next tier):',
  ];
  let networkPolicies = false;
  for (const policy of admin) {
    if (policy.tier === 'baseline' && !networkPolicies) {
      lines.push(`    ${c.dim('then the NetworkPolicies above, final where they isolate it; then:')}`);
      networkPolicies = true;
    }
    const where = formatLocation(originLocation(policy.origin, []));
    const rules = `${plural(policy.ingress.length, 'ingress rule')}, ${plural(policy.egress.length, 'egress rule')}`;
    lines.push(`    ${policy.tier.padEnd(8)} ${adminPolicyName(policy)}${where ? ` (${where})` : ''}: ${c.dim(rules)}`);
  }
  if (!networkPolicies) lines.push(`    ${c.dim('then the NetworkPolicies above, final where they isolate it')}`);
  return `${lines.join('\n')}\n`;
}

function adminRefToJson(policy: AdminPolicyModel) {
  const where = originLocation(policy.origin, []);
  return {
    id: policy.id,
    kind: policy.kind,
    name: policy.name,
    tier: policy.tier,
    priority: policy.priority ?? null,
    file: where?.file ?? null,
    line: where?.line ?? null,
  };
}

function ruleToJson(policy: PolicyModel, rule: RuleExplanation) {
  const where = originLocation(policy.origin, rule.path);
  return {
    rule: formatPath(rule.path),
    file: where?.file ?? null,
    line: where?.line ?? null,
    text: rule.text,
    peers: rule.peers,
    ports: rule.ports,
    pods: rule.pods,
    external: rule.external,
  };
}

function policyRef(policy: PolicyModel) {
  const where = originLocation(policy.origin, []);
  return { id: policy.id, file: where?.file ?? null, line: where?.line ?? null };
}

function policyToJson(e: PolicyExplanation) {
  const direction = (d: PolicyDirectionExplanation) => ({
    isolates: d.isolates,
    ignored: d.ignored,
    rules: d.rules.map((r) => ruleToJson(e.policy, r)),
  });
  return {
    policy: policyRef(e.policy),
    selector: e.selectorText,
    selects: e.selects.map((p) => p.id),
    policyTypes: (['ingress', 'egress'] as const).filter((d) => e.policy.types[d]),
    ingress: direction(e.ingress),
    egress: direction(e.egress),
  };
}

function podToJson(e: PodExplanation) {
  const direction = (d: PodDirectionExplanation) => ({
    isolated: d.isolated,
    selectedBy: d.selectedBy.map(policyRef),
    ignoredBy: d.selectedWithout
      .filter((p) => (d.direction === 'ingress' ? p.ingress : p.egress).length > 0)
      .map(policyRef),
    rules: d.rules.map((r) => ({ policy: r.policy.id, ...ruleToJson(r.policy, r) })),
  });
  return {
    id: e.pod.id,
    namespace: e.pod.namespace,
    name: e.pod.name,
    workload: e.pod.workload?.id ?? null,
    ips: e.pod.ips,
    /** The input gives no address: `ips` were made up (added key). */
    addressMadeUp: e.pod.addressMadeUp === true,
    hostNetwork: e.pod.hostNetwork,
    labels: e.pod.labels,
    ingress: direction(e.ingress),
    egress: direction(e.egress),
  };
}
